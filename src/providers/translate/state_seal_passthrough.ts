/**
 * A request that gives back sealed state (state_seal.ts) to a target of the client's own
 * protocol: a fallback after a target of another protocol answered an earlier turn. Such a target
 * gets the client's request as it is (its headers, its key, every field), less the sealed values
 * it could never read: a sealed value always carries another provider's state. Found by slot, not
 * by a byte search, so a message that merely mentions "og1." is never touched.
 *
 * - Anthropic Messages: thinking and redacted thinking blocks whose signature or data is sealed
 *   are left out; when one was, `thinking` is turned off for the request (Anthropic refuses a tool
 *   loop whose thinking block is missing).
 * - OpenAI Responses: reasoning items whose `encrypted_content` is sealed are left out.
 * - OpenAI Chat: nothing (its sealed handles are tool call ids, which pair as they are).
 */
import type { ClientProtocol } from "./protocols.ts";
import { chatCallPrefix, sealPrefix } from "./state_seal.ts";
import { isObject, type Obj } from "./json.ts";

const sealed = (v: unknown): boolean => typeof v === "string" && v.startsWith(sealPrefix);

function sealedBlock(b: unknown): boolean {
  if (!isObject(b)) return false;
  if (b["type"] === "thinking") return sealed(b["signature"]);
  if (b["type"] === "redacted_thinking") return sealed(b["data"]);
  return false;
}

function sealedItem(i: unknown): boolean {
  return isObject(i) && i["type"] === "reasoning" && sealed(i["encrypted_content"]);
}

function chatSealed(m: unknown): boolean {
  if (!isObject(m)) return false;
  const id = m["tool_call_id"];
  if (typeof id === "string" && id.startsWith(chatCallPrefix)) return true;
  const calls = m["tool_calls"];
  return Array.isArray(calls) &&
    calls.some((c) => isObject(c) && String(c["id"] ?? "").startsWith(chatCallPrefix));
}

/** Whether the request gives back a value the gateway sealed, in one of its protocol's slots. */
export function carriesSealedSlots(client: ClientProtocol, body: unknown): boolean {
  if (!isObject(body)) return false;
  switch (client) {
    case "anthropic.messages":
    case "anthropic.count_tokens":
      return messagesOf(body, "messages").some((m) =>
        isObject(m) && Array.isArray(m["content"]) && m["content"].some(sealedBlock)
      );
    case "openai.responses":
      return messagesOf(body, "input").some(sealedItem);
    case "openai.chat":
      return messagesOf(body, "messages").some(chatSealed);
  }
}

function messagesOf(body: Obj, key: string): unknown[] {
  const v = body[key];
  return Array.isArray(v) ? v : [];
}

/** The request less its sealed values, everything else as the client sent it. */
export function withoutSeals(client: ClientProtocol, body: Obj): Obj {
  if (client === "openai.responses") {
    return { ...body, input: messagesOf(body, "input").filter((i) => !sealedItem(i)) };
  }
  if (client !== "anthropic.messages" && client !== "anthropic.count_tokens") return body;
  let dropped = false;
  const messages = messagesOf(body, "messages").map((m) => {
    if (!isObject(m) || !Array.isArray(m["content"])) return m;
    const kept = m["content"].filter((b) => !sealedBlock(b));
    if (kept.length === m["content"].length) return m;
    dropped = true;
    return { ...m, content: kept };
  });
  if (!dropped) return body;
  const { thinking: _off, ...rest } = body;
  return { ...rest, messages };
}
