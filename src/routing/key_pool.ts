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

function requestCounter(rpm: number | undefined): RequestCounter {
  if (rpm !== undefined && rpm <= maxExactRpm) return new SlidingLog(rpm);
  const c = new SlidingCount();
  return {
    add: (now) => c.add(1, now),
    count: (now) => c.estimate(now),
    freeAt: (limit, now) => c.estimate(now) < limit ? now : null,
  };
}

export type KeyState = "usable" | "cooling" | "disabled" | "saturated";

export class KeyPool {
  readonly provider: string;
  readonly keys: readonly PoolKey[];
  readonly #requests = new Map<string, RequestCounter>();
  readonly #tokens = new Map<string, SlidingCount>();

  constructor(provider: string, keys: readonly PoolKey[]) {
    this.provider = provider;
    this.keys = keys;
    for (const k of keys) {
      this.#requests.set(k.id, requestCounter(k.rpm));
      this.#tokens.set(k.id, new SlidingCount());
    }
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
    if (key.rpm !== undefined && this.#requests.get(key.id)!.count(now) >= key.rpm) {
      return "saturated";
    }
    if (key.tpm !== undefined && this.#tokens.get(key.id)!.estimate(now) >= key.tpm) {
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
    if (key.rpm !== undefined) {
      const free = this.#requests.get(key.id)!.freeAt(key.rpm, now);
      if (free === null) return null;
      at = Math.max(at, free);
    }
    if (key.tpm !== undefined && this.#tokens.get(key.id)!.estimate(now) >= key.tpm) return null;
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
    if (chosen !== null) this.#requests.get(chosen.id)!.add(now);
    return chosen;
  }

  /** Tokens an attempt on the key used (known when its answer ends). */
  recordTokens(keyId: string, tokens: number, now: number): void {
    this.#tokens.get(keyId)?.add(tokens, now);
  }

  usage(keyId: string, now: number): { requests: number; tokens: number } | null {
    const r = this.#requests.get(keyId);
    const t = this.#tokens.get(keyId);
    return r === undefined || t === undefined
      ? null
      : { requests: r.count(now), tokens: t.estimate(now) };
  }
}
