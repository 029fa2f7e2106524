/** Shared by the state seal tests: a fixed key, fixed IVs, contexts and IR answers. */
import {
  deriveStateKey,
  MemoryStateMap,
  Notes,
  type OpaqueState,
  type Protocol,
  type Response,
  type SealContext,
  type StateMap,
} from "../../../src/providers/translate/mod.ts";

export const testSecret = "a test secret of the thinking state seal";
export const key = await deriveStateKey(testSecret);

/** Deterministic "random" bytes: 1, 2, 3, … from `seed`, so every run seals the same bytes. */
export function fixedRandom(seed = 1): (n: number) => Uint8Array<ArrayBuffer> {
  let c = seed;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = c++ & 0xff;
    return out;
  };
}

export function sealCtx(
  client: Protocol,
  over: Partial<SealContext> & { stateMap?: StateMap } = {},
): SealContext {
  return {
    key,
    client,
    scope: { tenant: "tenant-a", route: "route-1" },
    notes: new Notes(),
    stateMap: new MemoryStateMap(),
    random: fixedRandom(),
    model: null,
    ...over,
  };
}

export function state(origin: Protocol, value: string, model: string | null = null): OpaqueState {
  return { origin, model, value, itemId: null };
}

export function answer(model: string, content: Response["content"]): Response {
  return {
    id: "resp_1",
    model,
    content,
    stopReason: "tool_use",
    providerStopReason: null,
    stopSequence: null,
    usage: {
      inputTokens: 10,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 5,
      reasoningTokens: null,
    },
  };
}

export function call(id: string, s: OpaqueState | null = null): Response["content"][number] {
  return {
    type: "tool_call",
    id,
    name: "read",
    arguments: { path: "a" },
    argumentsText: '{"path":"a"}',
    state: s,
  };
}

export function codes(notes: Notes): string[] {
  return notes.list.map((n) => `${n.code} ${n.field}`);
}
