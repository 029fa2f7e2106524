/**
 * The gateway's limiter: effective limits per key (the key's own over `limits.per_key`) and per
 * workspace, an estimate reserved before forwarding, settled with the real usage afterwards.
 */
import {
  type Charge,
  chargesFor,
  type CounterStore,
  type Estimate,
  hitOf,
  type LimitHit,
  type LimitSet,
  settlement,
  type Subject,
} from "./core.ts";

/** Limits as written in the config (`limits.per_key`, `limits.per_workspace`, a key's own). */
export interface ConfigLimits {
  requests_per_minute?: number | undefined;
  tokens_per_minute?: number | undefined;
  max_tokens_per_day?: number | undefined;
  cost_usd_per_day?: number | undefined;
  max_cost_usd_per_day?: number | undefined;
}

export function limitSetOf(l: ConfigLimits): LimitSet {
  return {
    requests_per_minute: l.requests_per_minute ?? 0,
    tokens_per_minute: l.tokens_per_minute ?? 0,
    tokens_per_day: l.max_tokens_per_day ?? 0,
    cost_usd_per_day: l.cost_usd_per_day || l.max_cost_usd_per_day || 0,
  };
}

/** A key's own limits replace the per-key defaults one by one. */
export function keyLimitSet(perKey: ConfigLimits, own: ConfigLimits | undefined): LimitSet {
  const base = limitSetOf(perKey);
  if (own === undefined) return base;
  const mine = limitSetOf(own);
  const cost = own.cost_usd_per_day ?? own.max_cost_usd_per_day;
  return {
    requests_per_minute: own.requests_per_minute ?? base.requests_per_minute,
    tokens_per_minute: own.tokens_per_minute ?? base.tokens_per_minute,
    tokens_per_day: own.max_tokens_per_day ?? base.tokens_per_day,
    cost_usd_per_day: cost === undefined ? base.cost_usd_per_day : mine.cost_usd_per_day,
  };
}

export function anyLimit(l: LimitSet): boolean {
  return Object.values(l).some((v) => v > 0);
}

export interface Who {
  orgId: string;
  workspaceId: string;
  keyId: string;
  /** The key's own limits, when it has any. */
  keyLimits?: ConfigLimits | undefined;
}

export interface Reservation {
  /** Replaces the estimate with real usage; null for what is unknown. Call once. */
  settle(actual: { tokens: number | null; costUsd: number | null }): void;
}

export type Admission = { ok: true; reservation: Reservation } | { ok: false; hit: LimitHit };

/** Tokens reserved for the answer when the request sets no `max_tokens`. */
export const defaultOutputTokens = 1024;

export class Limiter {
  readonly #perKey: ConfigLimits;
  readonly #perWorkspace: LimitSet;
  readonly #store: CounterStore;
  readonly #onError: (err: unknown) => void;

  constructor(
    limits: { per_key: ConfigLimits; per_workspace: ConfigLimits },
    store: CounterStore,
    onError: (err: unknown) => void = () => {},
  ) {
    this.#perKey = limits.per_key;
    this.#perWorkspace = limitSetOf(limits.per_workspace);
    this.#store = store;
    this.#onError = onError;
  }

  subjects(who: Who): Subject[] {
    const out: Subject[] = [];
    const key = keyLimitSet(this.#perKey, who.keyLimits);
    if (anyLimit(key)) {
      out.push({ scope: "key", id: `${who.orgId}|${who.keyId}`, limits: key });
    }
    if (anyLimit(this.#perWorkspace)) {
      out.push({
        scope: "workspace",
        id: `${who.orgId}|${who.workspaceId}`,
        limits: this.#perWorkspace,
      });
    }
    return out;
  }

  async admit(who: Who, estimate: Estimate, now: number): Promise<Admission> {
    const charges: Charge[] = chargesFor(this.subjects(who), estimate, now);
    if (charges.length === 0) return { ok: true, reservation: { settle: () => {} } };
    const hit = await this.#store.reserve(charges, now);
    if (hit !== null) return { ok: false, hit: hitOf(hit, now) };
    let settled = false;
    return {
      ok: true,
      reservation: {
        settle: (actual) => {
          if (settled) return;
          settled = true;
          const changes = settlement(charges, actual);
          if (changes.length > 0) this.#store.adjust(changes).catch(this.#onError);
        },
      },
    };
  }
}
