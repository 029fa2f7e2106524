/**
 * `GET /api/routes` and `POST /api/routes/keys/{provider}/{id}/enable` over a real `Router`
 * (memory routing state, key pools and routes compiled from a validated config), driven through
 * `RouteRun` with real attempt outcomes: a 401 disables a pool key, a 429 cools one down, a 503
 * opens a breaker; the endpoint shows each, and re-enabling clears the key on the shared state.
 */
import assert from "node:assert/strict";
import type { MiddlewareHandler } from "hono";
import { validateConfig } from "../../src/config/mod.ts";
import type { GatewayConfig } from "../../src/config/mod.ts";
import {
  type AttemptOutcome,
  compileRoutes,
  type ProviderErrorFacts,
  resolveRoute,
  type Router,
} from "../../src/routing/mod.ts";
import { routesSource, routesStatusSchema } from "../../src/api/mod.ts";
import type { LogFields } from "../../src/log/mod.ts";
import { apiFixture, json, now } from "./api_fixture.ts";
import { routerFor } from "../support/pool_router.ts";

const input = {
  server: { host: "127.0.0.1" },
  providers: {
    openai: {
      keys: [
        { id: "team-a", key: "sk-pool-a-000000000000" },
        { id: "team-b", key: "sk-pool-b-000000000000", rpm: 100, group: "org-1" },
      ],
    },
  },
  routes: {
    "gpt-main": {
      targets: [{ provider: "openai", model: "gpt-main" }, {
        provider: "openai",
        model: "gpt-backup",
        weight: 2,
      }],
      retry: { attempts: 1 },
      circuit_breaker: { failures: 1, open_ms: 10_000 },
    },
  },
};

function configOf(): GatewayConfig {
  const result = validateConfig(input, { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

const status = (
  code: number,
  category: ProviderErrorFacts["category"],
  headers: HeadersInit = {},
): AttemptOutcome => ({
  kind: "status",
  status: code,
  headers: new Headers(headers),
  error: { category, message: "never shown: may echo a key sk-pool-a-000000000000" },
});

/** One routed request: each attempt gets the next outcome until the run stops. */
async function drive(router: Router, config: GatewayConfig, outcomes: AttemptOutcome[]) {
  const route = resolveRoute(compileRoutes(config), {
    entry: { id: "openai", kind: "openai" },
    model: "gpt-main",
    path: "/v1/chat/completions",
    tenant: { org_id: "default", workspace_id: "default", gateway_key_id: null },
    headers: new Headers({ "content-type": "application/json" }),
    bodyBytes: 10,
  })!;
  const run = router.start(route, { now, random: () => 0.5, session: null, usePools: true });
  const seen: string[] = [];
  for (const outcome of outcomes) {
    const next = await run.next(now);
    if (next.kind !== "attempt") break;
    seen.push(`${next.targetId}:${next.keyId}`);
    const d = run.report(outcome, now);
    if (d.kind === "answer" || d.kind === "give_up") break;
  }
  return seen;
}

function principal(permissions: string[]): MiddlewareHandler {
  return async (c, next) => {
    c.set("principal", {
      keyId: "ops",
      orgId: "default",
      workspaceId: "default",
      role: "viewer",
      permissions: new Set(permissions) as never,
    });
    c.set("actor", "ops");
    await next();
  };
}

Deno.test("GET /api/routes: breakers, failure rates and pool keys from a real Router", async () => {
  const config = configOf();
  const router = routerFor(config);
  // Pool keys are picked at random 0.5: team-a has weight 1 of 2, so the first pick is
  // whichever the pool chooses; the outcomes below name what each attempt came to.
  const first = await drive(router, config, [status(401, "auth"), status(503, "overloaded")]);
  assert.equal(first.length, 2, `two attempts: ${first}`);
  const logged: [string, LogFields | undefined][] = [];
  const api = await apiFixture([], {
    routes: routesSource(router, compileRoutes(config)),
    log: { info: (m, f) => logged.push([m, f]), error: () => {} },
  });
  try {
    const res = await api.get("/api/routes");
    assert.equal(res.status, 200);
    const body = routesStatusSchema.parse(await res.json());
    assert.equal(body.shared, false);
    assert.equal(body.generated_at, new Date(now).toISOString());
    assert.deepEqual(body.routes.map((r) => [r.name, r.kind, r.strategy]), [
      ["gpt-main", "static", "fallback"],
    ]);
    const [main, backup] = body.routes[0]!.targets;
    assert.deepEqual(body.routes[0]!.circuit_breaker, { failures: 1, open_ms: 10_000 });
    assert.equal(main!.target, "openai/gpt-main");
    assert.equal(backup!.weight, 2);
    // The 401 is the key's fault (neutral for the breaker); the 503 opened the backup's
    // breaker only if it went there: whichever target took the 503 is open.
    const open = body.routes[0]!.targets.filter((t) => t.breaker.phase === "open");
    assert.equal(open.length, 1);
    assert.equal(open[0]!.breaker.open_until, new Date(now + 10_000).toISOString());
    assert.equal(open[0]!.last_minute.failures, 1);
    assert.ok(open[0]!.last_minute.failure_rate! > 0);
    assert.equal(body.other_targets.length, 0);

    const keys = body.key_pools.find((p) => p.provider === "openai")!.keys;
    assert.deepEqual(keys.map((k) => k.id), ["team-a", "team-b"]);
    const disabled = keys.find((k) => k.state === "disabled")!;
    assert.ok(disabled, JSON.stringify(keys));
    assert.equal(disabled.since, new Date(now).toISOString());
    assert.equal(disabled.until, null);
    assert.match(disabled.reason!, /401|auth/);
    assert.equal(keys.find((k) => k.id === "team-b")!.rpm, 100);
    assert.equal(keys.find((k) => k.id === "team-b")!.group, "org-1");
    const text = JSON.stringify(body);
    assert.ok(!text.includes("sk-pool"), "never a secret, nor a provider's message");

    // Re-enable: audited, cleared on the state, and shown as usable again.
    const enable = await api.get(
      `/api/routes/keys/openai/${disabled.id}/enable`,
      { method: "POST" },
    );
    assert.equal(enable.status, 200);
    const enabled = await json(enable);
    assert.equal(enabled.cleared, true);
    assert.equal((enabled.key as { state: string }).state, "usable");
    assert.deepEqual(logged, [["pool key re-enabled by an operator", {
      provider: "openai",
      key_id: disabled.id,
      cleared: true,
      actor: "local",
    }]]);
    assert.equal(
      router.state.blocked({ kind: "key", provider: "openai", id: disabled.id }, now),
      null,
    );
    const again = await json(
      await api.get(`/api/routes/keys/openai/${disabled.id}/enable`, { method: "POST" }),
    );
    assert.equal(again.cleared, false, "nothing left to clear");

    const unknown = await api.get("/api/routes/keys/openai/nope/enable", { method: "POST" });
    assert.equal(unknown.status, 404);
    const error = (await json(unknown)).error as { message: string };
    assert.match(error.message, /no pool key "nope" of provider "openai"/);
  } finally {
    await api.close();
  }
});

Deno.test("GET /api/routes: a 429 cools a pool key down until its Retry-After", async () => {
  const config = configOf();
  const router = routerFor(config);
  await drive(router, config, [status(429, "rate_limited", { "retry-after": "7" })]);
  const api = await apiFixture([], { routes: routesSource(router, compileRoutes(config)) });
  try {
    const body = routesStatusSchema.parse(await (await api.get("/api/routes")).json());
    const cooling = body.key_pools[0]!.keys.filter((k) => k.state === "cooling");
    assert.ok(cooling.length >= 1, JSON.stringify(body.key_pools));
    for (const k of cooling) {
      assert.equal(k.until, new Date(now + 7000).toISOString());
      assert.equal(k.since, new Date(now).toISOString());
      assert.ok(k.reason !== null);
    }
    // A 429 is not the target's failure: its breaker stays closed.
    assert.ok(body.routes[0]!.targets.every((t) => t.breaker.phase === "closed"));
    const attempts = body.routes[0]!.targets.map((t) => t.last_minute.attempts);
    assert.equal(attempts.reduce((a, b) => a + b, 0) >= 1, true);
    const quiet = body.routes[0]!.targets.find((t) => t.last_minute.attempts === 0);
    if (quiet !== undefined) assert.equal(quiet.last_minute.failure_rate, null, "unknown, not 0");
  } finally {
    await api.close();
  }
});

Deno.test("GET /api/routes: without routing, empty lists; enabling is a 404", async () => {
  const api = await apiFixture([]);
  try {
    const body = routesStatusSchema.parse(await (await api.get("/api/routes")).json());
    assert.deepEqual(
      { routes: body.routes, other: body.other_targets, pools: body.key_pools },
      { routes: [], other: [], pools: [] },
    );
    const res = await api.get("/api/routes/keys/openai/team-a/enable", { method: "POST" });
    assert.equal(res.status, 404);
  } finally {
    await api.close();
  }
});

Deno.test("POST enable: team mode needs keys:manage besides the gate's diagnostics:read", async () => {
  const config = configOf();
  const router = routerFor(config);
  await drive(router, config, [status(401, "auth")]);
  const routes = routesSource(router, compileRoutes(config));
  const readOnly = await apiFixture([], {
    routes,
    middleware: [principal(["analytics:read", "diagnostics:read"])],
  });
  const admin = await apiFixture([], {
    routes,
    middleware: [principal(["keys:manage", "diagnostics:read"])],
  });
  try {
    const disabled = routesStatusSchema.parse(await (await readOnly.get("/api/routes")).json())
      .key_pools[0]!.keys.find((k) => k.state === "disabled")!;
    const path = `/api/routes/keys/openai/${disabled.id}/enable`;
    const refused = await readOnly.get(path, { method: "POST" });
    assert.equal(refused.status, 403);
    const err = await json(refused);
    assert.equal((err.error as { permission: string }).permission, "keys:manage");
    assert.ok(router.state.blocked({ kind: "key", provider: "openai", id: disabled.id }, now));
    const ok = await admin.get(path, { method: "POST" });
    assert.equal(ok.status, 200);
  } finally {
    await readOnly.close();
    await admin.close();
  }
});
