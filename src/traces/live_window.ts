/**
 * The live window (issue 25, `GET /api/live`): the last minute of traces this gateway process
 * built, kept in memory as compact entries, for `ongoingai top`. Pure: the clock is injected.
 *
 * Offering a trace is O(1): one small object copied from the trace (never the trace itself,
 * which may hold captured bodies) written into a ring, and the expired head dropped. The ring is
 * bounded by `maxEntries`; when it is full the oldest entry goes first, and a query over a window
 * that lost entries that way says so (`truncated`) with the span it still covers.
 */
import type { CostStatus, TraceRecord } from "./trace.ts";
import { type LiveQuery, type LiveView, minuteMs, viewOf } from "./live_figures.ts";

export type { LiveBusiest, LiveFigures, LiveQuery, LiveRecent, LiveView } from "./live_figures.ts";
export { type LiveSort, liveSorts } from "./live_figures.ts";

/** What the window keeps of one trace: the fields the live view reads, nothing else. */
export interface LiveEntry {
  /** When it was offered (the window's clock, ms): what the windows are measured on. */
  at: number;
  org: string;
  workspace: string;
  id: string;
  /** The trace's `created_at` (RFC 3339): when the exchange ended. */
  endedAt: string;
  provider: string;
  model: string;
  keyHash: string | null;
  keyLast4: string | null;
  agent: string | null;
  session: string | null;
  developer: string | null;
  status: number;
  errorCode: string | null;
  streaming: boolean;
  latencyMs: number;
  ttftMs: number | null;
  /** Token figures as the rollups count them (null read as 0); `usage` says whether known. */
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  usage: TraceRecord["usage_status"];
  cost: number | null;
  costStatus: CostStatus;
}

export interface LiveWindowOptions {
  /** Epoch ms. */
  now(): number;
  /** When the process started (epoch ms): a window never covers more than that. */
  startedAt: number;
  /** Entries kept at most; default 50,000. */
  maxEntries?: number;
}

export const defaultLiveEntries = 50_000;

export function liveEntryOf(t: TraceRecord, at: number): LiveEntry {
  return {
    at,
    org: t.org_id,
    workspace: t.workspace_id,
    id: t.id,
    endedAt: t.created_at,
    provider: t.provider,
    model: t.model,
    keyHash: t.api_key_hash,
    keyLast4: t.api_key_last4,
    agent: t.agent,
    session: t.session_id,
    developer: t.developer,
    status: t.response_status,
    errorCode: t.error_code,
    streaming: t.streaming,
    latencyMs: t.latency_ms,
    ttftMs: t.time_to_first_token_ms,
    inputTokens: t.input_tokens ?? 0,
    outputTokens: t.output_tokens ?? 0,
    totalTokens: t.total_tokens ?? 0,
    usage: t.usage_status,
    cost: t.estimated_cost_usd,
    costStatus: t.cost_status,
  };
}

export class LiveWindow {
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #cap: number;
  /** A ring: grows by push up to `#cap`, then wraps. Live entries are `#size` from `#head`. */
  #slots: (LiveEntry | undefined)[] = [];
  #head = 0;
  #size = 0;
  /** `at` of the newest entry the cap pushed out (not expiry): windows after it are whole. */
  #evictedAt = Number.NEGATIVE_INFINITY;

  constructor(o: LiveWindowOptions) {
    const cap = o.maxEntries ?? defaultLiveEntries;
    if (!(Number.isInteger(cap) && cap > 0)) {
      throw new RangeError("the live window's maxEntries must be a positive integer");
    }
    this.#now = o.now;
    this.#startedAt = o.startedAt;
    this.#cap = cap;
  }

  /**
   * The hot path: called with every trace built; O(1) amortized, one small allocation. Returns
   * the clock's time it read, so a caller needs no second read.
   */
  offer(t: TraceRecord): number {
    const now = this.#now();
    this.#expire(now);
    const entry = liveEntryOf(t, now);
    if (this.#size === this.#cap) {
      this.#evictedAt = this.#slots[this.#head]!.at;
      this.#slots[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.#cap;
      this.#size--;
    }
    const tail = (this.#head + this.#size) % this.#cap;
    if (tail === this.#slots.length) this.#slots.push(entry);
    else this.#slots[tail] = entry;
    this.#size++;
    return now;
  }

  /** Entries kept now (tests, diagnostics). */
  get size(): number {
    return this.#size;
  }

  /** The figures for `q`, over the entries kept (expired ones dropped first). */
  query(q: LiveQuery): LiveView {
    const now = this.#now();
    this.#expire(now);
    // Until the ring first fills, `#slots` is shorter than the cap and never wraps.
    const ring = this.#slots;
    return viewOf(ring, this.#head, this.#size, q, {
      now,
      startedAt: this.#startedAt,
      evictedAt: this.#evictedAt,
    });
  }

  #expire(now: number): void {
    const oldest = now - minuteMs;
    while (this.#size > 0) {
      const e = this.#slots[this.#head]!;
      if (e.at > oldest) return;
      this.#slots[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.#cap;
      this.#size--;
    }
  }
}
