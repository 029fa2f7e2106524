/**
 * Session affinity: a session (an agent's session id, a `prompt_cache_key`) keeps its target and
 * pool key while they are healthy, so the provider's prompt cache (per provider and per key)
 * stays warm. A bounded LRU with an idle TTL, per instance. The caller builds the session key and
 * must scope it to the tenant, so that one tenant's ids never steer another's requests.
 */

export interface Affinity {
  /** "provider/model". */
  target: string;
  keyId: string | null;
}

/** Longer session keys are not remembered (clients choose them). */
export const maxSessionKeyChars = 512;

export class AffinityCache {
  readonly #entries = new Map<string, { value: Affinity; expires: number }>();
  readonly maxEntries: number;
  readonly ttlMs: number;

  constructor(options: { maxEntries?: number; ttlMs?: number } = {}) {
    this.maxEntries = options.maxEntries ?? 50_000;
    this.ttlMs = options.ttlMs ?? 30 * 60_000;
  }

  get(session: string, now: number): Affinity | null {
    const e = this.#entries.get(session);
    if (e === undefined) return null;
    if (e.expires <= now) {
      this.#entries.delete(session);
      return null;
    }
    // Recently used: last to be evicted.
    this.#entries.delete(session);
    this.#entries.set(session, e);
    return e.value;
  }

  /** Remembers (or refreshes) the session's target and key; the least recent goes when full. */
  set(session: string, value: Affinity, now: number): void {
    if (session.length === 0 || session.length > maxSessionKeyChars) return;
    this.#entries.delete(session);
    this.#entries.set(session, { value, expires: now + this.ttlMs });
    while (this.#entries.size > this.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  delete(session: string): void {
    this.#entries.delete(session);
  }

  get size(): number {
    return this.#entries.size;
  }
}
