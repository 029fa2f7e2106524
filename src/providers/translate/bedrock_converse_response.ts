/**
 * Bedrock Converse answer ⇄ IR [br `ConverseResponse`, enums `StopReason`, `TokenUsage`]. The
 * answer names neither an id nor a model: the caller gives them (the path's model id, an id it
 * made). Usage goes through the one Converse reader (`../bedrock_converse_usage.ts`), so the
 * IR's input counts cache reads and writes exactly as the traces do.
 */
import {
  type ContentBlock,
  type Response,
  type StopReason,
  unknownUsage,
  type Usage,
} from "./ir.ts";
import { asArray, asObject, isObject, limits, type Obj, optString } from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import { decodeConverseBlock, encodeConverseBlock } from "./bedrock_converse_blocks.ts";
import { converseUsage } from "../bedrock_converse_usage.ts";
import { requiredUsageCount } from "./usage_count.ts";

export interface ConverseAnswerMeta {
  id: string;
  model: string;
}

const stopFromConverse: Readonly<Record<string, StopReason>> = {
  end_turn: "end_turn",
  max_tokens: "max_tokens",
  stop_sequence: "stop_sequence",
  tool_use: "tool_use",
  content_filtered: "content_filter",
  guardrail_intervened: "content_filter",
  malformed_tool_use: "malformed_tool_call",
  malformed_model_output: "malformed_tool_call",
  model_context_window_exceeded: "context_window_exceeded",
};

/** Plan section 2.8 read backwards; what Converse lacks becomes its nearest value. */
export const stopToConverse: Readonly<Record<StopReason, string>> = {
  end_turn: "end_turn",
  max_tokens: "max_tokens",
  stop_sequence: "stop_sequence",
  tool_use: "tool_use",
  content_filter: "content_filtered",
  refusal: "content_filtered",
  pause_turn: "end_turn",
  context_window_exceeded: "model_context_window_exceeded",
  malformed_tool_call: "malformed_tool_use",
  other: "end_turn",
};

export function decodeStopReason(raw: string | null): StopReason {
  return raw === null ? "other" : stopFromConverse[raw] ?? "other";
}

/** Converse reports no reasoning count: null, never 0 (plan section 2.5). */
export function decodeConverseUsage(v: unknown, model: string | null): Usage {
  const u = isObject(v) ? converseUsage(v, model).usage : null;
  if (u === null) {
    if (v !== undefined && v !== null) asObject(v, "usage");
    return { ...unknownUsage };
  }
  return {
    inputTokens: u.input_tokens,
    cachedInputTokens: u.cached_input_tokens,
    cacheWriteTokens: u.cache_write_tokens,
    outputTokens: u.output_tokens,
    reasoningTokens: null,
  };
}

export function decodeConverseResponse(
  body: unknown,
  meta: ConverseAnswerMeta,
  notes: Notes,
): Response {
  const o = asObject(body, "body");
  const output = asObject(o["output"], "output");
  const message = asObject(output["message"], "output.message");
  const content: ContentBlock[] = [];
  asArray(message["content"], "output.message.content", limits.blocks).forEach((b, i) => {
    const block = decodeConverseBlock(b, `output.message.content[${i}]`, notes);
    if (block !== null) content.push(block);
  });
  const raw = optString(o, "stopReason", "");
  return {
    id: meta.id,
    model: meta.model,
    content,
    stopReason: decodeStopReason(raw),
    providerStopReason: raw,
    stopSequence: null,
    usage: decodeConverseUsage(o["usage"], meta.model),
  };
}

const count = requiredUsageCount("Converse's");

/** IR usage (input includes the cache) → Converse's `inputTokens` without it. */
export function encodeConverseUsage(u: Usage, notes: Notes): Obj {
  const input = count(u.inputTokens, "usage.inputTokens", notes);
  const output = count(u.outputTokens, "usage.outputTokens", notes);
  const read = u.cachedInputTokens ?? 0;
  const write = u.cacheWriteTokens ?? 0;
  const out: Obj = {
    inputTokens: Math.max(0, input - read - write),
    outputTokens: output,
    totalTokens: input + output,
  };
  if (u.cachedInputTokens !== null) out["cacheReadInputTokens"] = u.cachedInputTokens;
  if (u.cacheWriteTokens !== null) out["cacheWriteInputTokens"] = u.cacheWriteTokens;
  return out;
}

/**
 * The gateway does not know the upstream's latency, so `metrics` is not sent (a number there
 * would be made up); `stopSequence` has no Converse member and is dropped, noted.
 */
export function encodeConverseResponse(res: Response, notes: Notes): Obj {
  const content: Obj[] = [];
  res.content.forEach((b, i) => {
    if (b.type === "tool_result") {
      throw new TranslationError(`content[${i}]`, "an answer cannot hold a tool result");
    }
    const f = `output.message.content[${i}]`;
    const encoded = encodeConverseBlock(b, f, res.model, notes, "response");
    if (encoded !== null) content.push(encoded);
  });
  if (res.stopSequence !== null) {
    notes.add("dropped", "stopSequence", "Converse's answer does not name the stop sequence");
  }
  return {
    output: { message: { role: "assistant", content } },
    stopReason: stopToConverse[res.stopReason],
    usage: encodeConverseUsage(res.usage, notes),
  };
}
