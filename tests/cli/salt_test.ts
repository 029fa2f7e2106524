/**
 * The PII hash salt (issue 18): `ONGOINGAI_CAPTURE_BODIES=true deno task start` stopped on the
 * repository's own config without ONGOINGAI_PII_HASH_SALT, `check` added a warning that an empty
 * salt was fine, and docs/pii.md said a missing salt only warns. Now all three say the same: with
 * PII redaction on, a salt variable the config names must be set (fail closed), and the one
 * message says which variable and how to make a value.
 */
import assert from "node:assert/strict";
import { runCli } from "../../src/cli/mod.ts";
import { runCaptured } from "../support/cli_io.ts";
import { repoRoot, runCliProcess } from "../support/process.ts";

const config = `${repoRoot}gateway.config.ts`;
const captureOn = { ONGOINGAI_CAPTURE_BODIES: "true" };
const saltLine = "pii.replacement.hash_salt: environment variable ONGOINGAI_PII_HASH_SALT is " +
  "not set, but PII redaction is on (pii mode redact_storage, since tracing.capture_bodies is " +
  "on) and keys its placeholders with this salt; the gateway does not start without it (set it " +
  "to a long random value, the same on every restart and instance: export " +
  'ONGOINGAI_PII_HASH_SALT="$(openssl rand -hex 32)")';

async function withEmptyDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-salt-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("salt: serve and check refuse the repo config with capture on and no salt, with one text", async () => {
  await withEmptyDir(async (dir) => {
    const check = await runCaptured(runCli, ["check", "--config", config], dir, captureOn);
    assert.equal(check.code, 1);
    const checkLines = check.stderr.split("\n");
    assert.ok(checkLines.includes(saltLine), check.stderr);
    // No warning saying an empty salt would do: that contradicted the error.
    assert.doesNotMatch(check.stderr, /warning: pii\.replacement\.hash_salt/);
    assert.doesNotMatch(check.stderr, /random value per process/);

    const serve = await runCaptured(runCli, ["serve", "--config", config], dir, captureOn);
    assert.equal(serve.code, 1);
    assert.ok(serve.stderr.split("\n").includes(saltLine), serve.stderr);
    assert.doesNotMatch(serve.stderr, /random value per process/);

    const json = await runCaptured(runCli, ["check", "--config", config, "--format", "json"], dir, {
      ...captureOn,
    });
    const report = JSON.parse(json.stdout) as {
      errors: { path: string }[];
      warnings: { path: string }[];
    };
    assert.deepEqual(report.errors.map((e) => e.path), ["pii.replacement.hash_salt"]);
    assert.deepEqual(report.warnings.filter((w) => w.path.startsWith("pii.replacement")), []);
  });
});

Deno.test("salt: with the variable set, or with capture off, the repo config is valid", async () => {
  await withEmptyDir(async (dir) => {
    for (
      const env of [
        { ...captureOn, ONGOINGAI_PII_HASH_SALT: "0123456789abcdef0123456789abcdef" },
        {},
      ]
    ) {
      const r = await runCaptured(runCli, ["check", "--config", config], dir, env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, "");
    }
  });
});

Deno.test("salt: the real `serve` process (deno task start) stops with the same line, exit 1", async () => {
  await withEmptyDir(async (dir) => {
    const r = await runCliProcess(["serve", "--config", config], { cwd: dir, env: captureOn });
    assert.equal(r.code, 1);
    assert.ok(r.stderr.split("\n").includes(saltLine), r.stderr);
  });
});

Deno.test("salt: docs/pii.md says what serve and check do", async () => {
  const doc = (await Deno.readTextFile(`${repoRoot}docs/pii.md`)).replace(/\s+/g, " ");
  assert.ok(doc.includes('export ONGOINGAI_PII_HASH_SALT="$(openssl rand -hex 32)"'));
  assert.match(
    doc,
    /names a variable that is unset\*\* while PII redaction is on .*`serve` refuses to start and `check` reports the same error/,
  );
  assert.doesNotMatch(doc, /missing salt only warns/);
});
