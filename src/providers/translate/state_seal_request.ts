/**
 * After a client decode: every sealed value the client gave back is opened into the state it
 * stands for, with its real origin and model, so the upstream encoder sends it back to the
 * provider (and model) that made it and drops it, noted, for any other (plan section 3). A value
 * that does not open for this tenant and route is a 400 naming its field. Chat tool call ids
 * minted by the gateway get their original id back, on the call and on its results.
 */
import type { ContentBlock, Message, OpaqueState, Protocol, Request } from "./ir.ts";
import { TranslationError } from "./notes.ts";
import {
  callIdIssued,
  chatCallPrefix,
  isSealed,
  maxSealedStates,
  notIssued,
  openState,
  type SealContext,
} from "./state_seal.ts";
import { fetchChatCall } from "./state_seal_chat.ts";
import { slotCarrier } from "./state_seal_response.ts";

/** The client's wire name of the slot, for the 400's field. */
function slotName(client: Protocol, type: "thinking" | "redacted_thinking"): string {
  if (client === "openai.responses") return "encrypted_content";
  return type === "thinking" ? "signature" : "data";
}

/** The oldest sealed values beyond `maxSealedStates` are not opened (noted once): only the
 *  current tool loop needs its state, and each opening costs a decryption. */
class Skipper {
  #left: number;
  #noted = false;
  constructor(readonly excess: number) {
    this.#left = excess;
  }
  skip(ctx: SealContext, field: string): boolean {
    if (this.#left <= 0) return false;
    this.#left--;
    if (!this.#noted) {
      this.#noted = true;
      ctx.notes.add(
        "thinking_state_dropped",
        field,
        `more than ${maxSealedStates} sealed thinking states in one request: the oldest ` +
          `${this.excess} were not opened`,
      );
    }
    return true;
  }
}

function countSites(ir: Request, client: Protocol): number {
  let n = 0;
  for (const m of ir.messages) {
    for (const b of m.content) {
      if (client === "openai.chat") {
        if (b.type === "tool_call" && b.id.startsWith(chatCallPrefix)) n++;
      } else if (
        (b.type === "thinking" || b.type === "redacted_thinking") && isSealed(b.state, client)
      ) n++;
    }
  }
  return n;
}

async function unsealSlotMessage(
  m: Message,
  i: number,
  ctx: SealContext,
  skipper: Skipper,
): Promise<Message> {
  const out: ContentBlock[] = [];
  let carried: { state: OpaqueState; field: string } | null = null;
  for (const [j, b] of m.content.entries()) {
    if (b.type === "tool_call" && carried !== null) {
      out.push({ ...b, state: carried.state });
      carried = null;
      continue;
    }
    if (
      (b.type !== "thinking" && b.type !== "redacted_thinking") || !isSealed(b.state, ctx.client)
    ) {
      out.push(b);
      continue;
    }
    const field = `messages[${i}].content[${j}].${slotName(ctx.client, b.type)}`;
    const text = b.type === "thinking" ? b.text : "";
    const kind = b.type === "thinking" ? b.kind : "full";
    if (skipper.skip(ctx, field)) {
      if (text !== "") out.push({ type: "thinking", text, kind, state: null });
      continue;
    }
    const opened = await openState(ctx, b.state.value);
    if (opened === null) throw new TranslationError(field, notIssued);
    if (opened === "other_key") {
      otherKey(ctx, field);
      if (text !== "") out.push({ type: "thinking", text, kind, state: null });
      continue;
    }
    if (opened.kind === "thinking") {
      out.push({ type: "thinking", text, kind, state: opened.state });
      continue;
    }
    // A Responses item gathers stateless summaries before the state: they stay, stateless.
    if (text !== "") out.push({ type: "thinking", text, kind, state: null });
    if (opened.kind === "redacted") out.push({ type: "redacted_thinking", state: opened.state });
    else {
      if (carried !== null) dropCarried(ctx, carried.field);
      carried = { state: opened.state, field };
    }
  }
  if (carried !== null) dropCarried(ctx, carried.field);
  return { ...m, content: out };
}

function otherKey(ctx: SealContext, field: string): void {
  ctx.notes.add(
    "thinking_state_dropped",
    field,
    "sealed under another key (a restart without translation.state_key, or a changed key)",
  );
}

function dropCarried(ctx: SealContext, field: string): void {
  ctx.notes.add("thinking_state_dropped", field, "a tool call's state came back without its call");
}

async function unsealChatAssistant(
  m: Message,
  i: number,
  ctx: SealContext,
  ids: Map<string, string>,
  skipper: Skipper,
): Promise<Message> {
  const out: ContentBlock[] = [];
  let segment = 0;
  for (const [j, b] of m.content.entries()) {
    if (b.type !== "tool_call" || !b.id.startsWith(chatCallPrefix)) {
      out.push(b);
      continue;
    }
    const field = `messages[${i}].content[${j}].id`;
    if (skipper.skip(ctx, field)) {
      ids.set(b.id, b.id);
      out.push(b);
      segment = out.length;
      continue;
    }
    const fetched = await fetchChatCall(ctx, b.id);
    if (fetched.kind === "forged") throw new TranslationError(field, notIssued);
    if (fetched.kind === "expired") {
      ctx.notes.add(
        "thinking_state_dropped",
        field,
        "the gateway no longer holds this tool call's state (restart, another instance or " +
          "evicted); the call keeps the gateway's id",
      );
      ids.set(b.id, b.id);
      out.push(b);
      segment = out.length;
      continue;
    }
    const r = fetched.record;
    ids.set(b.id, r.id);
    if (r.blocks.length > 0) {
      // The thinking text a client echoed (a reasoning field) is replaced by the blocks kept.
      const rest = out.splice(segment).filter((x) => !(x.type === "thinking" && x.state === null));
      out.push(...r.blocks, ...rest);
    }
    out.push({ ...b, id: r.id, state: r.state });
    segment = out.length;
  }
  return { ...m, content: out };
}

async function restoreResults(
  m: Message,
  i: number,
  ctx: SealContext,
  ids: Map<string, string>,
): Promise<Message> {
  const out: ContentBlock[] = [];
  for (const [j, b] of m.content.entries()) {
    if (b.type !== "tool_result" || !b.callId.startsWith(chatCallPrefix)) {
      out.push(b);
      continue;
    }
    let id = ids.get(b.callId);
    if (id === undefined) {
      // A result whose call is not in this request: its id must still be one issued here.
      if ((await callIdIssued(ctx, b.callId)) === "forged") {
        throw new TranslationError(`messages[${i}].content[${j}].tool_call_id`, notIssued);
      }
      const fetched = await fetchChatCall(ctx, b.callId);
      id = fetched.kind === "found" ? fetched.record.id : b.callId;
      ids.set(b.callId, id);
    }
    out.push({ ...b, callId: id });
  }
  return { ...m, content: out };
}

/** The request with every sealed value opened (a `TranslationError` for one that does not). */
export async function unsealRequest(ir: Request, ctx: SealContext): Promise<Request> {
  if (ctx.client !== "openai.chat" && !slotCarrier(ctx.client)) return ir;
  const skipper = new Skipper(Math.max(0, countSites(ir, ctx.client) - maxSealedStates));
  const messages: Message[] = [];
  const ids = new Map<string, string>();
  for (const [i, m] of ir.messages.entries()) {
    if (ctx.client !== "openai.chat") messages.push(await unsealSlotMessage(m, i, ctx, skipper));
    else if (m.role === "assistant") {
      messages.push(await unsealChatAssistant(m, i, ctx, ids, skipper));
    } else messages.push(await restoreResults(m, i, ctx, ids));
  }
  return { ...ir, messages };
}
