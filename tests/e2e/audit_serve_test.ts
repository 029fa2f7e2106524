/**
 * The audit log as `serve` writes it, through the real process and its SQLite worker: the config
 * loaded at start, a reload on SIGHUP (the file's SHA-256 before and after), a refused reload,
 * then `ongoingai audit verify` finds one valid chain of them.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { freePort, runCliProcess } from "../support/process.ts";
import { startLiveServer } from "./lifecycle_support.ts";
import { openSqliteStore } from "../../src/store/mod.ts";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

Deno.test("serve audits its config: loaded, reloaded on SIGHUP, a bad reload refused", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "ongoingai-audit-serve-" });
  const port = freePort();
  const file = join(dir, "ongoingai.yaml");
  const first = `server:\n  port: ${port}\nstorage:\n  path: traces.db\n`;
  const second = `${first}proxy:\n  idle_timeout_ms: 120000\n`;
  Deno.writeTextFileSync(file, first);
  const server = await startLiveServer(dir, port);
  try {
    Deno.writeTextFileSync(file, second);
    server.signal("SIGHUP");
    await server.waitForLog(/config reloaded/);
    Deno.writeTextFileSync(file, `${second}server:\n  port: nope\n`);
    server.signal("SIGHUP");
    await server.waitForLog(/config reload refused/);
    server.signal("SIGTERM");
    assert.equal(await server.exited, 0, server.logs());
  } finally {
    await server.kill();
  }
  Deno.writeTextFileSync(file, second); // verify reads the config too
  const verify = await runCliProcess(["audit", "verify", "--format", "json"], { cwd: dir });
  assert.equal(verify.code, 0, verify.stderr);
  assert.equal(JSON.parse(verify.stdout).checked, 3);
  const store = await openSqliteStore({ path: join(dir, "traces.db"), readOnly: true });
  try {
    const entries = (await store.auditChain(1, 10)).map((e) => [e.action, e.before, e.after]);
    assert.deepStrictEqual(entries, [
      ["config.loaded", null, { sha256: sha(first) }],
      ["config.reloaded", { sha256: sha(first) }, { sha256: sha(second) }],
      ["config.reload_refused", { sha256: sha(second) }, null],
    ]);
  } finally {
    await store.close();
  }
});
