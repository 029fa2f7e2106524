/**
 * Issue 16, items 4 and 5, against real `serve` processes on one SQLite database:
 * (a) without team mode, `POST /api/gateway-keys` is refused (it used to mint keys that woke up
 *     with team mode);
 * (b) a key created with the CLI while auth is off is named in a warning when team mode starts,
 *     refused at use, and works once `ongoingai keys confirm` accepts it;
 * (c) a viewer or developer holding `keys:manage` cannot mint an owner key, grant
 *     `diagnostics:read`, or rotate a key above itself.
 */
import assert from "node:assert/strict";
import { freePort, poll, runCliProcess, startServer } from "../support/process.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";

const viewerMgr = "ogk_viewer_mgr_e2e_000000000000";
const devMgr = "ogk_dev_mgr_e2e_1111111111111111";
const ownerKey = "ogk_owner_e2e_22222222222222222";

const config = (port: number, upstream: string, team: boolean) =>
  `import { defineConfig, env } from "ongoingai";
export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { driver: "sqlite", path: "./traces.db" },
  providers: { openai: { upstream: "${upstream}" } },
  tracing: { flush_interval_ms: 10 },
  auth: {
    enabled: ${team},
    key_refresh_ms: 100,
    keys: [
      { id: "viewer-mgr", token: env("VIEWER_MGR"), workspace_id: "w", role: "viewer", permissions: ["keys:manage"] },
      { id: "dev-mgr", token: env("DEV_MGR"), workspace_id: "w", role: "developer", permissions: ["keys:manage"] },
      { id: "owner", token: env("OWNER_KEY"), workspace_id: "w", role: "owner" },
    ],
  },
});
`;

const env = { VIEWER_MGR: viewerMgr, DEV_MGR: devMgr, OWNER_KEY: ownerKey };
const gk = (token: string) => ({ "x-ongoingai-gateway-key": token });
const postJson = (headers: Record<string, string>, body: unknown): RequestInit => ({
  method: "POST",
  headers: { ...headers, "content-type": "application/json" },
  body: JSON.stringify(body),
});

Deno.test("e2e keys: no key API without team mode; CLI keys made with auth off need confirming; no escalation", async () => {
  const stub = await startUpstreamStub();
  const cwd = await Deno.makeTempDir({ prefix: "ongoingai-keys-e2e-" });
  const port = freePort();
  await Deno.writeTextFile(`${cwd}/off.config.ts`, config(port, stub.url, false));
  await Deno.writeTextFile(`${cwd}/team.config.ts`, config(port, stub.url, true));
  const cli = (...args: string[]) => runCliProcess(["keys", ...args], { cwd, env });
  let minted: string[] = [];
  try {
    // (a) Default mode: the key API is closed, whatever the content type.
    const open = await startServer(["--config", "off.config.ts"], { cwd, port, env });
    try {
      // JSON reaches the key routes and is refused there; text/plain (a cross-site form's
      // type) is refused earlier by the API's JSON-only rule. Either way nothing is minted.
      const expected = [["application/json", 403, "team_mode_required"], [
        "text/plain",
        415,
        "unsupported_media_type",
      ]] as const;
      for (const [type, status, code] of expected) {
        const res = await fetch(`${open.origin}/api/gateway-keys`, {
          method: "POST",
          headers: { "content-type": type },
          body: JSON.stringify({ role: "owner" }),
        });
        const body = await res.json();
        assert.equal(res.status, status, `${type}: ${JSON.stringify(body)}`);
        assert.equal(body.error.code, code);
        if (body.token) minted.push(body.token);
      }
    } finally {
      assert.equal((await open.stop()).code, 0);
    }

    // (b) The CLI still works with auth off, and flags what it makes.
    const made = await cli(
      "create",
      "--config",
      "off.config.ts",
      "--workspace",
      "w",
      "--role",
      "owner",
      "--format",
      "json",
    );
    assert.equal(made.code, 0, made.stderr);
    const key = JSON.parse(made.stdout) as { id: string; token: string };
    minted = [key.token];
    assert.match(made.stderr, /team mode is off/);
    assert.match((await cli("list", "--config", "off.config.ts")).stdout, /unconfirmed/);

    const server = await startServer(["--config", "team.config.ts"], { cwd, port, env });
    let logs = "";
    try {
      const refused = await fetch(`${server.origin}/api/traces`, { headers: gk(key.token) });
      const err = await refused.json();
      assert.equal(refused.status, 403, JSON.stringify(err));
      assert.equal(err.error.code, "unconfirmed_gateway_key");
      assert.match(err.error.message, new RegExp(`ongoingai keys confirm ${key.id}`));

      // (c) Escalation through keys:manage.
      const attempts: [string, unknown, RegExp][] = [
        [viewerMgr, { role: "owner" }, /role owner/],
        [viewerMgr, { role: "viewer", permissions: ["diagnostics:read"] }, /diagnostics:read/],
        [devMgr, { role: "owner" }, /role owner/],
        [devMgr, { role: "developer", permissions: ["diagnostics:read"] }, /diagnostics:read/],
      ];
      for (const [token, body, message] of attempts) {
        const res = await fetch(`${server.origin}/api/gateway-keys`, postJson(gk(token), body));
        const out = await res.json();
        if (out.token) minted.push(out.token);
        assert.equal(res.status, 403, JSON.stringify(out));
        assert.equal(out.error.code, "grant_refused");
        assert.match(out.error.message, message);
      }
      const admin = await (await fetch(
        `${server.origin}/api/gateway-keys`,
        postJson(gk(ownerKey), { role: "admin" }),
      )).json();
      minted.push(admin.token);
      const rotate = await fetch(`${server.origin}/api/gateway-keys/${admin.id}/rotate`, {
        method: "POST",
        headers: gk(devMgr),
      });
      assert.equal(rotate.status, 403);
      await rotate.body?.cancel();
      const ok = await fetch(
        `${server.origin}/api/gateway-keys`,
        postJson(gk(devMgr), { role: "member" }),
      );
      assert.equal(ok.status, 201);
      minted.push((await ok.json()).token);

      // The operator confirms on the host; the gateway honours it within its refresh.
      const confirmed = await cli("confirm", key.id, "--config", "team.config.ts");
      assert.equal(confirmed.code, 0, confirmed.stderr);
      assert.match(confirmed.stdout, new RegExp(`confirmed ${key.id}`));
      await poll("the confirmed key accepted", async () => {
        const res = await fetch(`${server.origin}/api/traces`, { headers: gk(key.token) });
        await res.body?.cancel();
        return res.status === 200 ? true : undefined;
      });
      const events = await cli("events", "--config", "team.config.ts");
      assert.match(events.stdout, new RegExp(`confirmed  ${key.id}  by cli`));
    } finally {
      const stopped = await server.stop();
      logs = stopped.logs;
      assert.equal(stopped.code, 0);
    }
    const warning = logs.split("\n").find((l) => l.includes(key.id));
    assert.ok(warning, `no warning naming ${key.id} in:\n${logs}`);
    assert.match(warning, /created while team mode was off/);
    assert.match(warning, /ongoingai keys confirm/);
    assert.match(warning, /ongoingai keys revoke/);
    for (const token of [...minted, viewerMgr, devMgr, ownerKey]) {
      assert.ok(!logs.includes(token), "a token in the gateway log");
    }
  } finally {
    await stub.close();
    await Deno.remove(cwd, { recursive: true });
  }
});
