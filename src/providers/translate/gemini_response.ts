/**
 * Gemini `GenerateContentResponse` ⇄ IR [gg `GenerateContentResponse`, `Candidate`,
 * `FinishReason`, `GenerateContentResponseUsageMetadata`]; plan sections 2.4 and 2.8. Usage is
 * read by src/providers/gemini_usage.ts `readGeminiUsage` (the proxy's own reader): input includes
 * cached and tool-use prompt tokens, output includes thoughts.
 */
import type { ContentBlock, Response, StopReason, Usage } from "./ir.ts";
import { unknownUsage } from "./ir.ts";
import { asArray, asObject, limits, type Obj, optString } from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import { callIdPrefix, CallIds, decodeGeminiPart } from "./gemini_parts.ts";
import { encodeGeminiParts, type GeminiPartOptions } from "./gemini_parts_encode.ts";
import { readGeminiUsage } from "../gemini_usage.ts";
import { requiredUsageCount } from "./usage_count.ts";

const filtered = [
  "SAFETY",
  "RECITATION",
  "LANGUAGE",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
];

export function stopFromGemini(reason: string | null, calls: boolean): StopReason {
  if (calls && (reason === "STOP" || reason === null)) return "tool_use";
  if (reason === "STOP") return "end_turn";
  if (reason === "MAX_TOKENS") return "max_tokens";
  if (reason === "MALFORMED_FUNCTION_CALL") return "malformed_tool_call";
  if (reason !== null && filtered.includes(reason)) return "content_filter";
  return "other";
}

/** IR stop → `finishReason`; the provider's own value is kept when it means the same. */
export function stopToGemini(stop: StopReason, provider: string | null): string {
  const own = provider !== null && /^[A-Z_]{1,64}$/.test(provider) &&
    (stopFromGemini(provider, stop === "tool_use") === stop);
  if (own) return provider;
  switch (stop) {
    case "max_tokens":
    case "context_window_exceeded":
      return "MAX_TOKENS";
    case "content_filter":
    case "refusal":
      return "SAFETY";
    case "malformed_tool_call":
      return "MALFORMED_FUNCTION_CALL";
    case "other":
      return "OTHER";
    default:
      return "STOP";
  }
}

export function decodeGeminiUsage(v: unknown): Usage {
  const u = readGeminiUsage(v);
  if (u === null) return { ...unknownUsage };
  return {
    inputTokens: u.input_tokens,
    cachedInputTokens: u.cached_input_tokens,
    cacheWriteTokens: null,
    outputTokens: u.output_tokens,
    reasoningTokens: u.reasoning_tokens,
  };
}

const count = requiredUsageCount("Gemini's");

/** Zero cached and thought counts are left out, as Gemini leaves them out. */
export function encodeGeminiUsage(u: Usage, notes: Notes): Obj {
  const input = count(u.inputTokens, "usageMetadata.promptTokenCount", notes);
  const output = count(u.outputTokens, "usageMetadata.candidatesTokenCount", notes);
  const thoughts = u.reasoningTokens ?? 0;
  const out: Obj = {
    promptTokenCount: input,
    candidatesTokenCount: Math.max(0, output - thoughts),
  };
  if (u.cachedInputTokens !== null && u.cachedInputTokens > 0) {
    out["cachedContentTokenCount"] = u.cachedInputTokens;
  }
  if (thoughts > 0) out["thoughtsTokenCount"] = thoughts;
  out["totalTokenCount"] = input + output;
  return out;
}

/** `model`: the request's, used when the answer has no `modelVersion`. */
export function decodeGeminiResponse(body: unknown, model: string, notes: Notes): Response {
  const o = asObject(body, "body");
  const candidates = o["candidates"] == null ? [] : asArray(o["candidates"], "candidates", 64);
  if (candidates.length > 1) {
    notes.add(
      "dropped",
      "candidates",
      `${candidates.length - 1} more candidates were not translated`,
    );
  }
  const content: ContentBlock[] = [];
  let reason: string | null = null;
  if (candidates.length > 0) {
    const c = asObject(candidates[0], "candidates[0]");
    reason = optString(c, "finishReason", "candidates[0]");
    const body = c["content"] == null ? {} : asObject(c["content"], "candidates[0].content");
    const parts = body["parts"] == null
      ? []
      : asArray(body["parts"], "candidates[0].content.parts", limits.blocks);
    const ids = new CallIds(callIdPrefix(optString(o, "responseId", "")));
    parts.forEach((p, j) =>
      content.push(...decodeGeminiPart(p, `candidates[0].content.parts[${j}]`, ids, notes))
    );
  } else {
    // A blocked prompt: no candidate, `promptFeedback.blockReason` says why.
    const feedback = o["promptFeedback"] == null
      ? {}
      : asObject(o["promptFeedback"], "promptFeedback");
    const block = optString(feedback, "blockReason", "promptFeedback");
    if (block === null) {
      throw new TranslationError("candidates", "the answer has no candidate and no block reason");
    }
    reason = block;
  }
  const calls = content.some((b) => b.type === "tool_call");
  const stopReason = candidates.length === 0 ? "content_filter" : stopFromGemini(reason, calls);
  return {
    id: optString(o, "responseId", "") ?? "",
    model: optString(o, "modelVersion", "") ?? model,
    content,
    stopReason,
    providerStopReason: reason,
    stopSequence: null,
    usage: decodeGeminiUsage(o["usageMetadata"]),
  };
}

export function encodeGeminiResponse(res: Response, o: GeminiPartOptions, notes: Notes): Obj {
  res.content.forEach((b, i) => {
    if (b.type === "tool_result") {
      throw new TranslationError(`content[${i}]`, "an answer cannot hold a tool result");
    }
  });
  const parts = encodeGeminiParts(res.content, "content", res.model, o, "response", notes);
  if (res.stopSequence !== null) {
    notes.add("dropped", "stop_sequence", "Gemini does not say which stop sequence ended the turn");
  }
  return {
    candidates: [{
      content: { role: "model", parts },
      finishReason: stopToGemini(res.stopReason, res.providerStopReason),
      index: 0,
    }],
    usageMetadata: encodeGeminiUsage(res.usage, notes),
    modelVersion: res.model,
    responseId: res.id,
  };
}
