/**
 * Where the state of a Chat tool call waits for the client's next turn. OpenAI caps a Chat tool
 * call id at 40 characters (plan section 11, T5), too short for a seal, so the id the client sees
 * is a short minted one (`call_og1_…`, state_seal.ts) and the sealed state is kept here, keyed by
 * tenant scope, route and that id. The values are sealed strings: a store that keeps them keeps
 * ciphertext, and opening one still checks the tenant and route.
 *
 * `MemoryStateMap` is the per-process implementation (bounded, least recently used out first); a
 * store-backed one shared by instances implements the same two calls.
 */

export interface StateMapKey {
  tenant: string;
  route: string;
  /** The minted Chat tool call id. */
  id: string;
}

export interface StateMap {
  put(key: StateMapKey, sealed: string): Promise<void>;
  /** Null when never put, evicted or expired. */
  get(key: StateMapKey): Promise<string | null>;
}

export interface MemoryStateMapLimits {
  /** Most entries kept. */
  maxEntries: number;
  /** Most characters of sealed values kept, all entries together. */
  maxChars: number;
}

export const defaultStateMapLimits: MemoryStateMapLimits = Object.freeze({
  maxEntries: 20_000,
  maxChars: 128 * 1024 * 1024,
});

function mapKey(k: StateMapKey): string {
  return `${encodeURIComponent(k.tenant)}|${encodeURIComponent(k.route)}|${k.id}`;
}

export class MemoryStateMap implements StateMap {
  readonly #entries = new Map<string, string>();
  #chars = 0;

  constructor(readonly limits: MemoryStateMapLimits = defaultStateMapLimits) {}

  get size(): number {
    return this.#entries.size;
  }

  put(key: StateMapKey, sealed: string): Promise<void> {
    const k = mapKey(key);
    this.#remove(k);
    if (sealed.length <= this.limits.maxChars) {
      this.#entries.set(k, sealed);
      this.#chars += sealed.length;
    }
    while (
      this.#entries.size > this.limits.maxEntries || this.#chars > this.limits.maxChars
    ) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#remove(oldest.value);
    }
    return Promise.resolve();
  }

  get(key: StateMapKey): Promise<string | null> {
    const k = mapKey(key);
    const value = this.#entries.get(k);
    if (value === undefined) return Promise.resolve(null);
    // Used again: it moves to the young end.
    this.#entries.delete(k);
    this.#entries.set(k, value);
    return Promise.resolve(value);
  }

  #remove(k: string): void {
    const old = this.#entries.get(k);
    if (old === undefined) return;
    this.#entries.delete(k);
    this.#chars -= old.length;
  }
}
