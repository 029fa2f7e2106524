/**
 * The Chat carrier (plan section 3's table): Chat has no field for thinking state, but clients
 * echo `tool_calls[].id` and `tool_call_id` verbatim. A tool call that carries state gets a minted
 * id (`call_og1_…`, 37 characters: OpenAI's 40-character limit leaves no room for the seal itself)
 * and the sealed record waits in the `StateMap`: the call's original id, its own state (Gemini's
 * signature on a functionCall) and the thinking blocks that came before it in the answer (text and
 * state: Anthropic checks that a signed thinking block comes back unchanged inside a tool loop).
 */
import type { OpaqueState, RedactedThinkingBlock, ThinkingBlock } from "./ir.ts";
import {
  callIdIssued,
  maxSealedChars,
  mintCallId,
  openText,
  type SealContext,
  sealText,
  stateJson,
  stateOfJson,
} from "./state_seal.ts";

export type CarriedBlock = ThinkingBlock | RedactedThinkingBlock;

export interface ChatRecord {
  /** The id the upstream gave the call. */
  id: string;
  state: OpaqueState | null;
  /** Thinking and redacted blocks of the answer before this call, with their real states. */
  blocks: CarriedBlock[];
}

export type Fetched =
  | { kind: "found"; record: ChatRecord }
  /** Minted here for this tenant and route, but the map no longer holds it. */
  | { kind: "expired" }
  /** Not minted by this gateway for this tenant and route. */
  | { kind: "forged" };

function recordJson(r: ChatRecord): unknown {
  return {
    c: 1,
    id: r.id,
    s: r.state === null ? null : stateJson(r.state),
    b: r.blocks.map((b) =>
      b.type === "redacted_thinking"
        ? { r: stateJson(b.state) }
        : { t: b.text, k: b.kind, s: b.state === null ? null : stateJson(b.state) }
    ),
  };
}

function blockOfJson(v: unknown): CarriedBlock | null {
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  if ("r" in o) {
    const state = stateOfJson(o["r"]);
    return state === null ? null : { type: "redacted_thinking", state };
  }
  const kind = o["k"];
  if (typeof o["t"] !== "string" || (kind !== "full" && kind !== "summary")) return null;
  const state = o["s"] === null ? null : stateOfJson(o["s"]);
  if (o["s"] !== null && state === null) return null;
  return { type: "thinking", text: o["t"], kind, state };
}

function recordOfJson(v: unknown): ChatRecord | null {
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  if (o["c"] !== 1 || typeof o["id"] !== "string" || !Array.isArray(o["b"])) return null;
  const state = o["s"] === null ? null : stateOfJson(o["s"]);
  if (o["s"] !== null && state === null) return null;
  const blocks: CarriedBlock[] = [];
  for (const b of o["b"]) {
    const block = blockOfJson(b);
    if (block === null) return null;
    blocks.push(block);
  }
  return { id: o["id"], state, blocks };
}

/** The id the client gets for this call, or null when the record is over `maxSealedChars`. */
export async function stashChatCall(ctx: SealContext, record: ChatRecord): Promise<string | null> {
  const sealed = await sealText(ctx.key, ctx.scope, JSON.stringify(recordJson(record)), ctx.random);
  if (sealed.length > maxSealedChars) return null;
  const id = await mintCallId(ctx);
  await ctx.stateMap.put({ tenant: ctx.scope.tenant, route: ctx.scope.route, id }, sealed);
  return id;
}

export async function fetchChatCall(ctx: SealContext, id: string): Promise<Fetched> {
  const issued = await callIdIssued(ctx, id);
  if (issued === "forged") return { kind: "forged" };
  // Minted under another key: a restart without `translation.state_key`; the same as gone.
  if (issued === "other_key") return { kind: "expired" };
  const sealed = await ctx.stateMap.get({ tenant: ctx.scope.tenant, route: ctx.scope.route, id });
  const opened = sealed === null ? null : await openText(ctx.key, ctx.scope, sealed);
  if (opened?.kind !== "opened") return { kind: "expired" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(opened.text);
  } catch {
    return { kind: "expired" };
  }
  const record = recordOfJson(parsed);
  return record === null ? { kind: "expired" } : { kind: "found", record };
}
