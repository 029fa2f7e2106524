/**
 * The limiter's arithmetic, pure: which counters a request charges, whether they have room, and
 * how a reservation is settled with the real usage. Windows are fixed (the current UTC minute,
 * the current UTC day), so a counter is one number per window that any store can keep, including
 * a shared SQL table with one atomic upsert.
 */

export type LimitName =
  | "requests_per_minute"
  | "tokens_per_minute"
  | "tokens_per_day"
  | "cost_usd_per_day";
export type LimitScope = "key" | "workspace";

/** Effective limits of one subject; 0 means none. */
export interface LimitSet {
  requests_per_minute: number;
  tokens_per_minute: number;
  tokens_per_day: number;
  cost_usd_per_day: number;
}

export interface Subject {
  scope: LimitScope;
  /** Unique per scope, e.g. `org|workspace|key`. */
  id: string;
  limits: LimitSet;
}

export interface Estimate {
  tokens: number;
  costUsd: number;
}

/** One counter a request adds to. Cost is counted in micro-dollars so sums stay exact. */
export interface Charge {
  scope: LimitScope;
  name: LimitName;
  /** Counter key: subject, limit and window start. */
  bucket: string;
  /** Window end, ms since the epoch: the counter can be forgotten after it. */
  windowEnd: number;
  max: number;
  amount: number;
}

export interface LimitHit {
  scope: LimitScope;
  limit: LimitName;
  /** The configured value, in the config's units (USD for cost). */
  max: number;
  retryAfterS: number;
}

const minuteMs = 60_000;
const dayMs = 86_400_000;
const microUsd = (usd: number) => Math.round(usd * 1e6);

const windows: Record<LimitName, number> = {
  requests_per_minute: minuteMs,
  tokens_per_minute: minuteMs,
  tokens_per_day: dayMs,
  cost_usd_per_day: dayMs,
};

/** Checked in this order, so the first hit reported is the same whatever the store. */
const order: readonly LimitName[] = [
  "requests_per_minute",
  "tokens_per_minute",
  "tokens_per_day",
  "cost_usd_per_day",
];

/** The counters a request with this estimate charges, for limits that are set. */
export function chargesFor(subjects: readonly Subject[], est: Estimate, now: number): Charge[] {
  const charges: Charge[] = [];
  for (const name of order) {
    for (const s of subjects) {
      const configured = s.limits[name];
      if (!(configured > 0)) continue;
      const len = windows[name];
      const start = Math.floor(now / len) * len;
      const max = name === "cost_usd_per_day" ? microUsd(configured) : configured;
      const raw = name === "requests_per_minute"
        ? 1
        : name === "cost_usd_per_day"
        ? microUsd(est.costUsd)
        : Math.ceil(est.tokens);
      charges.push({
        scope: s.scope,
        name,
        bucket: `${s.scope}|${s.id}|${name}|${start}`,
        windowEnd: start + len,
        max,
        // An estimate bigger than the whole limit still fits an empty window.
        amount: Math.min(Math.max(raw, 0), max),
      });
    }
  }
  return charges;
}

/** A charge fits when its counter is below the limit and the amount does not cross it. */
export function fits(current: number, c: Pick<Charge, "amount" | "max">): boolean {
  return current < c.max && current + c.amount <= c.max;
}

export function hitOf(c: Charge, now: number): LimitHit {
  return {
    scope: c.scope,
    limit: c.name,
    max: c.name === "cost_usd_per_day" ? c.max / 1e6 : c.max,
    retryAfterS: Math.max(1, Math.ceil((c.windowEnd - now) / 1000)),
  };
}

/**
 * What settling changes: for tokens and cost, the real amount replaces the reserved one (null
 * keeps the estimate: usage unknown is not usage zero). Requests stay counted.
 */
export function settlement(
  charges: readonly Charge[],
  actual: { tokens: number | null; costUsd: number | null },
): { bucket: string; windowEnd: number; delta: number }[] {
  const out = [];
  for (const c of charges) {
    if (c.name === "requests_per_minute") continue;
    const real = c.name === "cost_usd_per_day"
      ? (actual.costUsd === null ? null : microUsd(actual.costUsd))
      : actual.tokens;
    if (real === null || real === c.amount) continue;
    out.push({ bucket: c.bucket, windowEnd: c.windowEnd, delta: real - c.amount });
  }
  return out;
}

/** Where counters live: this process (`MemoryCounters`) or a shared database. */
export interface CounterStore {
  /** All charges are added, or none is and the first that does not fit is returned. */
  reserve(charges: readonly Charge[], now: number): Promise<Charge | null>;
  adjust(changes: readonly { bucket: string; windowEnd: number; delta: number }[]): Promise<void>;
}

/** In-process counters (one gateway process). Expired windows are swept once a minute. */
export class MemoryCounters implements CounterStore {
  readonly #counts = new Map<string, { value: number; windowEnd: number }>();
  #nextSweep = 0;

  reserveNow(charges: readonly Charge[], now: number): Charge | null {
    if (now >= this.#nextSweep) this.#sweep(now);
    for (const c of charges) {
      if (!fits(this.#counts.get(c.bucket)?.value ?? 0, c)) return c;
    }
    for (const c of charges) this.#add(c.bucket, c.windowEnd, c.amount);
    return null;
  }

  reserve(charges: readonly Charge[], now: number): Promise<Charge | null> {
    return Promise.resolve(this.reserveNow(charges, now));
  }

  adjust(changes: readonly { bucket: string; windowEnd: number; delta: number }[]): Promise<void> {
    for (const ch of changes) this.#add(ch.bucket, ch.windowEnd, ch.delta);
    return Promise.resolve();
  }

  value(bucket: string): number {
    return this.#counts.get(bucket)?.value ?? 0;
  }

  get size(): number {
    return this.#counts.size;
  }

  #add(bucket: string, windowEnd: number, delta: number): void {
    const entry = this.#counts.get(bucket);
    if (entry === undefined) {
      this.#counts.set(bucket, { value: Math.max(0, delta), windowEnd });
    } else entry.value = Math.max(0, entry.value + delta);
  }

  #sweep(now: number): void {
    for (const [k, v] of this.#counts) if (v.windowEnd <= now) this.#counts.delete(k);
    this.#nextSweep = now + minuteMs;
  }
}
