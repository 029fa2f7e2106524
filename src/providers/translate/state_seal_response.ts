/**
 * Before a client encode: every state of another protocol goes into the client protocol's slot
 * (plan section 3's table). Anthropic: a thinking block's `signature`, `redacted_thinking.data`,
 * and for a tool call's own state (Gemini's signature on a functionCall) an empty thinking block
 * right before the call. Responses: a reasoning item's `encrypted_content`, the same empty item
 * before a call. Chat: the tool call id (state_seal_chat.ts); thinking state with no tool call
 * after it has no slot and is dropped by the Chat encoder, noted. Gemini and Bedrock clients are
 * not in the matrix: their states pass unchanged and their encoders drop foreign ones, noted.
 *
 * Codecs know nothing of this: the sealed value is handed to them as the client protocol's own
 * state (origin = client protocol, model null), which is what they show.
 */
import type { ContentBlock, OpaqueState, Protocol, Response, ThinkingBlock } from "./ir.ts";
import {
  maxSealedChars,
  maxSealedStates,
  type SealContext,
  type SealedKind,
  sealState,
} from "./state_seal.ts";
import { type CarriedBlock, stashChatCall } from "./state_seal_chat.ts";

/** Client protocols whose own fields carry a sealed value. */
export function slotCarrier(client: Protocol): boolean {
  return client === "anthropic.messages" || client === "openai.responses";
}

/** How many more states this answer may seal (`maxSealedStates`). */
export interface Budget {
  left: number;
}

export function newBudget(): Budget {
  return { left: maxSealedStates };
}

/** The model that made the state: the decoders leave it null, the seal records it. */
export function withModel(state: OpaqueState, model: string | null): OpaqueState {
  return state.model === null && model !== null ? { ...state, model } : state;
}

export function foreign(state: OpaqueState | null, ctx: SealContext): state is OpaqueState {
  return state !== null && state.origin !== ctx.client;
}

/** The client-native state holding the seal, or null (noted) when over a bound. */
export async function sealOne(
  ctx: SealContext,
  state: OpaqueState,
  kind: SealedKind,
  model: string | null,
  budget: Budget,
  field: string,
): Promise<OpaqueState | null> {
  if (budget.left <= 0) {
    ctx.notes.add(
      "thinking_state_dropped",
      field,
      `more than ${maxSealedStates} thinking states in one answer`,
    );
    return null;
  }
  const value = await sealState(ctx, withModel(state, model), kind);
  if (value.length > maxSealedChars) {
    ctx.notes.add(
      "thinking_state_dropped",
      field,
      `state of ${state.origin} over ${maxSealedChars} characters once sealed`,
    );
    return null;
  }
  budget.left--;
  return { origin: ctx.client, model: null, value, itemId: null };
}

/** The empty thinking block that carries a tool call's own state for slot clients. */
export function callCarrier(client: Protocol, state: OpaqueState): ThinkingBlock {
  const kind = client === "anthropic.messages" ? "full" : "summary";
  return { type: "thinking", text: "", kind, state };
}

async function sealSlotBlocks(
  blocks: ContentBlock[],
  ctx: SealContext,
  model: string,
  budget: Budget,
): Promise<ContentBlock[]> {
  const out: ContentBlock[] = [];
  for (const [j, b] of blocks.entries()) {
    const field = `content[${j}]`;
    if (b.type === "thinking" && foreign(b.state, ctx)) {
      out.push({ ...b, state: await sealOne(ctx, b.state, "thinking", model, budget, field) });
    } else if (b.type === "redacted_thinking" && foreign(b.state, ctx)) {
      const state = await sealOne(ctx, b.state, "redacted", model, budget, field);
      if (state !== null) out.push({ ...b, state });
    } else if (b.type === "tool_call" && foreign(b.state, ctx)) {
      const state = await sealOne(ctx, b.state, "call", model, budget, field);
      if (state !== null) out.push(callCarrier(ctx.client, state));
      out.push({ ...b, state: null });
    } else out.push(b);
  }
  return out;
}

/** A count of states a Chat record holds, for the budget. */
function recordSize(pending: CarriedBlock[], own: OpaqueState | null): number {
  return pending.filter((b) => b.state !== null).length + (own === null ? 0 : 1);
}

async function sealChatBlocks(
  blocks: ContentBlock[],
  ctx: SealContext,
  model: string,
  budget: Budget,
): Promise<ContentBlock[]> {
  const out: ContentBlock[] = [];
  let pending: CarriedBlock[] = [];
  let firstPending = -1;
  for (const [j, b] of blocks.entries()) {
    if ((b.type === "thinking" || b.type === "redacted_thinking") && foreign(b.state, ctx)) {
      if (firstPending < 0) firstPending = j;
      pending.push({ ...b, state: withModel(b.state, model) });
      // The text still reaches the client (the dialect's reasoning field); the state rides on
      // the next tool call's id.
      if (b.type === "thinking") out.push({ ...b, state: null });
      continue;
    }
    if (b.type !== "tool_call") {
      out.push(b);
      continue;
    }
    const own = foreign(b.state, ctx) ? withModel(b.state, model) : null;
    if (pending.length === 0 && own === null) {
      out.push(b);
      continue;
    }
    const id = await chatCallId(ctx, { id: b.id, state: own, blocks: pending }, budget, j);
    out.push({ ...b, id: id ?? b.id, state: null });
    pending = [];
    firstPending = -1;
  }
  if (pending.length > 0) {
    ctx.notes.add(
      "thinking_state_dropped",
      `content[${firstPending}]`,
      "Chat carries thinking state only on a tool call that follows it",
    );
  }
  return out;
}

export async function chatCallId(
  ctx: SealContext,
  record: { id: string; state: OpaqueState | null; blocks: CarriedBlock[] },
  budget: Budget,
  j: number,
): Promise<string | null> {
  const field = `content[${j}].id`;
  const size = recordSize(record.blocks, record.state);
  if (budget.left < size) {
    ctx.notes.add(
      "thinking_state_dropped",
      field,
      `more than ${maxSealedStates} thinking states in one answer`,
    );
    return null;
  }
  const id = await stashChatCall(ctx, record);
  if (id === null) {
    ctx.notes.add(
      "thinking_state_dropped",
      field,
      `thinking state over ${maxSealedChars} characters once sealed`,
    );
    return null;
  }
  budget.left -= size;
  return id;
}

export function sealBlocks(
  blocks: ContentBlock[],
  ctx: SealContext,
  model: string,
  budget: Budget = newBudget(),
): Promise<ContentBlock[]> {
  if (ctx.client === "openai.chat") return sealChatBlocks(blocks, ctx, model, budget);
  if (slotCarrier(ctx.client)) return sealSlotBlocks(blocks, ctx, model, budget);
  return Promise.resolve(blocks);
}

/** The answer with every foreign state sealed into the client's slot (or dropped, noted). */
export async function sealResponse(res: Response, ctx: SealContext): Promise<Response> {
  const content = await sealBlocks(res.content, ctx, ctx.model ?? res.model);
  return { ...res, content };
}
