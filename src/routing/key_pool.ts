/**
 * A provider's key pool as the policy core sees it: key ids with weights, optional rpm/tpm and
 * quota groups (the secrets stay with the proxy, looked up by id). A key is usable when neither
 * it nor its group is blocked (cooling down or disabled, in `RoutingState`) and its requests and
 * tokens of the last minute are under its rpm/tpm. Requests are counted exactly (the times of
 * the last `rpm` requests, a ring of at most `maxExactRpm`), so a key is never sent one more than
 * its limit in any minute, and a pool of N keys at R rpm sustains N x R evenly spaced requests a
 * minute; tokens (known only after an answer) by a sliding window estimated from two fixed
 * windows: two counters per key whatever the traffic. Counts are per instance: with N instances,
 * set each key's rpm to its share, or let the shared 429 cooldowns catch the rest.
 *
 * The counts live in a `KeyUsage` that outlives the pool: a pool is rebuilt with every config
 * generation, and a reload in the middle of a minute must not give a key a fresh rpm window.
 */
import type { PoolKey } from "./types.ts";
import type { KeyBlock, KeyScope } from "./state.ts";
import { pickWeighted } from "./weighted.ts";

export const windowMs = 60_000;

/** Requests or tokens in the last `windowMs`, estimated from two fixed windows. */
export class SlidingCount {
  #start = 0;
  #current = 0;
  #previous = 0;

  #roll(now: number): void {
    const index = Math.floor(now / windowMs) * windowMs;
    if (index === this.#start) return;
    this.#previous = index - this.#start === windowMs ? this.#current : 0;
    this.#current = 0;
    this.#start = index;
  }

  add(amount: number, now: number): void {
    this.#roll(now);
    if (Number.isFinite(amount) && amount > 0) this.#current += amount;
  }

  estimate(now: number): number {
    this.#roll(now);
    const overlap = 1 - (now - this.#start) / windowMs;
    return this.#previous * overlap + this.#current;
  }
}

/** The times of the last `capacity` events: how many fell in the last `windowMs`, exactly. */
export class SlidingLog {
  readonly #times: Float64Array;
  #head = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#times = new Float64Array(Math.max(1, Math.floor(capacity)));
  }

  count(now: number): number {
    const cap = this.#times.length;
    while (this.#size > 0 && this.#times[this.#head]! <= now - windowMs) {
      this.#head = (this.#head + 1) % cap;
      this.#size--;
    }
    return this.#size;
  }

  /** When fewer than `limit` events will be in the window (now, if already). */
  freeAt(limit: number, now: number): number {
    const n = this.count(now);
    if (n < limit) return now;
    const oldestToGo = this.#times[(this.#head + n - Math.max(1, limit)) % this.#times.length]!;
    return oldestToGo + windowMs;
  }

  get capacity(): number {
    return this.#times.length;
  }

  /** The same times in a ring of `capacity` (the newest kept when it is smaller). */
  resized(capacity: number): SlidingLog {
    const next = new SlidingLog(capacity);
    const cap = this.#times.length;
    const keep = Math.min(this.#size, next.capacity);
    for (let i = this.#size - keep; i < this.#size; i++) {
      next.add(this.#times[(this.#head + i) % cap]!);
    }
    return next;
  }

  add(now: number): void {
    const cap = this.#times.length;
    if (this.#size === cap) {
      this.#head = (this.#head + 1) % cap;
      this.#size--;
    }
    this.#times[(this.#head + this.#size) % cap] = now;
    this.#size++;
  }
}

/** Above this rpm a key's requests are estimated like its tokens (8 bytes a slot: 80 KB a key). */
export const maxExactRpm = 10_000;

interface RequestCounter {
  add(now: number): void;
  count(now: number): number;
  /** null: not known (an estimate). */
  freeAt(limit: number, now: number): number | null;
}

/** Whether `counter` can hold a key's requests under `rpm` (an exact log must reach it). */
function fits(counter: RequestCounter, rpm: number | undefined): boolean {
  if (rpm === undefined) return true;
  if (rpm <= maxExactRpm) return counter instanceof SlidingLog && counter.capacity >= rpm;
  return !(counter instanceof SlidingLog);
}

/**
 * Exact up to `maxExactRpm` (a ring of the last `rpm` times), estimated above or without rpm.
 * `was`: the key's counter so far, kept when it fits the rpm, else converted with its count.
 */
function requestCounter(rpm: number | undefined, was: RequestCounter | null): RequestCounter {
  if (was !== null && fits(was, rpm)) return was;
  if (rpm !== undefined && rpm <= maxExactRpm) {
    if (was instanceof SlidingLog) return was.resized(rpm);
    return was === null ? new SlidingLog(rpm) : new SeededLog(rpm, was);
  }
  // An estimate, from an exact log's count when there was one: its requests of the last minute
  // count as sent at the first moment it is asked (the safe side, as in `SeededLog`).
  const c = new SlidingCount();
  let seed = was;
  const seeded = (now: number) => {
    if (seed === null) return;
    c.add(Math.round(seed.count(now)), now);
    seed = null;
  };
  return {
    add: (now) => {
      seeded(now);
      c.add(1, now);
    },
    count: (now) => {
      seeded(now);
      return c.estimate(now);
    },
    freeAt: (limit, now) => {
      seeded(now);
      return c.estimate(now) < limit ? now : null;
    },
  };
}

/**
 * An exact log that replaces an estimate (a key's rpm lowered under `maxExactRpm` by a reload):
 * the estimate's requests of the last minute count as sent at the first moment it is asked
 * (the safe side: none of them frees a slot before a minute has passed).
 */
class SeededLog extends SlidingLog {
  #seed: RequestCounter | null;

  constructor(capacity: number, seed: RequestCounter) {
    super(capacity);
    this.#seed = seed;
  }

  #apply(now: number): void {
    if (this.#seed === null) return;
    const n = Math.min(this.capacity, Math.round(this.#seed.count(now)));
    this.#seed = null;
    for (let i = 0; i < n; i++) super.add(now);
  }

  override count(now: number): number {
    this.#apply(now);
    return super.count(now);
  }

  override add(now: number): void {
    this.#apply(now);
    super.add(now);
  }

  override resized(capacity: number): SlidingLog {
    return this.#seed === null ? super.resized(capacity) : new SeededLog(capacity, this.#seed);
  }
}

/** One key's counts: requests and tokens of the last minute. */
interface KeyCounts {
  requests: RequestCounter;
  tokens: SlidingCount;
}

/**
 * Every pool key's counts, by provider and key id, kept across config generations (one per
 * process). A generation's pools `adopt` their keys (a key whose rpm changed keeps its window:
 * the new limit applies to the requests already counted), then `retain` drops the counts of keys
 * no config names any more. Bounded by the config: at most 64 keys a provider.
 */
export class KeyUsage {
  readonly #keys = new Map<string, KeyCounts>();

  /** The key's counts, created or adapted to its rpm. */
  adopt(provider: string, key: PoolKey): void {
    const id = usageId(provider, key.id);
    const was = this.#keys.get(id);
    const requests = requestCounter(key.rpm, was?.requests ?? null);
    this.#keys.set(id, { requests, tokens: was?.tokens ?? new SlidingCount() });
  }

  /** undefined: not adopted, or dropped by `retain`. */
  get(provider: string, keyId: string): KeyCounts | undefined {
    return this.#keys.get(usageId(provider, keyId));
  }

  /** Drops the counts of every key not in `pools`. */
  retain(pools: Iterable<{ provider: string; keys: readonly PoolKey[] }>): void {
    const kept = new Set<string>();
    for (const p of pools) for (const k of p.keys) kept.add(usageId(p.provider, k.id));
    for (const id of [...this.#keys.keys()]) if (!kept.has(id)) this.#keys.delete(id);
  }

  get size(): number {
    return this.#keys.size;
  }
}

function usageId(provider: string, keyId: string): string {
  return `${provider}/${keyId}`;
}

export type KeyState = "usable" | "cooling" | "disabled" | "saturated";

export class KeyPool {
  readonly provider: string;
  readonly keys: readonly PoolKey[];
  readonly usageStore: KeyUsage;

  /** `usage`: counts that outlive this pool (serve keeps one); default a fresh one. */
  constructor(provider: string, keys: readonly PoolKey[], usage: KeyUsage = new KeyUsage()) {
    this.provider = provider;
    this.keys = keys;
    this.usageStore = usage;
    for (const k of keys) usage.adopt(provider, k);
  }

  /**
   * The key's counts. Missing, or made for another rpm, when a generation that never served (a
   * reload refused after it was built) dropped or converted them: adopted again (counts kept),
   * so this pool keeps counting under its own limits.
   */
  #counts(key: PoolKey): KeyCounts {
    let c = this.usageStore.get(this.provider, key.id);
    if (c === undefined || !fits(c.requests, key.rpm)) {
      this.usageStore.adopt(this.provider, key);
      c = this.usageStore.get(this.provider, key.id)!;
    }
    return c;
  }

  scopes(key: PoolKey): KeyScope[] {
    const own: KeyScope = { kind: "key", provider: this.provider, id: key.id };
    return key.group === undefined
      ? [own]
      : [own, { kind: "group", provider: this.provider, id: key.group }];
  }

  /** Whether the key may be used now; `blocked` reads the routing state. */
  stateOf(
    key: PoolKey,
    now: number,
    blocked: (s: KeyScope) => "cooling" | "disabled" | null,
  ): KeyState {
    let cooling = false;
    for (const s of this.scopes(key)) {
      const b = blocked(s);
      if (b === "disabled") return "disabled";
      if (b === "cooling") cooling = true;
    }
    if (cooling) return "cooling";
    const counts = this.#counts(key);
    if (key.rpm !== undefined && counts.requests.count(now) >= key.rpm) {
      return "saturated";
    }
    if (key.tpm !== undefined && counts.tokens.estimate(now) >= key.tpm) {
      return "saturated";
    }
    return "usable";
  }

  /**
   * When the key will be usable again: now when it is; the end of its (or its group's) cooldown,
   * or of its rpm window; null when that is not known (disabled, or at its tpm).
   */
  availableAt(key: PoolKey, now: number, block: (s: KeyScope) => KeyBlock | null): number | null {
    let at = now;
    for (const s of this.scopes(key)) {
      const b = block(s);
      if (b?.state === "disabled") return null;
      if (b?.until !== null && b?.until !== undefined) at = Math.max(at, b.until);
    }
    const counts = this.#counts(key);
    if (key.rpm !== undefined) {
      const free = counts.requests.freeAt(key.rpm, now);
      if (free === null) return null;
      at = Math.max(at, free);
    }
    if (key.tpm !== undefined && counts.tokens.estimate(now) >= key.tpm) return null;
    return at;
  }

  /**
   * A usable key not in `exclude`, by weight; `preferred` (session affinity) when it is usable.
   * Counts one request against the chosen key. null: no key can be used now.
   */
  pick(
    now: number,
    random: () => number,
    blocked: (s: KeyScope) => "cooling" | "disabled" | null,
    exclude: ReadonlySet<string> = new Set(),
    preferred: string | null = null,
  ): PoolKey | null {
    const usable = this.keys.filter((k) =>
      !exclude.has(k.id) && this.stateOf(k, now, blocked) === "usable"
    );
    const chosen = usable.find((k) => k.id === preferred) ??
      pickWeighted(usable, (k) => k.weight, random);
    if (chosen !== null) this.#counts(chosen).requests.add(now);
    return chosen;
  }

  /** Tokens an attempt on the key used (known when its answer ends). */
  recordTokens(keyId: string, tokens: number, now: number): void {
    const key = this.keys.find((k) => k.id === keyId);
    if (key !== undefined) this.#counts(key).tokens.add(tokens, now);
  }

  usage(keyId: string, now: number): { requests: number; tokens: number } | null {
    const key = this.keys.find((k) => k.id === keyId);
    if (key === undefined) return null;
    const c = this.#counts(key);
    return { requests: c.requests.count(now), tokens: c.tokens.estimate(now) };
  }
}
