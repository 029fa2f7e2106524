/**
 * A provider's key pool as the policy core sees it: key ids with weights, optional rpm/tpm and
 * quota groups (the secrets stay with the proxy, looked up by id). A key is usable when neither
 * it nor its group is blocked (cooling down or disabled, in `RoutingState`) and its requests and
 * tokens of the last minute are under its rpm/tpm. The minute is a sliding window estimated from
 * two fixed windows (the previous one weighted by how much of it still overlaps): two counters
 * per key, whatever the traffic. Counts are per instance: with N instances, set each key's rpm to
 * its share, or let the shared 429 cooldowns catch the rest.
 */
import type { PoolKey } from "./types.ts";
import type { KeyScope } from "./state.ts";
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

export type KeyState = "usable" | "cooling" | "disabled" | "saturated";

export class KeyPool {
  readonly provider: string;
  readonly keys: readonly PoolKey[];
  readonly #requests = new Map<string, SlidingCount>();
  readonly #tokens = new Map<string, SlidingCount>();

  constructor(provider: string, keys: readonly PoolKey[]) {
    this.provider = provider;
    this.keys = keys;
    for (const k of keys) {
      this.#requests.set(k.id, new SlidingCount());
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
    if (key.rpm !== undefined && this.#requests.get(key.id)!.estimate(now) + 1 > key.rpm) {
      return "saturated";
    }
    if (key.tpm !== undefined && this.#tokens.get(key.id)!.estimate(now) >= key.tpm) {
      return "saturated";
    }
    return "usable";
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
    if (chosen !== null) this.#requests.get(chosen.id)!.add(1, now);
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
      : { requests: r.estimate(now), tokens: t.estimate(now) };
  }
}
