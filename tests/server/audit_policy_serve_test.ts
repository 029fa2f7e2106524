/**
 * `policy.changed` as `serve` writes it, through the real process and its SQLite worker: a SIGHUP
 * reload that changes the PII mode and a limit appends one entry per section after
 * `config.reloaded`, the chain stays valid for `ongoingai audit verify`, and the PII salt of the
 * config (a secret) is in no entry.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, runCliProcess } from "../support/process.ts";
import { startLiveServer } from "../e2e/lifecycle_support.ts";
import { openSqliteStore } from "../../src/store/mod.ts";

Deno.test("serve: a reload changing policy writes policy.changed entries, chain valid", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "ongoingai-audit-policy-" });
  const port = freePort();
  const file = join(dir, "ongoingai.yaml");
  const salt = "SALTSECRET-0123456789abcdef";
  const first = `server:\n  port: ${port}\nstorage:\n  path: traces.db\n` +
    `pii:\n  mode: redact_storage\n  replacement:\n    hash_salt: ${salt}\n`;
  const second = `${first}  policy_id: strict/v2\n` +
    `limits:\n  per_workspace:\n    cost_usd_per_day: 2.5\n`;
  Deno.writeTextFileSync(file, first);
  const server = await startLiveServer(dir, port);
  try {
    Deno.writeTextFileSync(file, second);
    server.signal("SIGHUP");
    await server.waitForLog(/config reloaded/);
    server.signal("SIGTERM");
    assert.equal(await server.exited, 0, server.logs());
  } finally {
    await server.kill();
  }
  const verify = await runCliProcess(["audit", "verify", "--format", "json"], { cwd: dir });
  assert.equal(verify.code, 0, verify.stderr);
  assert.equal(JSON.parse(verify.stdout).checked, 4);
  const store = await openSqliteStore({ path: join(dir, "traces.db"), readOnly: true });
  try {
    const entries = await store.auditChain(1, 10);
    assert.deepStrictEqual(entries.map((e) => [e.action, e.target]), [
      ["config.loaded", file],
      ["config.reloaded", file],
      ["policy.changed", "pii"],
      ["policy.changed", "limits"],
    ]);
    const [, reloaded, pii, limits] = entries;
    assert.equal((pii!.before as { policy_id: string }).policy_id, "default/v1");
    assert.equal((pii!.after as { policy_id: string }).policy_id, "strict/v2");
    assert.equal(
      (limits!.after as { per_workspace: { cost_usd_per_day: string } }).per_workspace
        .cost_usd_per_day,
      "2.5",
    );
    assert.deepStrictEqual(pii!.details, {
      section: "pii",
      generation: 2,
      sha256: (reloaded!.after as { sha256: string }).sha256,
    });
    assert.ok(!JSON.stringify(entries).includes(salt), "the salt is in no entry");
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
