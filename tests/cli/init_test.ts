/**
 * `ongoingai init` in-process: the file plan (what is written, what would be overwritten) and the
 * command's refusal to replace a user's files without --force.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { init } from "../../src/cli/init.ts";
import { initPlan, overwrites, toWrite } from "../../src/cli/init/plan.ts";
import { runCli } from "../../src/cli/mod.ts";
import { withFiles } from "../config/temp_files.ts";
import { runCaptured } from "../support/cli_io.ts";

const all = ["gateway.config.ts", "policies/default.ts", ".ongoingai/types/ongoingai.d.ts"]
  .concat(["deno.json", "tsconfig.json", ".gitignore"]);
const types = ".ongoingai/types/ongoingai.d.ts";

Deno.test("init plan: the starter files, or only the types with --types", () => {
  assert.deepEqual(initPlan({ typesOnly: false }).map((f) => f.path), all);
  assert.deepEqual(initPlan({ typesOnly: true }).map((f) => f.path), [types]);
});

Deno.test("init plan: the embedded declarations are the committed generated file", async () => {
  const committed = await Deno.readTextFile(
    new URL("../../src/cli/init/ongoingai.d.ts", import.meta.url),
  );
  const planned = initPlan({ typesOnly: false }).find((f) => f.path === types);
  assert.equal(planned?.content, committed);
});

Deno.test("init plan: the editor configs map both module names to the declarations", () => {
  const plan = new Map(initPlan({ typesOnly: false }).map((f) => [f.path, f.content]));
  const deno = JSON.parse(plan.get("deno.json")!);
  assert.deepEqual(deno.imports, { ongoingai: `./${types}`, "@ongoingai/gateway": `./${types}` });
  const tsconfig = JSON.parse(plan.get("tsconfig.json")!);
  assert.deepEqual(tsconfig.compilerOptions.paths, {
    ongoingai: [`./${types}`],
    "@ongoingai/gateway": [`./${types}`],
  });
});

Deno.test("init plan: which existing files would be overwritten", async (t) => {
  const cases: Array<[string, string[], { typesOnly: boolean; force: boolean }, string[]]> = [
    ["an empty directory", [], { typesOnly: false, force: false }, []],
    ["unrelated files only", ["README.md"], { typesOnly: false, force: false }, []],
    [
      "a config and a policy, reported in plan order",
      ["policies/default.ts", "gateway.config.ts"],
      { typesOnly: false, force: false },
      ["gateway.config.ts", "policies/default.ts"],
    ],
    [
      "the repository's own deno.json, tsconfig.json and .gitignore are kept, not refused",
      ["deno.json", "tsconfig.json", ".gitignore"],
      { typesOnly: false, force: false },
      [],
    ],
    ["everything, with --force", all, { typesOnly: false, force: true }, []],
    ["the types, with --types (init owns that file)", all, { typesOnly: true, force: false }, []],
    ["the types, without --types", [types], { typesOnly: false, force: false }, [types]],
  ];
  for (const [name, existing, options, expected] of cases) {
    await t.step(name, () => {
      assert.deepEqual(overwrites(initPlan(options), new Set(existing), options), expected);
    });
  }
});

Deno.test("init plan: which files are written", async (t) => {
  const kept = ["deno.json", "tsconfig.json", ".gitignore"];
  const cases: Array<[string, string[], boolean, string[]]> = [
    ["an empty directory: all", [], false, all],
    ["a repository's editor files and .gitignore are kept", kept, false, all.slice(0, 3)],
    [
      "one of them kept, the rest written",
      ["tsconfig.json"],
      false,
      all.filter((p) => p !== "tsconfig.json"),
    ],
    ["--force replaces them too", kept, true, all],
  ];
  for (const [name, existing, force, expected] of cases) {
    await t.step(name, () => {
      const plan = initPlan({ typesOnly: false });
      assert.deepEqual(toWrite(plan, new Set(existing), { force }).map((f) => f.path), expected);
    });
  }
});

Deno.test("init: keeps a repository's deno.json and .gitignore and says what to add", async () => {
  const denoJson = '{ "tasks": { "x": "echo" } }\n';
  await withFiles({ "deno.json": denoJson, ".gitignore": "node_modules/\n" }, async (dir) => {
    const r = await runCaptured(init, [], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await Deno.readTextFile(join(dir, "deno.json")), denoJson);
    assert.equal(await Deno.readTextFile(join(dir, ".gitignore")), "node_modules/\n");
    assert.match(
      r.stdout,
      /^kept your deno\.json: map "ongoingai" and "@ongoingai\/gateway" to \.\/\.ongoingai\/types\/ongoingai\.d\.ts in its "imports"$/m,
    );
    assert.match(r.stdout, /^kept your \.gitignore: add the line data\/ /m);
    assert.match(r.stdout, /^wrote tsconfig\.json$/m);
    assert.match(r.stdout, /^wrote gateway\.config\.ts$/m);
  });
});

Deno.test("init: writes every planned file and the next steps", async () => {
  await withFiles({}, async (dir) => {
    const r = await runCaptured(init, [], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    for (const { path, content } of initPlan({ typesOnly: false })) {
      assert.equal(await Deno.readTextFile(join(dir, path)), content, path);
      assert.match(r.stdout, new RegExp(`^wrote ${path.replaceAll(".", "\\.")}$`, "m"));
    }
    assert.match(r.stdout, /ongoingai check/);
    assert.match(r.stdout, /ongoingai serve/);
    // Named: shell-init runs no ./gateway.config.ts it was not given (issue 16 item 6).
    assert.match(r.stdout, /eval "\$\(ongoingai shell-init --config gateway\.config\.ts\)"/);
    assert.doesNotMatch(r.stdout, /\bcd /, "already in the directory");
  });
});

Deno.test("init --dir: creates the directory and says to cd into it", async () => {
  await withFiles({}, async (dir) => {
    const r = await runCaptured(init, ["--dir", "gw/config"], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^wrote gw\/config\/gateway\.config\.ts$/m);
    assert.match(r.stdout, /^ {2}cd gw\/config$/m);
    await Deno.stat(join(dir, "gw", "config", "policies", "default.ts"));
  });
});

Deno.test("init: refuses to overwrite, lists the files, writes nothing; --force replaces", async () => {
  const mine = "export default { server: { port: 9999 } };\n";
  await withFiles({ "gateway.config.ts": mine, "deno.json": "{}\n" }, async (dir) => {
    const refused = await runCaptured(init, [], dir);
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, "");
    assert.match(
      refused.stderr,
      /already exist in \. and were left alone:\n {2}gateway\.config\.ts\nNothing was written/,
    );
    assert.match(refused.stderr, /ongoingai init --force/);
    assert.equal(await Deno.readTextFile(join(dir, "gateway.config.ts")), mine);
    await assert.rejects(Deno.stat(join(dir, "policies")), Deno.errors.NotFound, "nothing written");

    const forced = await runCaptured(init, ["--force"], dir);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /^replaced gateway\.config\.ts$/m);
    assert.match(forced.stdout, /^replaced deno\.json$/m);
    assert.match(forced.stdout, /^wrote policies\/default\.ts$/m);
    assert.notEqual(await Deno.readTextFile(join(dir, "gateway.config.ts")), mine);
  });
});

Deno.test("init --types: refreshes only the declarations, leaving the config alone", async () => {
  const mine = "export default {};\n";
  await withFiles({ "gateway.config.ts": mine, [types]: "// old\n" }, async (dir) => {
    const r = await runCaptured(init, ["--types"], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `replaced ${types}\n`);
    assert.equal(await Deno.readTextFile(join(dir, "gateway.config.ts")), mine);
    assert.equal(
      await Deno.readTextFile(join(dir, types)),
      initPlan({ typesOnly: true })[0]!.content,
    );
  });
});

Deno.test("init: a usage error exits 2; an unwritable target exits 1 with the reason", async () => {
  await withFiles({ "taken": "a file, not a directory\n" }, async (dir) => {
    const usage = await runCaptured((a, io) => runCli(["init", ...a], io), ["extra"], dir);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /init does not accept positional arguments/);
    const blocked = await runCaptured(init, ["--dir", "taken"], dir);
    assert.equal(blocked.code, 1);
    assert.match(blocked.stderr, /^init: cannot write into taken: /);
  });
});
