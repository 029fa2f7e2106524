/**
 * The gateway of the routing benchmark: the real `serve` process (source, as the other scenarios
 * run it) with one route per fault case and commit mode, two providers per wire format (the
 * targets' primary and fallback, both pointing at the fault upstream), a key-pool provider, and
 * the healthy-path route. Also reads the traces of a time window with their attempt records.
 */
import { join } from "node:path";
import {
  type CommitMode,
  commitModes,
  type FaultCase,
  isAnthropic,
  namesOf,
} from "./routing_cases.ts";
import { freePort, repoRoot, spawnDeno, waitReady } from "./proc.ts";
import { settledHealth } from "./gateway.ts";

/** Route timeouts short enough that a silent or stalled target fails over in seconds. */
export const routeTimeouts = {
  first_byte_ms: 1500,
  first_token_ms: 1500,
  idle_ms: 1500,
  total_ms: 30_000,
};
export const routeRetry = {
  attempts: 2,
  backoff_ms: 100,
  max_backoff_ms: 500,
  max_retry_after_ms: 3000,
};

export interface PoolSetup {
  upstream: string;
  keys: number;
  rpmPerKey: number;
}

export function routesFor(cases: FaultCase[]): Record<string, unknown> {
  const routes: Record<string, unknown> = {};
  for (const c of cases) {
    for (const mode of commitModes) routes[namesOf(c, mode).route] = routeOf(c, mode);
  }
  routes["healthy.routed"] = { targets: [{ provider: "openai", model: "healthy" }] };
  routes["pool.route"] = { targets: [{ provider: "pooled", model: "pool-model" }] };
  return routes;
}

/**
 * Each case's primary is a provider of its own, with a pool key of its own: a case that cools or
 * disables its key (a 429 without Retry-After cools it for 30 s) must not make the next cases skip
 * their primary.
 */
export function primaryProviders(
  cases: FaultCase[],
  faultUpstream: string,
  resetUpstream: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of cases) {
    for (const mode of commitModes) {
      const id = primaryOf(c, mode);
      out[id] = {
        kind: isAnthropic(c.client) ? "anthropic" : "openai",
        upstream: c.primaryResets ? resetUpstream : faultUpstream,
        prefix: `/${id}`,
        keys: poolOf(id),
      };
    }
  }
  return out;
}

const primaryOf = (c: FaultCase, mode: CommitMode) =>
  `p-${c.id.replaceAll("_", "-")}-${mode.replaceAll("_", "-")}`;

function routeOf(c: FaultCase, mode: CommitMode) {
  const n = namesOf(c, mode);
  const f = isAnthropic(c.client) ? "anthropic-b" : "openai-b";
  const p = primaryOf(c, mode);
  return {
    targets: [
      { provider: p, model: n.primary },
      { provider: f, model: n.fallback, ...(c.largerContext ? { on_context_length: true } : {}) },
    ],
    retry: routeRetry,
    timeouts: routeTimeouts,
    circuit_breaker: c.breaker ?? false,
    stream_commit: mode,
  };
}

/** One fake key per provider (the fault upstream accepts any). */
const poolOf = (provider: string) => [{ id: `${provider}-k`, key: `sk-bench-${provider}-pool` }];

export interface BenchGateway {
  origin: string;
  configPath: string;
  logs(): string;
  traces(fromIso: string): Promise<TraceView[]>;
  settle(): Promise<void>;
  stop(): Promise<number>;
}

/** The fields of a trace the benchmark reads; `attempts` is absent before the route loop. */
export interface TraceView {
  id: string;
  model: string;
  response_status: number;
  error_code: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  estimated_cost_usd: number | null;
  route?: string | null;
  attempt_count?: number;
  attempts?: { provider: string; model: string; key_id: string | null; outcome: string }[] | null;
}

export async function startRoutingGateway(
  tmpDir: string,
  faultUpstream: string,
  /** The fault upstream's reset listener (every connection reset). */
  resetUpstream: string,
  cases: FaultCase[],
  pool: PoolSetup,
): Promise<BenchGateway> {
  const port = freePort();
  const keys = Array.from({ length: pool.keys }, (_, i) => ({
    id: `key-${i + 1}`,
    key: `sk-pool-${i + 1}`,
    rpm: pool.rpmPerKey,
  }));
  const config = {
    server: { host: "127.0.0.1", port, log_format: "json", shutdown_grace_ms: 3000 },
    storage: { driver: "sqlite", path: join(tmpDir, "traces.db") },
    tracing: { capture_bodies: false },
    // Unrouted requests (before the route loop) must not hang the run on a silent upstream.
    proxy: { headers_timeout_ms: 5000, idle_timeout_ms: 5000 },
    // Every target gets its key from a pool (the clients send none), as a team gateway does.
    providers: {
      openai: { upstream: faultUpstream, keys: poolOf("openai") },
      "openai-b": { kind: "openai", upstream: faultUpstream, keys: poolOf("openai-b") },
      anthropic: { upstream: faultUpstream, keys: poolOf("anthropic") },
      "anthropic-b": { kind: "anthropic", upstream: faultUpstream, keys: poolOf("anthropic-b") },
      "openai-rst": { kind: "openai", upstream: resetUpstream, keys: poolOf("openai-rst") },
      "anthropic-rst": {
        kind: "anthropic",
        upstream: resetUpstream,
        keys: poolOf("anthropic-rst"),
      },
      pooled: { kind: "openai-compatible", upstream: pool.upstream, keys },
      ...primaryProviders(cases, faultUpstream, resetUpstream),
    },
    routes: routesFor(cases),
  };
  const configPath = join(tmpDir, "gateway.json");
  await Deno.writeTextFile(configPath, JSON.stringify(config, null, 2));
  const child = spawnDeno("gateway-routing", join(repoRoot, "src/main.ts"), [
    "serve",
    "--config",
    configPath,
  ]);
  const origin = `http://127.0.0.1:${port}`;
  await waitReady(child, `${origin}/api/health`);
  const health = async () => (await (await fetch(`${origin}/api/health`)).json()).trace_queue;
  return {
    origin,
    configPath,
    logs: () => child.logs(),
    settle: async () => void await settledHealth(health),
    traces: (fromIso) => readTraces(origin, fromIso),
    stop: () => child.stop("SIGTERM", 10_000),
  };
}

async function readTraces(origin: string, fromIso: string): Promise<TraceView[]> {
  const q = new URLSearchParams({ from: fromIso, limit: "200" });
  const res = await fetch(`${origin}/api/traces?${q}`);
  if (!res.ok) throw new Error(`GET /api/traces: ${res.status} ${await res.text()}`);
  const page = await res.json() as { items?: { id: string }[]; data?: { id: string }[] };
  const items = page.items ?? page.data ?? [];
  const out: TraceView[] = [];
  for (const it of items) {
    const r = await fetch(`${origin}/api/traces/${encodeURIComponent(it.id)}`);
    if (r.ok) out.push(await r.json() as TraceView);
    else await r.body?.cancel();
  }
  return out;
}
