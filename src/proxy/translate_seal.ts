/**
 * The thinking state seal's keys and Chat id map for the proxy (issue 21, plan section 3):
 * state a provider made (Anthropic signatures, Gemini thought signatures, Responses encrypted
 * reasoning) travels through a client of another protocol sealed, and comes back to the provider
 * that made it. The key is derived from `translation.state_key`, or random for this process
 * (sealed state then does not survive a restart: `check` warns); kept across config reloads.
 */
import {
  chatCallPrefix,
  deriveStateKey,
  MemoryStateMap,
  randomStateKey,
  sealPrefix,
  type StateKey,
  type StateMap,
} from "../providers/mod.ts";

/** Kept with the routing state across reloads: the keys by secret, and the Chat id map. */
export class StateSeals {
  readonly map: StateMap = new MemoryStateMap();
  readonly #keys = new Map<string, Promise<StateKey>>();

  /** The key of `secret` (null: this process's random one). A few generations are kept. */
  key(secret: string | null): Promise<StateKey> {
    const name = secret ?? "";
    let key = this.#keys.get(name);
    if (key === undefined) {
      // Bounded: reloads that change the secret again and again keep the latest few keys.
      if (this.#keys.size >= 4) this.#keys.delete(this.#keys.keys().next().value!);
      key = secret === null ? randomStateKey() : deriveStateKey(secret);
      this.#keys.set(name, key);
    }
    return key;
  }
}

/** What a route loop needs to seal: the shared seals and this config's secret. */
export interface SealDeps {
  seals: StateSeals;
  secret: string | null;
}

/** The prefixes the gateway's sealed values start with (state_seal.ts), as bytes to look for. */
const sealMarks = [sealPrefix, chatCallPrefix].map((m) => new TextEncoder().encode(m));

/** Whether the body holds a sealed value (a cheap byte search, before anything is decoded). */
export function carriesSeals(body: Uint8Array): boolean {
  return sealMarks.some((mark) => indexOfBytes(body, mark) >= 0);
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  const first = needle[0]!;
  for (
    let i = hay.indexOf(first);
    i >= 0 && i <= hay.length - needle.length;
    i = hay.indexOf(first, i + 1)
  ) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}
