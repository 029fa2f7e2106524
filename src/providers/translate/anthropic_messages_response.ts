/**
 * Anthropic Messages answer ⇄ IR [an `Message`, `StopReason`, `Usage`]. Usage: Anthropic's
 * `input_tokens` excludes cache reads and writes; the IR's includes them (src/providers/usage.ts).
 */
import {
  type ContentBlock,
  type Response,
  type StopReason,
  unknownUsage,
  type Usage,
} from "./ir.ts";
import { asArray, asObject, asString, limits, type Obj, optNumber, optString } from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import { decodeAnthropicBlock, encodeAnthropicBlock } from "./anthropic_messages_blocks.ts";
import { requiredUsageCount } from "./usage_count.ts";

const stopFromAnthropic: Readonly<Record<string, StopReason>> = {
  end_turn: "end_turn",
  max_tokens: "max_tokens",
  stop_sequence: "stop_sequence",
  tool_use: "tool_use",
  pause_turn: "pause_turn",
  refusal: "refusal",
  model_context_window_exceeded: "context_window_exceeded",
};

/** Plan section 2.8, column "to Anthropic". */
export const stopToAnthropic: Readonly<Record<StopReason, string>> = {
  end_turn: "end_turn",
  max_tokens: "max_tokens",
  stop_sequence: "stop_sequence",
  tool_use: "tool_use",
  content_filter: "refusal",
  refusal: "refusal",
  pause_turn: "pause_turn",
  context_window_exceeded: "model_context_window_exceeded",
  malformed_tool_call: "end_turn",
  other: "end_turn",
};

export function decodeAnthropicUsage(v: unknown): Usage {
  if (v === undefined || v === null) {
    return { ...unknownUsage };
  }
  const u = asObject(v, "usage");
  const uncached = optNumber(u, "input_tokens", "usage");
  const read = optNumber(u, "cache_read_input_tokens", "usage");
  const write = optNumber(u, "cache_creation_input_tokens", "usage");
  const details = u["output_tokens_details"];
  const reasoning = details !== undefined && details !== null
    ? optNumber(
      asObject(details, "usage.output_tokens_details"),
      "thinking_tokens",
      "usage.output_tokens_details",
    )
    : null;
  return {
    inputTokens: uncached === null ? null : uncached + (read ?? 0) + (write ?? 0),
    cachedInputTokens: read,
    cacheWriteTokens: write,
    outputTokens: optNumber(u, "output_tokens", "usage"),
    reasoningTokens: reasoning,
  };
}

export function decodeAnthropicResponse(body: unknown, notes: Notes): Response {
  const o = asObject(body, "body");
  const content: ContentBlock[] = [];
  asArray(o["content"], "content", limits.blocks).forEach((b, i) => {
    const type = asObject(b, `content[${i}]`)["type"];
    if (type === "server_tool_use" || (typeof type === "string" && type.endsWith("_tool_result"))) {
      notes.add(
        "dropped",
        `content[${i}]`,
        `Anthropic's server tool block ${type} has no counterpart`,
      );
      return;
    }
    content.push(decodeAnthropicBlock(b, `content[${i}]`, notes));
  });
  const raw = optString(o, "stop_reason", "");
  return {
    id: asString(o["id"], "id"),
    model: asString(o["model"], "model"),
    content,
    stopReason: raw === null ? "other" : stopFromAnthropic[raw] ?? "other",
    providerStopReason: raw,
    stopSequence: optString(o, "stop_sequence", ""),
    usage: decodeAnthropicUsage(o["usage"]),
  };
}

const count = requiredUsageCount("Anthropic's");

export function encodeAnthropicUsage(u: Usage, notes: Notes): Obj {
  const input = count(u.inputTokens, "usage.input_tokens", notes);
  const read = u.cachedInputTokens ?? 0;
  const write = u.cacheWriteTokens ?? 0;
  const out: Obj = {
    input_tokens: Math.max(0, input - read - write),
    cache_creation_input_tokens: u.cacheWriteTokens,
    cache_read_input_tokens: u.cachedInputTokens,
    output_tokens: count(u.outputTokens, "usage.output_tokens", notes),
  };
  if (u.reasoningTokens !== null) {
    out["output_tokens_details"] = { thinking_tokens: u.reasoningTokens };
  }
  return out;
}

export function encodeAnthropicResponse(res: Response, notes: Notes): Obj {
  const content: Obj[] = [];
  res.content.forEach((b, i) => {
    if (b.type === "tool_result") {
      throw new TranslationError(`content[${i}]`, "an answer cannot hold a tool result");
    }
    const encoded = encodeAnthropicBlock(b, `content[${i}]`, res.model, notes, "response");
    if (encoded !== null) content.push(encoded);
  });
  return {
    id: res.id,
    type: "message",
    role: "assistant",
    model: res.model,
    content,
    stop_reason: stopToAnthropic[res.stopReason],
    stop_sequence: res.stopSequence,
    usage: encodeAnthropicUsage(res.usage, notes),
  };
}
