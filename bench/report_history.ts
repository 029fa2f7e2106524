/**
 * Generated traffic for the HTML report (issue 25): N traces over D days ending at a given time,
 * as a team of developers and coding agents makes it: several providers and models priced by the
 * gateway's own cost path (cost lines included, so the dimensions and what caching saved are
 * real), cache reads, sessions, workspaces, errors, unknown usage, an unpriced provider, and a
 * configured route that sometimes fails over. Weekdays are busier than weekends, nights quieter
 * than days, and one day a week in every five has no traffic (the report's empty slots).
 * Deterministic (a seeded PRNG). Used by `report_year.ts` (a year, a million traces) and
 * `scripts/report_screenshot.ts` (a month).
 */
import { createCostEstimator } from "../src/pricing/mod.ts";
import type { ProviderKind, UsageReport } from "../src/providers/mod.ts";
import type { TraceStore } from "../src/store/mod.ts";
import type { AttemptRecord, Trace } from "../src/traces/trace.ts";
import { makeTrace } from "../tests/testdata/trace_fixture.ts";
import { prng } from "../tests/testdata/prng.ts";

interface Model {
  provider: string;
  kind: ProviderKind;
  model: string;
  path: string;
  /** Typical latency, ms (lognormal around it). */
  latency: number;
  weight: number;
}

const models: Model[] = [
  {
    provider: "anthropic",
    kind: "anthropic",
    model: "claude-sonnet-4-6",
    path: "/anthropic/v1/messages",
    latency: 4000,
    weight: 30,
  },
  {
    provider: "anthropic",
    kind: "anthropic",
    model: "claude-haiku-4-5",
    path: "/anthropic/v1/messages",
    latency: 1200,
    weight: 15,
  },
  {
    provider: "openai",
    kind: "openai",
    model: "gpt-4.1",
    path: "/openai/v1/responses",
    latency: 3000,
    weight: 20,
  },
  {
    provider: "openai",
    kind: "openai",
    model: "gpt-4o-mini",
    path: "/openai/v1/chat/completions",
    latency: 900,
    weight: 20,
  },
  {
    provider: "openai",
    kind: "openai",
    model: "o4-mini",
    path: "/openai/v1/responses",
    latency: 6000,
    weight: 8,
  },
  // No built-in price for a self-hosted model: its requests are unpriced.
  {
    provider: "local-vllm",
    kind: "openai-compatible",
    model: "qwen3-coder-30b",
    path: "/local-vllm/v1/chat/completions",
    latency: 2000,
    weight: 7,
  },
];
const totalWeight = models.reduce((n, m) => n + m.weight, 0);

const developers = ["alice", "bob", "carol", "dmitri", "erin", "farid", "grace", "hiro"];
const agents = ["claude-code", "codex", "opencode", null];
const workspaces = ["platform", "research", "mobile"];

const estimators = new Map<ProviderKind, ReturnType<typeof createCostEstimator>>();
function estimate(m: Model, report: UsageReport, at: number) {
  let e = estimators.get(m.kind);
  if (e === undefined) {
    e = createCostEstimator({ kind: m.kind, prices: {} });
    estimators.set(m.kind, e);
  }
  return e(m.model, report, at, m.path);
}

function pick<T>(items: readonly T[], r: number): T {
  return items[Math.min(items.length - 1, Math.floor(r * items.length))]!;
}

function pickModel(r: number): Model {
  let at = r * totalWeight;
  for (const m of models) {
    if ((at -= m.weight) < 0) return m;
  }
  return models.at(-1)!;
}

/** How busy an hour is, relative: office hours on weekdays, a trickle at night and weekends. */
function activity(t: number): number {
  const d = new Date(t);
  const day = Math.floor(t / 86_400_000);
  if (day % 7 === 3 && Math.floor(day / 7) % 5 === 0) return 0; // a quiet day, no traffic
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6 ? 0.25 : 1;
  const h = d.getUTCHours();
  return weekend * (h >= 8 && h < 19 ? 1 : 0.08);
}

const attempt = (over: Partial<AttemptRecord>): AttemptRecord => ({
  n: 1,
  provider: "openai",
  model: "gpt-4.1",
  key_id: null,
  outcome: "success",
  status: 200,
  reason: null,
  timeout_phase: null,
  waited_ms: 0,
  started_ms: 0,
  first_byte_ms: 300,
  duration_ms: 2000,
  committed: true,
  ...over,
});

/**
 * The timestamps of `total` traces between `end - days` and `end`, in order, spread by
 * `activity` (rejection sampling over uniform times, bounded by the attempts it makes).
 */
function* times(total: number, days: number, end: number, rand: () => number) {
  const start = end - days * 86_400_000;
  const slot = (end - start) / total;
  for (let i = 0; i < total; i++) {
    // One trace per slot, moved to a busier moment nearby: a stable order and a diurnal shape.
    let t = start + (i + rand()) * slot;
    for (let k = 0; k < 32 && rand() > activity(t); k++) {
      t = start + rand() * (end - start);
    }
    yield Math.floor(activity(t) > 0 ? t : start + (i + 0.5) * slot - 3 * 86_400_000);
  }
}

/** One trace of the history at `at` (ms since the epoch). */
export function reportTrace(i: number, at: number, rand: () => number): Trace {
  const m = pickModel(rand());
  const dev = pick(developers, rand() ** 1.3);
  const devIndex = developers.indexOf(dev);
  const agent = agents[devIndex % agents.length]!;
  const day = Math.floor(at / 86_400_000);
  const status = rand() < 0.97 ? 200 : rand() < 0.7 ? 429 : 500;
  const known = status === 200 && rand() > 0.008;
  const input = Math.floor(2000 + rand() ** 2 * 60_000);
  const cached = m.provider === "local-vllm" ? 0 : Math.floor(input * rand() * 0.85);
  const output = Math.floor(100 + rand() ** 2 * 3000);
  const report: UsageReport = {
    model: m.model,
    status: known ? "exact" : status === 200 ? "unknown" : "none",
    parseErrors: 0,
    usage: known
      ? {
        input_tokens: input,
        output_tokens: output,
        total_tokens: input + output,
        cached_input_tokens: cached,
        cache_write_tokens: 0,
        reasoning_tokens: m.model === "o4-mini" ? Math.floor(output / 2) : 0,
      }
      : null,
  };
  const cost = known ? estimate(m, report, at) : null;
  const latency = Math.round(m.latency * Math.exp((rand() - 0.5) * 1.6));
  const streaming = rand() < 0.7;
  const ttftMs = streaming ? Math.round(latency * (0.08 + rand() * 0.2)) : null;
  const routed = m.model === "gpt-4.1" && rand() < 0.5;
  const failedOver = routed && rand() < 0.12;
  const usage = report.usage;
  return makeTrace({
    id: i.toString(16).padStart(32, "0"),
    timestamp: new Date(at).toISOString(),
    created_at: new Date(at + latency).toISOString(),
    org_id: "acme",
    workspace_id: workspaces[devIndex % workspaces.length]!,
    provider: m.provider,
    model: m.model,
    request_path: m.path,
    response_status: status,
    input_tokens: usage?.input_tokens ?? null,
    output_tokens: usage?.output_tokens ?? null,
    total_tokens: usage?.total_tokens ?? null,
    cached_input_tokens: usage?.cached_input_tokens ?? null,
    cache_write_tokens: usage?.cache_write_tokens ?? null,
    reasoning_tokens: usage?.reasoning_tokens ?? null,
    usage_status: known ? "exact" : status === 200 ? "unknown" : "none",
    estimated_cost_usd: cost?.estimated_cost_usd ?? null,
    cost_status: status !== 200 ? "none" : cost === null ? "unknown_usage" : cost.cost_status,
    cost_breakdown: cost?.cost_breakdown ?? null,
    latency_ms: latency,
    streaming,
    time_to_first_token_ms: ttftMs,
    time_to_first_token_us: ttftMs === null ? null : ttftMs * 1000,
    // Five keys per provider, shared by the team; fingerprints as opaque as the gateway's.
    api_key_hash: `hmac-sha256:${
      (((devIndex % 5) + 1) * 2654435761 >>> 0).toString(16).padStart(8, "0")
    }${m.provider}`,
    api_key_last4: `${m.provider.slice(0, 2)}0${devIndex % 5}`,
    developer: dev,
    agent,
    // Three sessions a day per developer, ids as opaque as an agent's.
    session_id: agent === null
      ? null
      : `sess_${
        (((day * 8 + devIndex) * 3 + Math.floor(rand() * 3)) * 2654435761 >>> 0)
          .toString(16)
      }`,
    route: routed ? "coding-default" : null,
    attempt_count: routed && failedOver ? 2 : 1,
    attempts: routed
      ? failedOver
        ? [
          attempt({ outcome: "status", status: 429, reason: "status_429_rate_limited" }),
          attempt({ n: 2, provider: "anthropic", model: "claude-sonnet-4-6", started_ms: 80 }),
        ]
        : [attempt({})]
      : null,
  });
}

/** Writes the history into `store` in batches (the gateway's own write path, rollups and all). */
export async function writeReportHistory(
  store: Pick<TraceStore, "writeBatch">,
  o: { traces: number; days: number; end: number; seed?: number },
  progress?: (written: number) => void,
): Promise<void> {
  const rand = prng(o.seed ?? 25);
  let batch: Trace[] = [];
  let i = 0;
  for (const at of times(o.traces, o.days, o.end, rand)) {
    batch.push(reportTrace(i++, at, rand));
    if (batch.length === 5000) {
      await store.writeBatch(batch);
      batch = [];
      progress?.(i);
    }
  }
  if (batch.length > 0) await store.writeBatch(batch);
}
