/**
 * The coding agents as test dependencies (scripts/test/agents.ts): installed only when the
 * selected tests use them, only when missing or outdated, never half, and a clear reason when
 * they cannot be. npm is replaced by small scripts here; the real `npm ci` runs in `deno task test`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  agentsSkipBanner,
  ensureAgents,
  installedKey,
  lockKey,
  needsAgents,
  npmComplaint,
  repoRoot,
  stampName,
} from "../../scripts/test/agents.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-agents-install-" }));
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A pinned set: package.json and a lock. */
async function manifest(dir: string, lock = '{"lockfileVersion":3}'): Promise<string> {
  const source = join(dir, "manifest");
  await Deno.mkdir(source, { recursive: true });
  await Deno.writeTextFile(join(source, "package.json"), '{"name":"x","private":true}');
  await Deno.writeTextFile(join(source, "package-lock.json"), lock);
  return source;
}

/** An `npm` that answers --version and runs `body` for `ci`. */
async function fakeNpm(dir: string, body: string): Promise<string> {
  const npm = join(dir, "npm");
  await Deno.writeTextFile(
    npm,
    `#!/bin/sh\nif [ "$1" = "--version" ]; then echo 11.0.0; exit 0; fi\n${body}\n`,
  );
  await Deno.chmod(npm, 0o755);
  return npm;
}

Deno.test("agents install: only runs whose test files use the agents need them", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(join(dir, "e2e"));
    await Deno.mkdir(join(dir, "store"));
    await Deno.mkdir(join(dir, "node_modules"));
    // Spelled in two parts, so that this file itself does not look like an importer.
    const support = `"../support/${"agents.ts"}"`;
    await Deno.writeTextFile(
      join(dir, "e2e", "agents_test.ts"),
      `import {\n  findAgent,\n} from ${support};\n`,
    );
    await Deno.writeTextFile(join(dir, "store", "sqlite_test.ts"), 'import "node:sqlite";\n');
    // A mention is no import; a helper is no test file; node_modules is not searched.
    await Deno.writeTextFile(join(dir, "store", "mention_test.ts"), `// see ${support}\n`);
    await Deno.writeTextFile(join(dir, "store", "helper.ts"), `import ${support};\n`);
    await Deno.writeTextFile(join(dir, "node_modules", "x_test.ts"), `import ${support};\n`);
    const cases: [string[], boolean][] = [
      [["test", "-A", "--parallel", "."], true],
      [["test", "-A", "--parallel", "e2e"], true],
      [["test", "-A", "e2e/agents_test.ts"], true],
      [["test", "-A", "--parallel", "store"], false],
      [["test", "-A", "--filter", "sqlite", "store"], false],
      [["test", "-A", "no-such-path"], false],
    ];
    for (const [args, want] of cases) {
      assert.equal(await needsAgents(args, dir), want, args.join(" "));
    }
  });
  // The repository itself: the suite needs them, the store tests do not.
  assert.equal(await needsAgents(["test", "-A", "tests/"], repoRoot), true);
  assert.equal(await needsAgents(["test", "-A", "tests/store"], repoRoot), false);
  assert.equal(await needsAgents(["test", "-A", "tests/scripts"], repoRoot), false);
});

Deno.test("agents install: the key follows the lock and the manifest", async () => {
  await withDir(async (dir) => {
    const a = await lockKey(await manifest(join(dir, "a")));
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.equal(await lockKey(await manifest(join(dir, "b"))), a);
    assert.notEqual(await lockKey(await manifest(join(dir, "c"), '{"lockfileVersion":2}')), a);
  });
});

Deno.test("agents install: a current copy is used as is, without npm", async () => {
  await withDir(async (dir) => {
    const source = await manifest(dir);
    const installDir = join(dir, "agents");
    await Deno.mkdir(installDir);
    await Deno.writeTextFile(join(installDir, stampName), `${await lockKey(source)}\n`);
    const result = await ensureAgents({ installDir, source, npm: join(dir, "no-npm") });
    assert.deepStrictEqual(result, { dir: installDir, installedSeconds: null });
  });
});

Deno.test("agents install: without npm, the reason says so", async () => {
  await withDir(async (dir) => {
    const source = await manifest(dir);
    const result = await ensureAgents({
      installDir: join(dir, "agents"),
      source,
      npm: join(dir, "no-npm"),
    });
    assert.ok("failed" in result);
    assert.match(result.failed, /npm is not installed/);
  });
});

Deno.test("agents install: an outdated copy is replaced whole, with the new key", async () => {
  await withDir(async (dir) => {
    const source = await manifest(dir);
    const installDir = join(dir, "agents");
    await Deno.mkdir(join(installDir, "node_modules", "old"), { recursive: true });
    await Deno.writeTextFile(join(installDir, stampName), "an-older-lock\n");
    const npm = await fakeNpm(
      dir,
      '[ "$1" = ci ] && [ -f package-lock.json ] || exit 9\nmkdir -p node_modules/new',
    );
    const result = await ensureAgents({ installDir, source, npm });
    assert.ok("dir" in result, JSON.stringify(result));
    assert.equal(typeof result.installedSeconds, "number");
    assert.equal(await installedKey(installDir), await lockKey(source));
    const modules = [...Deno.readDirSync(join(installDir, "node_modules"))].map((e) => e.name);
    assert.deepStrictEqual(modules, ["new"]);
    // No staging folder is left beside it.
    assert.deepStrictEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "agents",
      "manifest",
      "npm",
    ]);
  });
});

Deno.test("agents install: a failed npm ci keeps the old copy and says what npm said", async () => {
  await withDir(async (dir) => {
    const source = await manifest(dir);
    const installDir = join(dir, "agents");
    await Deno.mkdir(join(installDir, "node_modules", "old"), { recursive: true });
    await Deno.writeTextFile(join(installDir, stampName), "an-older-lock\n");
    const npm = await fakeNpm(
      dir,
      "mkdir -p node_modules/half\necho 'npm error code ENOTFOUND' >&2\n" +
        "echo 'npm error network request to https://registry.npmjs.org failed' >&2\nexit 1",
    );
    const result = await ensureAgents({ installDir, source, npm });
    assert.ok("failed" in result);
    assert.equal(
      result.failed,
      "npm ci failed (exit 1): code ENOTFOUND | network request to https://registry.npmjs.org failed",
    );
    assert.equal(await installedKey(installDir), "an-older-lock");
    assert.deepStrictEqual(
      [...Deno.readDirSync(join(installDir, "node_modules"))].map((e) => e.name),
      ["old"],
    );
    assert.deepStrictEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "agents",
      "manifest",
      "npm",
    ]);
  });
});

Deno.test("agents install: npm's complaint in one line, without stack and advice", () => {
  const refused = [
    "npm error code ECONNREFUSED",
    "npm error syscall connect",
    "npm error errno ECONNREFUSED",
    "npm error FetchError: request to http://127.0.0.1:9/@openai%2fcodex failed, reason: connect " +
    "ECONNREFUSED 127.0.0.1:9",
    "npm error     at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/lib/index.js:130:14)",
    "npm error   code: 'ECONNREFUSED',",
    "npm error }",
    "npm error",
    "npm error If you are behind a proxy, please make sure that the 'proxy' config is set properly.",
    "npm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log",
  ].join("\n");
  const cases: [string, string][] = [
    [
      refused,
      "code ECONNREFUSED | FetchError: request to http://127.0.0.1:9/@openai%2fcodex failed, " +
      "reason: connect ECONNREFUSED 127.0.0.1:9",
    ],
    [
      "npm error code E404\nnpm error 404 Not Found - GET https://r/x - Not found\n",
      "code E404 | 404 Not Found - GET https://r/x - Not found",
    ],
    ["Killed\n", "Killed"],
    ["one\ntwo\nthree\nfour\n", "two | three | four"],
  ];
  for (const [output, want] of cases) assert.equal(npmComplaint(output), want);
});

Deno.test("agents install: the skip banner names the reason and what is needed", () => {
  const banner = agentsSkipBanner("npm is not installed");
  assert.match(banner, /Coding-agent tests .* SKIPPED: npm is not installed/);
  assert.match(banner, /npm ci of tests\/agents\/package-lock\.json/);
  assert.doesNotMatch(banner, /^(ok|FAILED) \| \d+ passed/m);
});
