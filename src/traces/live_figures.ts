/**
 * The live view's figures from the window's entries (live_window.ts), pure: the last 10 seconds
 * and the last minute, the busiest models, keys and sessions, and the latest requests. Field
 * names are `GET /api/live`'s (api/live_schema.ts), so the API passes them on unchanged.
 *
 * Unknown is never zero: tokens add only what is known and count the requests whose usage is
 * not; cost adds priced requests (and the priced part of partial ones) and counts the unpriced.
 */
import type { LiveEntry } from "./live_window.ts";
import type { TenantScope } from "./tenant.ts";

export const liveSorts = ["requests", "tokens", "cost", "errors"] as const;
export type LiveSort = (typeof liveSorts)[number];

export interface LiveQuery {
  /** Null: every tenant. */
  scope: TenantScope | null;
  /** Case-insensitive substring of provider, model, key label, agent, session or developer. */
  filter: string | null;
  sort: LiveSort;
  /** Busiest entries per list, at most. */
  limit: number;
  /** Latest requests, at most. */
  recent: number;
}

export interface LiveFigures {
  seconds: number;
  truncated: boolean;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  unknown_usage_count: number;
  cost_usd: number;
  unpriced_count: number;
  partial_count: number;
  requests_per_second: number;
  tokens_per_second: number;
  cost_usd_per_minute: number;
  error_rate: number | null;
}

export interface LiveBusiest {
  name: string;
  provider: string | null;
  label: string | null;
  requests: number;
  errors: number;
  total_tokens: number;
  unknown_usage_count: number;
  cost_usd: number;
  unpriced_count: number;
  partial_count: number;
}

export interface LiveRecent {
  trace_id: string;
  ended_at: string;
  provider: string;
  model: string;
  status: number;
  error_code: string | null;
  streaming: boolean;
  latency_ms: number;
  time_to_first_token_ms: number | null;
  total_tokens: number | null;
  cost_usd: number | null;
  cost_status: string;
  key: string | null;
  agent: string | null;
  session_id: string | null;
  developer: string | null;
}

export interface LiveView {
  last_10s: LiveFigures;
  last_minute: LiveFigures;
  busiest: { models: LiveBusiest[]; keys: LiveBusiest[]; sessions: LiveBusiest[] };
  recent: LiveRecent[];
}

/** The window's state a view needs besides its entries. */
export interface WindowEdges {
  now: number;
  startedAt: number;
  /** `at` of the newest entry the entry cap pushed out; -Infinity: none. */
  evictedAt: number;
}

const shortMs = 10_000;
/** The window keeps exactly this span (live_window.ts). */
export const minuteMs = 60_000;

const isError = (e: LiveEntry) => e.status >= 400 || e.status === 0 || e.errorCode !== null;
const costed = (e: LiveEntry) => e.costStatus === "priced" || e.costStatus === "partial";
const keyLabel = (e: LiveEntry) => e.keyLast4 === null ? null : `...${e.keyLast4}`;

export function inScope(e: LiveEntry, scope: TenantScope | null): boolean {
  return scope === null || (e.org === scope.org_id && e.workspace === scope.workspace_id);
}

/** `needle` is lower case. */
export function matchesFilter(e: LiveEntry, needle: string | null): boolean {
  if (needle === null) return true;
  const has = (v: string | null) => v !== null && v.toLowerCase().includes(needle);
  return has(e.provider) || has(e.model) || has(keyLabel(e)) || has(e.agent) ||
    has(e.session) || has(e.developer);
}

/**
 * The view over a ring's entries: `size` of them from `head` (oldest first, wrapping at
 * `ring.length`), read newest first. A full window is 50,000 entries read once a second per
 * watcher, on the event loop: no allocation per entry but the groups' first sight.
 */
export function viewOf(
  ring: readonly (LiveEntry | undefined)[],
  head: number,
  size: number,
  q: LiveQuery,
  w: WindowEdges,
): LiveView {
  const short = new Sums();
  const minute = new Sums();
  const models = new Groups();
  const keys = new Groups();
  const sessions = new Groups();
  const recent: LiveRecent[] = [];
  const needle = q.filter === null ? null : q.filter.toLowerCase();
  const shortStart = w.now - shortMs;
  for (let i = size - 1; i >= 0; i--) {
    const e = ring[(head + i) % ring.length]!;
    if (!inScope(e, q.scope) || !matchesFilter(e, needle)) continue;
    minute.add(e);
    if (e.at > shortStart) short.add(e);
    models.of(e.provider, e.model, () => new Busy(e.model, e.provider, null)).add(e);
    keys.of(
      e.provider,
      e.keyHash ?? "",
      () => new Busy(e.keyHash ?? "unknown", e.provider, keyLabel(e)),
    ).add(e);
    if (e.session !== null) {
      sessions.of("", e.session, () => new Busy(e.session!, null, sessionLabel(e))).add(e);
    }
    if (recent.length < q.recent) recent.push(recentOf(e));
  }
  const top = (g: Groups) => busiest(g.all(), q.sort, q.limit);
  return {
    last_10s: short.figures(covered(w, shortMs)),
    last_minute: minute.figures(covered(w, minuteMs)),
    busiest: { models: top(models), keys: top(keys), sessions: top(sessions) },
    recent,
  };
}

/** The span a window covers: less when the process is younger, or the cap cut into it. */
export function covered(w: WindowEdges, spanMs: number): { seconds: number; truncated: boolean } {
  const start = w.now - spanMs;
  const truncated = w.evictedAt > start;
  const from = Math.max(start, w.startedAt, truncated ? w.evictedAt : start);
  return { seconds: Math.max(0, w.now - from) / 1000, truncated };
}

class Sums {
  requests = 0;
  errors = 0;
  input = 0;
  output = 0;
  total = 0;
  unknown = 0;
  cost = 0;
  unpriced = 0;
  partial = 0;

  add(e: LiveEntry): void {
    this.requests++;
    if (isError(e)) this.errors++;
    // Unknown usage adds no tokens (they are null, read as 0) and is counted instead.
    if (e.usage === "unknown") this.unknown++;
    else {
      this.input += e.inputTokens;
      this.output += e.outputTokens;
      this.total += e.totalTokens;
    }
    if (costed(e)) this.cost += e.cost ?? 0;
    if (e.costStatus === "unpriced") this.unpriced++;
    if (e.costStatus === "partial") this.partial++;
  }

  figures(span: { seconds: number; truncated: boolean }): LiveFigures {
    const per = (n: number) => span.seconds > 0 ? n / span.seconds : 0;
    return {
      seconds: span.seconds,
      truncated: span.truncated,
      requests: this.requests,
      errors: this.errors,
      input_tokens: this.input,
      output_tokens: this.output,
      total_tokens: this.total,
      unknown_usage_count: this.unknown,
      cost_usd: this.cost,
      unpriced_count: this.unpriced,
      partial_count: this.partial,
      requests_per_second: per(this.requests),
      tokens_per_second: per(this.total),
      cost_usd_per_minute: per(this.cost) * 60,
      error_rate: this.requests === 0 ? null : this.errors / this.requests,
    };
  }
}

/** One busiest entry: the same sums, under its name. */
class Busy extends Sums {
  constructor(
    readonly name: string,
    readonly provider: string | null,
    readonly label: string | null,
  ) {
    super();
  }

  row(): LiveBusiest {
    return {
      name: this.name,
      provider: this.provider,
      label: this.label,
      requests: this.requests,
      errors: this.errors,
      total_tokens: this.total,
      unknown_usage_count: this.unknown,
      cost_usd: this.cost,
      unpriced_count: this.unpriced,
      partial_count: this.partial,
    };
  }
}

/**
 * Accumulators by two keys, in nested maps so that finding one allocates nothing; the first
 * entry seen (the newest) makes it and so names its label.
 */
class Groups {
  readonly #byOuter = new Map<string, Map<string, Busy>>();

  of(outer: string, inner: string, make: () => Busy): Busy {
    let m = this.#byOuter.get(outer);
    if (m === undefined) this.#byOuter.set(outer, m = new Map());
    let b = m.get(inner);
    if (b === undefined) m.set(inner, b = make());
    return b;
  }

  all(): Busy[] {
    return [...this.#byOuter.values()].flatMap((m) => [...m.values()]);
  }
}

function sessionLabel(e: LiveEntry): string | null {
  const who = [e.agent, e.developer].filter((v) => v !== null).join(" / ");
  return who === "" ? null : who;
}

const sortValue: Record<LiveSort, (b: Busy) => number> = {
  requests: (b) => b.requests,
  tokens: (b) => b.total,
  cost: (b) => b.cost,
  errors: (b) => b.errors,
};

/** By `sort`, largest first; ties by name, then provider, so the order never flickers. */
function busiest(all: Busy[], sort: LiveSort, limit: number): LiveBusiest[] {
  const value = sortValue[sort];
  const byText = (a: string | null, b: string | null) =>
    (a ?? "") < (b ?? "") ? -1 : +((a ?? "") > (b ?? ""));
  all.sort((a, b) =>
    value(b) - value(a) || byText(a.name, b.name) || byText(a.provider, b.provider)
  );
  return all.slice(0, limit).map((b) => b.row());
}

function recentOf(e: LiveEntry): LiveRecent {
  return {
    trace_id: e.id,
    ended_at: e.endedAt,
    provider: e.provider,
    model: e.model,
    status: e.status,
    error_code: e.errorCode,
    streaming: e.streaming,
    latency_ms: e.latencyMs,
    time_to_first_token_ms: e.ttftMs,
    total_tokens: e.usage === "unknown" ? null : e.totalTokens,
    cost_usd: costed(e) ? e.cost : null,
    cost_status: e.costStatus,
    key: keyLabel(e),
    agent: e.agent,
    session_id: e.session,
    developer: e.developer,
  };
}
