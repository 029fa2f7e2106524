/**
 * OpenAI Chat Completions answer ⇄ IR [oa `ChatCompletion`, `CompletionUsage`]. Stop reasons:
 * plan section 2.8; a message with tool calls is a tool turn whatever `finish_reason` says (some
 * OpenAI-compatible servers finish a tool turn with `stop`).
 */
import {
  type ContentBlock,
  type Response,
  type StopReason,
  unknownUsage,
  type Usage,
} from "./ir.ts";
import {
  asArray,
  asObject,
  asString,
  isObject,
  limits,
  type Obj,
  optNumber,
  optString,
} from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import type { ChatDialect } from "./openai_chat_messages.ts";
import { requiredUsageCount } from "./usage_count.ts";
import { modelArguments } from "./model_arguments.ts";

const stopFromChat: Readonly<Record<string, StopReason>> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  function_call: "tool_use",
  content_filter: "content_filter",
};

export const stopToChat: Readonly<Record<StopReason, string>> = {
  end_turn: "stop",
  max_tokens: "length",
  stop_sequence: "stop",
  tool_use: "tool_calls",
  content_filter: "content_filter",
  refusal: "content_filter",
  pause_turn: "stop",
  context_window_exceeded: "length",
  malformed_tool_call: "stop",
  other: "stop",
};

export function decodeChatUsage(v: unknown): Usage {
  if (!isObject(v)) {
    return { ...unknownUsage };
  }
  const prompt = isObject(v["prompt_tokens_details"]) ? v["prompt_tokens_details"] : {};
  const completion = isObject(v["completion_tokens_details"]) ? v["completion_tokens_details"] : {};
  return {
    inputTokens: optNumber(v, "prompt_tokens", "usage"),
    cachedInputTokens: optNumber(prompt, "cached_tokens", "usage.prompt_tokens_details"),
    cacheWriteTokens: null,
    outputTokens: optNumber(v, "completion_tokens", "usage"),
    reasoningTokens: optNumber(completion, "reasoning_tokens", "usage.completion_tokens_details"),
  };
}

function decodeMessage(m: Obj, dialect: ChatDialect, notes: Notes): ContentBlock[] {
  const out: ContentBlock[] = [];
  const reasoning = dialect.reasoningField === null
    ? null
    : optString(m, dialect.reasoningField, "message");
  if (reasoning !== null && reasoning !== "") {
    out.push({ type: "thinking", text: reasoning, kind: "full", state: null });
  }
  const content = optString(m, "content", "choices[0].message");
  if (content !== null && content !== "") out.push({ type: "text", text: content });
  const refusal = optString(m, "refusal", "choices[0].message");
  if (refusal !== null) out.push({ type: "text", text: refusal });
  const calls = m["tool_calls"] == null
    ? []
    : asArray(m["tool_calls"], "choices[0].message.tool_calls", limits.blocks);
  calls.forEach((c, i) => {
    const field = `choices[0].message.tool_calls[${i}]`;
    const o = asObject(c, field);
    const fn = asObject(o["function"], `${field}.function`);
    const text = asString(fn["arguments"], `${field}.function.arguments`);
    out.push({
      type: "tool_call",
      id: asString(o["id"], `${field}.id`),
      name: asString(fn["name"], `${field}.function.name`),
      arguments: modelArguments(text, `${field}.function.arguments`, notes),
      argumentsText: text,
      state: null,
    });
  });
  return out;
}

export function decodeChatResponse(body: unknown, dialect: ChatDialect, notes: Notes): Response {
  const o = asObject(body, "body");
  const choices = asArray(o["choices"], "choices", 128);
  if (choices.length === 0) throw new TranslationError("choices", "the answer holds no choice");
  if (choices.length > 1) notes.add("dropped", "choices[1]", "only the first choice is translated");
  const choice = asObject(choices[0], "choices[0]");
  const content = decodeMessage(asObject(choice["message"], "choices[0].message"), dialect, notes);
  const raw = optString(choice, "finish_reason", "choices[0]");
  const refused = optString(
    asObject(choice["message"], "choices[0].message"),
    "refusal",
    "choices[0].message",
  ) !== null;
  let stopReason: StopReason = raw === null ? "other" : stopFromChat[raw] ?? "other";
  if (content.some((b) => b.type === "tool_call")) stopReason = "tool_use";
  else if (refused && stopReason === "end_turn") stopReason = "refusal";
  return {
    id: asString(o["id"], "id"),
    model: asString(o["model"], "model"),
    content,
    stopReason,
    providerStopReason: raw,
    stopSequence: null,
    usage: decodeChatUsage(o["usage"]),
  };
}

const count = requiredUsageCount("Chat's");

export function encodeChatUsage(u: Usage, notes: Notes): Obj {
  const prompt = count(u.inputTokens, "usage.prompt_tokens", notes);
  const completion = count(u.outputTokens, "usage.completion_tokens", notes);
  const out: Obj = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (u.cachedInputTokens !== null) {
    out["prompt_tokens_details"] = { cached_tokens: u.cachedInputTokens };
  }
  if (u.reasoningTokens !== null) {
    out["completion_tokens_details"] = { reasoning_tokens: u.reasoningTokens };
  }
  if (u.cacheWriteTokens !== null && u.cacheWriteTokens > 0) {
    notes.add(
      "dropped",
      "usage.cache_write_tokens",
      "Chat usage has no cache writes; the trace keeps them",
    );
  }
  return out;
}

export interface ChatResponseOptions {
  dialect: ChatDialect;
  /** `created` in Unix seconds: the caller's clock, so the codec stays pure. */
  created: number;
}

export function encodeChatResponse(res: Response, options: ChatResponseOptions, notes: Notes): Obj {
  const texts: string[] = [];
  const thoughts: string[] = [];
  const calls: Obj[] = [];
  res.content.forEach((b, i) => {
    const field = `content[${i}]`;
    if (b.type === "text") texts.push(b.text);
    else if (b.type === "tool_call") {
      calls.push({
        id: b.id,
        type: "function",
        function: { name: b.name, arguments: b.argumentsText ?? JSON.stringify(b.arguments) },
      });
    } else if (b.type === "thinking" && options.dialect.reasoningField !== null) {
      thoughts.push(b.text);
    } else if (b.type === "thinking" || b.type === "redacted_thinking") {
      notes.add("dropped", field, "Chat Completions shows no thinking");
    } else throw new TranslationError(field, `an answer cannot hold a ${b.type} block`);
  });
  // A refusal's text goes where Chat clients look for one [oa `ChatCompletionMessage.refusal`].
  const text = texts.length === 0 ? null : texts.join("");
  const refused = res.stopReason === "refusal" && calls.length === 0;
  const message: Obj = {
    role: "assistant",
    content: refused ? null : text,
    refusal: refused ? text : null,
  };
  if (options.dialect.reasoningField !== null && thoughts.length > 0) {
    message[options.dialect.reasoningField] = thoughts.join("");
  }
  if (calls.length > 0) message["tool_calls"] = calls;
  return {
    id: res.id,
    object: "chat.completion",
    created: options.created,
    model: res.model,
    choices: [{ index: 0, message, finish_reason: stopToChat[res.stopReason], logprobs: null }],
    usage: encodeChatUsage(res.usage, notes),
  };
}
