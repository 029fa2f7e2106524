/** `ongoingai check`: exit codes and outputs for each format, driven in-process. */
import assert from "node:assert/strict";
import { check, checkSpec } from "../../src/cli/check.ts";
import { runCaptured } from "../support/cli_io.ts";
import { withFiles } from "../config/temp_files.ts";

function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  return runCaptured(check, args, cwd, env);
}

const valid = "server:\n  port: 8081\n";
const invalid = "server:\n  prot: 1\nstorage:\n  driver: postgres\n";
const warned = "auth:\n  keys:\n    - { id: a, token: gwk_plain }\n";

Deno.test("check: a valid file prints its path on stdout and exits 0", async () => {
  await withFiles({ "ongoingai.yaml": valid }, async (dir) => {
    const r = await run([], dir);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "config is valid: ongoingai.yaml\n");
    assert.equal(r.stderr, "");
  });
});

Deno.test("check: no file at all validates the built-in defaults", async () => {
  await withFiles({}, async (dir) => {
    const r = await run([], dir);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "config is valid: (built-in defaults)\n");
  });
});

Deno.test("check: an empty file is valid", async () => {
  await withFiles({ "empty.yaml": "" }, async (dir) => {
    const r = await run(["--config", "empty.yaml"], dir);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^config is valid: empty\.yaml$/m);
  });
});

Deno.test("check: warnings go to stderr and do not fail", async () => {
  await withFiles({ "ongoingai.yaml": warned }, async (dir) => {
    const r = await run([], dir);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "config is valid: ongoingai.yaml\n");
    assert.match(r.stderr, /^warning: auth\.keys\[0\]\.token: is a plaintext secret/m);
  });
});

Deno.test("check: an invalid file prints every error with its path on stderr and exits 1", async () => {
  await withFiles({ "ongoingai.yaml": invalid }, async (dir) => {
    const r = await run([], dir);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.equal(
      r.stderr,
      [
        "config is invalid: ongoingai.yaml",
        'server.prot: unknown key (did you mean "port"?)',
        "storage.dsn: is required when storage.driver is postgres" +
        " (set storage.dsn or ONGOINGAI_STORAGE_DSN, e.g. postgres://user:password@localhost:5432/ongoingai)",
        "",
      ].join("\n"),
    );
  });
});

Deno.test("check: semantic errors fail like schema errors (postgres without dsn)", async () => {
  await withFiles({ "pg.yaml": "storage:\n  driver: postgres\n" }, async (dir) => {
    const r = await run(["--config", "pg.yaml"], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^storage\.dsn: is required when storage\.driver is postgres/m);
  });
});

Deno.test("check: env values are validated as serve would see them", async () => {
  await withFiles({ "ongoingai.yaml": valid }, async (dir) => {
    const r = await run([], dir, { ONGOINGAI_PORT: "abc" });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /server\.port: ONGOINGAI_PORT must be an integer \(got "abc"\)/);
  });
});

Deno.test("check: a missing --config file exits 1 naming it", async () => {
  await withFiles({}, async (dir) => {
    const r = await run(["--config", "nope.yaml"], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^config is invalid: nope\.yaml\n/);
    assert.match(r.stderr, /--config names "nope\.yaml", which does not exist/);
  });
});

Deno.test("check --format json: one document on stdout, valid and invalid", async () => {
  await withFiles({ "good.yaml": warned, "bad.yaml": invalid }, async (dir) => {
    const good = await run(["--config", "good.yaml", "--format", "json"], dir);
    assert.equal(good.code, 0);
    assert.equal(good.stderr, "");
    const goodDoc = JSON.parse(good.stdout);
    assert.deepEqual(Object.keys(goodDoc), ["valid", "source", "errors", "warnings"]);
    assert.equal(goodDoc.valid, true);
    assert.equal(goodDoc.source, `${dir}/good.yaml`);
    assert.equal(goodDoc.warnings[0].path, "auth.keys[0].token");

    const bad = await run(["--config", "bad.yaml", "--format", " JSON "], dir);
    assert.equal(bad.code, 1);
    const badDoc = JSON.parse(bad.stdout);
    assert.equal(badDoc.valid, false);
    assert.deepEqual(badDoc.errors[0], {
      path: "server.prot",
      message: "unknown key",
      hint: 'did you mean "port"?',
      file: `${dir}/bad.yaml`,
      line: 2,
      column: 3,
    });
  });
});

Deno.test("check --format github: annotations with file and line on stdout", async () => {
  await withFiles({ "bad.yaml": invalid, "good.yaml": warned }, async (dir) => {
    const bad = await run(["--config", "bad.yaml", "--format", "github"], dir);
    assert.equal(bad.code, 1);
    const lines = bad.stdout.split("\n");
    assert.equal(
      lines[0],
      '::error file=bad.yaml,line=2,col=3,title=server.prot::server.prot: unknown key (did you mean "port"?)',
    );
    assert.match(
      lines[1] ?? "",
      /^::error file=bad\.yaml,line=3,col=1,title=storage\.dsn::storage\.dsn: is required/,
    );
    assert.equal(lines.length, 3);
    assert.equal(bad.stderr, "config is invalid: bad.yaml\n");

    const good = await run(["--config", "good.yaml", "--format", "github"], dir);
    assert.equal(good.code, 0);
    assert.match(
      good.stdout,
      /^::warning file=good\.yaml,line=3,col=\d+,title=auth\.keys\[0\]\.token::/m,
    );
    assert.match(good.stdout, /^config is valid: good\.yaml$/m);
  });
});

Deno.test("check: a TypeScript config error names the file and line", async () => {
  const ts =
    'import { defineConfig } from "ongoingai";\nexport default defineConfig({ server: { port: need() } });\n';
  await withFiles({ "gateway.config.ts": ts }, async (dir) => {
    const r = await run([], dir);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^gateway\.config\.ts:2:\d+: threw ReferenceError: need is not defined$/m,
    );
  });
});

const usageRows: Array<[string, string[], RegExp]> = [
  [
    "bad --format",
    ["--format", "yaml"],
    /^invalid check format "yaml": expected text, json or github\n/,
  ],
  ["unknown flag", ["--bogus"], /Unknown option '--bogus'/],
  [
    "positional argument",
    ["extra"],
    /^check does not accept positional arguments \(got "extra"\)\n/,
  ],
  ["--config without a value", ["--config"], /--config/],
];
for (const [name, args, message] of usageRows) {
  Deno.test(`check: usage error (${name}) exits 2 with the usage line`, async () => {
    await withFiles({}, async (dir) => {
      const r = await run(args, dir);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, message);
      assert.ok(r.stderr.includes(`Usage: ${checkSpec.usage}`));
    });
  });
}

Deno.test("check --help: usage and flags on stdout, exit 0", async () => {
  await withFiles({}, async (dir) => {
    const r = await run(["--help"], dir);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "");
    assert.ok(r.stdout.includes(`Usage: ${checkSpec.usage}`));
    for (const [flag] of checkSpec.flags) assert.ok(r.stdout.includes(flag), flag);
  });
});
