/**
 * The thinking state seal's keys and Chat id map for the proxy (issue 21, plan section 3):
 * state a provider made (Anthropic signatures, Gemini thought signatures, Responses encrypted
 * reasoning) travels through a client of another protocol sealed, and comes back to the provider
 * that made it. The key is derived from `translation.state_key`, or random for this process
 * (sealed state then does not survive a restart: `check` warns); kept across config reloads.
 */
import {
  carriesSealedSlots,
  chatCallPrefix,
  type ClientProtocol,
  deriveStateKey,
  MemoryStateMap,
  randomStateKey,
  sealPrefix,
  type StateKey,
  type StateMap,
  storedTurnPrefix,
  withoutSeals,
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

/** The prefixes of the gateway's own values in a client's request, as bytes to look for first. */
const marks = [sealPrefix, chatCallPrefix, storedTurnPrefix].map((m) =>
  new TextEncoder().encode(m)
);

/**
 * What a client gives back of the gateway's own making, for a target of its own protocol (a
 * fallback after another protocol answered an earlier turn): sealed state in its slots (left out
 * for that target, state_seal_passthrough.ts), or a `previous_response_id` of the gateway's
 * response store (the conversation is sent whole instead). A byte search first, so a request
 * without any pays for no parse; then the slots themselves, so a message that mentions "og1."
 * is not mistaken for one.
 */
export interface GatewayMade {
  /** The request without its sealed values (null: it has none). */
  unsealed: Record<string, unknown> | null;
  /** `previous_response_id` names a turn of the gateway's response store. */
  storedTurn: boolean;
}

export function gatewayMade(client: ClientProtocol, body: Uint8Array | null): GatewayMade {
  const none = { unsealed: null, storedTurn: false };
  if (body === null || !marks.some((m) => indexOfBytes(body, m) >= 0)) return none;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return none;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return none;
  const o = parsed as Record<string, unknown>;
  const previous = o["previous_response_id"];
  return {
    unsealed: carriesSealedSlots(client, o) ? withoutSeals(client, o) : null,
    storedTurn: client === "openai.responses" && typeof previous === "string" &&
      previous.startsWith(storedTurnPrefix),
  };
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
