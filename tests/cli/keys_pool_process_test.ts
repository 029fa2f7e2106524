/**
 * `ongoingai keys pool` and `ongoingai keys pool enable PROVIDER ID` as a user runs them: the real
 * CLI as a subprocess, against a real in-process gateway on a loopback port whose routing state
 * holds a disabled and a cooling pool key. The table of pool keys alone, `--format json`,
 * re-enabling in team mode (a read-only operator key refused, an admin's accepted), usage errors
 * with the `keys` usage, and nothing listening.
 */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";
import { memoryRouting, troubledKeys } from "../support/pool_router.ts";
import { servedOnLoopback } from "../support/loopback_server.ts";
import type { SharedRouting } from "../../src/server/routing.ts";
import { runCliProcess } from "../support/process.ts";

const adminToken = "gw-pool-admin-00000000000000000";
const opsToken = "gw-pool-ops-000000000000000000000";

function config(team: boolean) {
  const operator = (id: string, token: string, role: "admin" | "viewer") => ({
    id,
    token,
    role,
    permissions: ["diagnostics:read" as const],
  });
  return {
    server: { host: "127.0.0.1" },
    providers: {
      openai: {
        keys: [
          { id: "team-a", key: "sk-pool-a-000000000000" },
          { id: "team-b", key: "sk-pool-b-000000000000", rpm: 60, group: "org-1" },
        ],
      },
    },
    routes: { "gpt-main": { targets: [{ provider: "openai", model: "gpt-main" }] } },
    ...(team
      ? {
        auth: {
          enabled: true,
          keys: [operator("admin", adminToken, "admin"), operator("ops", opsToken, "viewer")],
        },
      }
      : {}),
  };
}

async function withGateway(
  team: boolean,
  fn: (url: string, routing: SharedRouting, cwd: string) => Promise<void>,
): Promise<void> {
  const routing = memoryRouting();
  const h = await startHarness(config(team), { routing });
  await troubledKeys(routing.state, Date.now());
  // An empty directory: no config to discover, so --url is what names the gateway.
  const cwd = await Deno.makeTempDir({ prefix: "ongoingai-keys-pool-" });
  try {
    await servedOnLoopback((req) => h.gateway.fetch(req), (url) => fn(url, routing, cwd));
  } finally {
    await h.close();
    await Deno.remove(cwd, { recursive: true });
  }
}

Deno.test("keys pool: the pool keys' table alone, and --format json", async () => {
  await withGateway(false, async (url, _routing, cwd) => {
    const r = await runCliProcess(["keys", "pool", "--url", url], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.match(r.stdout, /^Pool key state: this instance; requests: this instance/);
    assert.match(r.stdout, /PROVIDER\s+KEY\s+GROUP\s+STATE\s+REASON\s+REQ\/MIN/);
    assert.match(r.stdout, /openai\s+team-a\s+-\s+disabled \(\d+s ago\)\s+status_401_auth\s+0\n/);
    assert.match(
      r.stdout,
      /openai\s+team-b\s+org-1\s+cooling \(in \d+s\)\s+status_429_rate_limited\s+0\/60\n/,
    );
    assert.match(r.stdout, /then `ongoingai keys pool enable PROVIDER KEY`/);
    assert.doesNotMatch(r.stdout, /ROUTE|BREAKER/, "the routes table is `ongoingai routes`'");
    assert.ok(!r.stdout.includes("sk-pool"), "never a secret");

    const j = await runCliProcess(["keys", "pool", "--url", url, "--format", "json"], { cwd });
    assert.equal(j.code, 0, j.stderr);
    const body = JSON.parse(j.stdout);
    assert.deepEqual(Object.keys(body).sort(), [
      "generated_at",
      "key_pools",
      "shared",
      "state_error",
    ]);
    assert.deepEqual(
      body.key_pools[0].keys.map((k: { id: string; state: string }) => [k.id, k.state]),
      [["team-a", "disabled"], ["team-b", "cooling"]],
    );
  });
});

Deno.test("keys pool enable: team mode needs keys:manage; an admin key re-enables", async () => {
  await withGateway(true, async (url, routing, cwd) => {
    const args = ["keys", "pool", "enable", "openai", "team-a", "--url", url];
    const none = await runCliProcess(args, { cwd });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^keys pool: the gateway answered 401 missing_gateway_key/);
    assert.match(none.stderr, /set ONGOINGAI_GATEWAY_KEY to a gateway key with diagnostics:read/);

    const ops = await runCliProcess(args, { cwd, env: { ONGOINGAI_GATEWAY_KEY: opsToken } });
    assert.equal(ops.code, 1);
    assert.match(ops.stderr, /answered 403 permission_denied: .*keys:manage/);
    const scope = { kind: "key" as const, provider: "openai", id: "team-a" };
    assert.equal(routing.state.blocked(scope, Date.now())?.state, "disabled", "still disabled");

    const admin = await runCliProcess(args, { cwd, env: { ONGOINGAI_GATEWAY_KEY: adminToken } });
    assert.equal(admin.code, 0, admin.stderr);
    assert.equal(admin.stdout, "openai/team-a: re-enabled; now usable\n");
    assert.equal(routing.state.blocked(scope, Date.now()), null);

    const again = await runCliProcess(["keys", "pool", "--url", url], {
      cwd,
      env: { ONGOINGAI_GATEWAY_KEY: opsToken },
    });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /openai\s+team-a\s+-\s+usable\s+-\s+0\n/);
  });
});

Deno.test("keys pool: usage errors print the keys usage; nothing listening fails clearly", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "ongoingai-keys-pool-" });
  try {
    const cases: [string[], RegExp][] = [
      [["keys", "pool", "disable", "openai", "a"], /keys pool: unknown action "disable"/],
      [["keys", "pool", "enable", "openai"], /e\.g\. `ongoingai keys pool enable openai team-a`/],
      [["keys", "--format", "json", "pool"], /keys pool comes first/],
    ];
    for (const [args, message] of cases) {
      const r = await runCliProcess(args, { cwd });
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /Usage: ongoingai keys list\|.*\|pool \[enable PROVIDER ID\]/);
    }
    const down = await runCliProcess(["keys", "pool", "--url", "http://127.0.0.1:9"], { cwd });
    assert.equal(down.code, 1);
    assert.match(down.stderr, /^keys pool: http:\/\/127\.0\.0\.1:9: /);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
