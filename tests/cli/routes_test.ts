/**
 * `ongoingai routes`: against a real in-process gateway served on a loopback port, with a real
 * `Router` whose state holds an open breaker, a disabled and a cooling pool key; the text table,
 * `--format json`, re-enabling a key in team mode (no key, a read-only operator key, an admin
 * operator key), and usage errors.
 */
import assert from "node:assert/strict";
import { routes } from "../../src/cli/routes.ts";
import { relative } from "../../src/cli/routes_text.ts";
import { UsageError } from "../../src/cli/args.ts";
import { routesStatusSchema } from "../../src/api/mod.ts";
import { type Harness, startHarness } from "../support/gateway_harness.ts";
import { memoryRouting, troubledKeys } from "../support/pool_router.ts";
import { servedOnLoopback } from "../support/loopback_server.ts";
import type { SharedRouting } from "../../src/server/routing.ts";
import { runCaptured } from "../support/cli_io.ts";

const adminToken = "gw-routes-admin-000000000000000";
const opsToken = "gw-routes-ops-0000000000000000000";
const config = (team: boolean) => ({
  server: { host: "127.0.0.1" },
  providers: {
    openai: {
      keys: [
        { id: "team-a", key: "sk-pool-a-000000000000" },
        { id: "team-b", key: "sk-pool-b-000000000000", rpm: 60 },
      ],
    },
  },
  routes: {
    "gpt-main": {
      targets: [
        { provider: "openai", model: "gpt-main" },
        { provider: "openai", model: "gpt-backup" },
      ],
    },
  },
  ...(team
    ? {
      auth: {
        enabled: true,
        keys: [
          {
            id: "admin",
            token: adminToken,
            role: "admin" as const,
            permissions: ["diagnostics:read" as const],
          },
          {
            id: "ops",
            token: opsToken,
            role: "viewer" as const,
            permissions: ["diagnostics:read" as const],
          },
        ],
      },
    }
    : {}),
});

/** A gateway on a loopback port whose routing has trouble to show. */
async function withGateway(
  team: boolean,
  fn: (url: string, router: SharedRouting, h: Harness) => Promise<void>,
): Promise<void> {
  // The pools of the config the harness validates (its upstreams do not matter to routing).
  // The state the gateway's router reads, as `serve` shares it across config generations.
  const router = memoryRouting();
  const g = await startHarness(config(team), { routing: router });
  const now = Date.now();
  await router.state.openBreaker("openai/gpt-main", now, now + 30_000);
  await troubledKeys(router.state, now);
  try {
    await servedOnLoopback((req) => g.gateway.fetch(req), (url) => fn(url, router, g));
  } finally {
    await g.close();
  }
}

Deno.test("routes: the text table shows breakers, failure rates and pool keys", async () => {
  await withGateway(false, async (url) => {
    const r = await runCaptured(routes, ["--url", url], Deno.cwd());
    assert.equal(r.stderr, "");
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Routing state: this instance/);
    assert.match(r.stdout, /ROUTE\s+TARGET\s+BREAKER\s+FAILED\s+RATE\s+LATENCY/);
    assert.match(
      r.stdout,
      /gpt-main \(fallback\)\s+openai\/gpt-main\s+open \(in (29|30)s\)\s+0\/0\s+-\s+-/,
    );
    assert.match(r.stdout, /\n\s+openai\/gpt-backup\s+closed\s+0\/0\s+-\s+-\n/);
    assert.match(r.stdout, /openai\s+team-a\s+-\s+disabled \(0s ago\)\s+status_401_auth\s+0\n/);
    assert.match(
      r.stdout,
      /openai\s+team-b\s+-\s+cooling \(in (89|90)s\)\s+status_429_rate_limited\s+0\/60\n/,
    );
    assert.match(r.stdout, /ongoingai routes enable-key PROVIDER KEY/);
    assert.ok(!r.stdout.includes("sk-pool"));
  });
});

Deno.test("routes: --format json is the API's answer", async () => {
  await withGateway(false, async (url) => {
    const r = await runCaptured(routes, ["--url", url, "--format", "json"], Deno.cwd());
    assert.equal(r.code, 0, r.stderr);
    const body = routesStatusSchema.parse(JSON.parse(r.stdout));
    assert.deepEqual(body.key_pools[0]!.keys.map((k) => k.state), ["disabled", "cooling"]);
  });
});

Deno.test("routes enable-key: team mode needs a key with diagnostics:read and keys:manage", async () => {
  await withGateway(true, async (url, router) => {
    const args = ["enable-key", "openai", "team-a", "--url", url];
    const none = await runCaptured(routes, args, Deno.cwd());
    assert.equal(none.code, 1);
    assert.match(none.stderr, /answered 401 missing_gateway_key/);
    assert.match(none.stderr, /set ONGOINGAI_GATEWAY_KEY to a gateway key with diagnostics:read/);

    const ops = await runCaptured(routes, args, Deno.cwd(), { ONGOINGAI_GATEWAY_KEY: opsToken });
    assert.equal(ops.code, 1);
    assert.match(ops.stderr, /answered 403 permission_denied: .*keys:manage/);

    const show = await runCaptured(routes, ["--url", url], Deno.cwd(), {
      ONGOINGAI_GATEWAY_KEY: opsToken,
    });
    assert.equal(show.code, 0, show.stderr);

    const admin = await runCaptured(routes, args, Deno.cwd(), {
      ONGOINGAI_GATEWAY_KEY: adminToken,
    });
    assert.equal(admin.code, 0, admin.stderr);
    assert.equal(admin.stdout, "openai/team-a: re-enabled; now usable\n");
    const scope = { kind: "key" as const, provider: "openai", id: "team-a" };
    assert.equal(router.state.blocked(scope, Date.now()), null);

    const unknown = await runCaptured(
      routes,
      ["enable-key", "openai", "nope", "--url", url],
      Deno.cwd(),
      { ONGOINGAI_GATEWAY_KEY: adminToken },
    );
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /404 not_found: no pool key "nope" of provider "openai"/);
  });
});

Deno.test("routes: usage errors say what to write", async (t) => {
  const cases: [string[], RegExp][] = [
    [["disable", "openai", "a"], /unknown action "disable"/],
    [["enable-key", "openai"], /takes a provider id and a pool key id/],
    [["--url", "127.0.0.1:8080"], /--url must be the gateway's base URL/],
    [["--format", "yaml"], /invalid routes format "yaml"/],
    [["--url", "http://x", "--config", "a.yaml"], /give --url or --config, not both/],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), async () => {
      await assert.rejects(runCaptured(routes, args, Deno.cwd()), (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.match(e.message, message);
        return true;
      });
    });
  }
});

Deno.test("routes: nothing listening is a clear failure", async () => {
  const r = await runCaptured(routes, ["--url", "http://127.0.0.1:9"], Deno.cwd());
  assert.equal(r.code, 1);
  assert.match(r.stderr, /connection refused|request failed/);
});

Deno.test("routes: relative times", () => {
  const now = Date.UTC(2026, 0, 1);
  assert.equal(relative(new Date(now + 8000).toISOString(), now), "in 8s");
  assert.equal(relative(new Date(now - 180_000).toISOString(), now), "3m ago");
  assert.equal(relative(new Date(now + 3 * 3600_000).toISOString(), now), "in 3h");
});
