/**
 * What `GET /api/routes` answers: every configured route with its targets, each target's circuit
 * breaker (shared between instances on PostgreSQL) and this instance's recent attempts, and per
 * provider the pool keys' state. Never a secret: pool keys appear by id only, and reasons are
 * the routing core's fixed codes (`boundedReason`), never a provider's message.
 *
 * The API does not own the `Router` (the gateway makes one per process, shared across reloads):
 * it takes a `RoutesSource`, built by `routesSource` from that Router and the config generation's
 * compiled routes.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../errors/mod.ts";
import type { Logger } from "../log/mod.ts";
import "./scope.ts";
import type {
  KeyView,
  ResolvedRoute,
  Router,
  RouteTable,
  RoutingView,
  TargetView,
} from "../routing/mod.ts";

/** A configured route as the API lists it: a function route's targets are known per request. */
export interface ConfiguredRoute {
  name: string;
  kind: "static" | "function";
  policy: Omit<ResolvedRoute, "name" | "targets">;
  /** Static routes: in config order. Function routes: none. */
  targets: readonly { provider: string; model: string; weight: number }[];
}

/** What the routes endpoints need of the gateway's routing. */
export interface RoutesSource {
  readonly routes: readonly ConfiguredRoute[];
  view(now: number): Promise<RoutingView>;
  /** Clears a pool key's own block (disabled or cooling); null: no such pool key. */
  enableKey(provider: string, id: string, now: number): Promise<boolean | null>;
}

/** The source over the process's Router and one config generation's routes. */
export function routesSource(router: Router, table: RouteTable): RoutesSource {
  const routes: ConfiguredRoute[] = [...table.routes].map(([name, c]) =>
    c.kind === "static"
      ? { name, kind: "static", policy: policyOnly(c.route), targets: c.route.targets }
      : { name, kind: "function", policy: c.policy, targets: [] }
  );
  const resolved = [...table.routes.values()].flatMap((c) => c.kind === "static" ? [c.route] : []);
  return {
    routes,
    view: (now) => router.view(resolved, now),
    async enableKey(provider, id, now) {
      const pool = router.pools.get(provider);
      if (pool === undefined || !pool.keys.some((k) => k.id === id)) return null;
      return await router.state.enableKey({ kind: "key", provider, id }, now);
    },
  };
}

function policyOnly(route: ResolvedRoute): ConfiguredRoute["policy"] {
  const { name: _name, targets: _targets, ...policy } = route;
  return policy;
}

const at = (what: string) => z.string().nullable().describe(`${what} (RFC 3339 UTC)`);
const count = z.int().nonnegative();

const targetStatusFields = {
  target: z.string().describe("provider/model"),
  provider: z.string(),
  model: z.string().describe("The model sent upstream (the config's, never a client's)."),
  breaker: z.object({
    phase: z.enum(["closed", "open", "half_open"]).describe(
      "closed: traffic flows; open: no traffic until open_until; half_open: one probe may go " +
        "through (probe_in_flight: it is under way). Always closed on a route without " +
        "circuit_breaker.",
    ),
    open_until: at("While open: when a probe may go; null otherwise"),
    probe_in_flight: z.boolean(),
  }),
  consecutive_failures: count.describe("This instance's, since the last success."),
  last_minute: z.object({
    attempts: count,
    failures: count,
    failure_rate: z.number().min(0).max(1).nullable().describe(
      "failures / attempts; null without attempts (unknown, not zero).",
    ),
  }).describe("This instance's attempts on the target over the last minute."),
  latency_ms: z.number().nonnegative().nullable().describe(
    "Recent time to response headers; null without a recent measurement.",
  ),
};

export const targetStatusSchema = z.object(targetStatusFields).meta({ id: "RouteTargetStatus" });

export const routeStatusSchema = z.object({
  name: z.string(),
  kind: z.enum(["static", "function"]).describe(
    "function: a gateway.config.ts function picks the targets per request, so none are " +
      "listed here; those targets appear in other_targets once they have a breaker open.",
  ),
  strategy: z.enum(["fallback", "weighted", "least_latency"]),
  stream_commit: z.enum(["first_content", "complete"]),
  circuit_breaker: z.object({ failures: count, open_ms: count }).nullable(),
  targets: z.array(
    targetStatusSchema.extend({ weight: z.number().nonnegative() }).meta({
      id: "RouteTargetStatusWeighted",
    }),
  ),
}).meta({ id: "RouteStatus" });

export const poolKeyStatusSchema = z.object({
  id: z.string().describe("The pool key's id from the config; never the key itself."),
  group: z.string().nullable().describe("Keys of one group cool down together."),
  state: z.enum(["usable", "cooling", "disabled", "saturated"]).describe(
    "cooling: until `until` (a 429, its own or its group's); disabled: after a 401/402/403, " +
      "until an operator re-enables it; saturated: at its rpm or tpm in this instance.",
  ),
  reason: z.string().nullable().describe("Why cooling or disabled: a fixed code."),
  since: at("Cooling or disabled: since when; null otherwise"),
  until: at("Cooling: until when; null otherwise (disabled keys wait for an operator)"),
  requests_last_minute: count,
  tokens_last_minute: count,
  rpm: count.nullable(),
  tpm: count.nullable(),
}).meta({ id: "PoolKeyStatus" });

export const routesStatusSchema = z.object({
  generated_at: z.string().describe("RFC 3339 UTC"),
  shared: z.boolean().describe(
    "true: breakers and key blocks are shared by every instance (PostgreSQL); false: this " +
      "instance's only.",
  ),
  state_error: z.string().nullable().describe(
    "The last failed read or write of the shared routing state; routing goes on with what " +
      "this instance knows.",
  ),
  routes: z.array(routeStatusSchema).describe("In config order; empty without routes."),
  other_targets: z.array(targetStatusSchema).describe(
    "Targets not listed by a static route (a route function's) that have a breaker record.",
  ),
  key_pools: z.array(z.object({
    provider: z.string(),
    keys: z.array(poolKeyStatusSchema),
  })).describe("Per provider with `keys`, in config order."),
}).meta({ id: "RoutesStatus" });

export type RoutesStatus = z.infer<typeof routesStatusSchema>;

const iso = (ms: number | null) => ms === null ? null : new Date(ms).toISOString();

/** The endpoint's body; `source` null: routes are not configured (or routing is not running). */
export async function routesStatusBody(
  source: RoutesSource | null,
  now: number,
): Promise<RoutesStatus> {
  if (source === null) {
    return {
      generated_at: iso(now)!,
      shared: false,
      state_error: null,
      routes: [],
      other_targets: [],
      key_pools: [],
    };
  }
  const view = await source.view(now);
  const byId = new Map(view.targets.map((t) => [t.target, t]));
  const listed = new Set<string>();
  const routes = source.routes.map((r) => ({
    name: r.name,
    kind: r.kind,
    strategy: r.policy.strategy,
    stream_commit: r.policy.streamCommit,
    circuit_breaker: r.policy.breaker === null
      ? null
      : { failures: r.policy.breaker.failures, open_ms: r.policy.breaker.openMs },
    targets: r.targets.map((t) => {
      const id = `${t.provider}/${t.model}`;
      listed.add(id);
      return { ...targetStatus(id, t.provider, t.model, byId.get(id)), weight: t.weight };
    }),
  }));
  const other = view.targets.filter((t) => !listed.has(t.target)).map((t) => {
    const slash = t.target.indexOf("/");
    return targetStatus(t.target, t.target.slice(0, slash), t.target.slice(slash + 1), t);
  });
  return {
    generated_at: iso(now)!,
    shared: view.shared,
    state_error: view.lastError,
    routes,
    other_targets: other,
    key_pools: keyPools(view.keys),
  };
}

function targetStatus(id: string, provider: string, model: string, v: TargetView | undefined) {
  const attempts = v?.attemptsLastMinute ?? 0;
  const failures = Math.min(v?.failuresLastMinute ?? 0, attempts);
  return {
    target: id,
    provider,
    model,
    breaker: {
      phase: v?.breaker ?? "closed",
      open_until: iso(v?.openUntil ?? null),
      probe_in_flight: v?.probeInFlight ?? false,
    },
    consecutive_failures: v?.consecutiveFailures ?? 0,
    last_minute: {
      attempts,
      failures,
      failure_rate: attempts === 0 ? null : Math.round((failures / attempts) * 1000) / 1000,
    },
    latency_ms: v?.latencyMs ?? null,
  };
}

function keyPools(keys: readonly KeyView[]): RoutesStatus["key_pools"] {
  const pools = new Map<string, RoutesStatus["key_pools"][number]>();
  for (const k of keys) {
    let pool = pools.get(k.provider);
    if (pool === undefined) {
      pool = { provider: k.provider, keys: [] };
      pools.set(k.provider, pool);
    }
    pool.keys.push({
      id: k.id,
      group: k.group,
      state: k.state,
      reason: k.reason,
      since: iso(k.since),
      until: iso(k.until),
      requests_last_minute: k.requestsLastMinute,
      tokens_last_minute: k.tokensLastMinute,
      rpm: k.rpm,
      tpm: k.tpm,
    });
  }
  return [...pools.values()];
}

export const enableKeyResultSchema = z.object({
  provider: z.string(),
  id: z.string(),
  cleared: z.boolean().describe(
    "true: the key was disabled or cooling and is not any more; false: it had no block of " +
      "its own (a group cooldown, if any, still applies).",
  ),
  key: poolKeyStatusSchema.describe("The key's state after the change."),
}).meta({ id: "PoolKeyEnabled" });

export const poolProviderSchema = z.string().min(1).max(200).describe(
  "The provider id of the config (`providers[].id`).",
);
export const poolKeyIdSchema = z.string().min(1).max(200).describe(
  "The pool key's id (`providers[].keys[].id`).",
);

export interface RoutesStatusDeps {
  /** The gateway's routing; null when no routes or key pools are configured. */
  source: RoutesSource | null;
  now(): number;
  /** Where re-enabling is recorded (the audit trail of an operator action). */
  log?: Pick<Logger, "info">;
}

/**
 * `GET /api/routes` and `POST /api/routes/keys/{provider}/{id}/enable`. The gate requires
 * `diagnostics:read` for both (routing state is gateway-wide, every tenant's); re-enabling also
 * needs `keys:manage` in team mode, checked here, so a read-only operator key cannot change it.
 */
export function registerRoutesStatus(app: Hono, deps: RoutesStatusDeps): void {
  app.get("/api/routes", async (c) => c.json(await routesStatusBody(deps.source, deps.now())));
  app.post("/api/routes/keys/:provider/:id/enable", async (c) => {
    const principal = c.get("principal");
    if (principal !== undefined && !principal.permissions.has("keys:manage")) {
      throw new GatewayError(
        "permission_denied",
        `gateway key ${principal.keyId} (role ${principal.role}) lacks the keys:manage ` +
          "permission that re-enabling a pool key needs (besides diagnostics:read)",
        { permission: "keys:manage" },
      );
    }
    const provider = c.req.param("provider");
    const id = c.req.param("id");
    const now = deps.now();
    const cleared = deps.source === null ? null : await deps.source.enableKey(provider, id, now);
    if (cleared === null) {
      throw new GatewayError(
        "not_found",
        `no pool key ${JSON.stringify(id.slice(0, 200))} of provider ` +
          `${JSON.stringify(provider.slice(0, 200))}; GET /api/routes lists the key pools`,
      );
    }
    deps.log?.info("pool key re-enabled by an operator", {
      provider,
      key_id: id,
      cleared,
      actor: c.get("actor") ?? "local",
    });
    const body = await routesStatusBody(deps.source, now);
    const key = body.key_pools.find((p) => p.provider === provider)?.keys.find((k) => k.id === id);
    return c.json({ provider, id, cleared, key: key! });
  });
}
