/**
 * Commit rules for OpenAI Chat Completions and legacy Completions streams (and every
 * OpenAI-compatible server). From the Chat Completions streaming reference
 * (platform.openai.com/docs/api-reference/chat-streaming): each event is a
 * `chat.completion.chunk`; the first chunk's delta carries only `role: "assistant"` (with
 * `content: ""` and `refusal: null` in practice); with `include_usage` a last chunk has
 * `choices: []` and the usage; the stream ends with `data: [DONE]`. Azure OpenAI sends a first
 * chunk with `choices: []` and `prompt_filter_results`.
 *
 * - preamble: chunks without a non-empty piece of output (role-only and empty-content deltas,
 *   `choices: []` chunks, a `finish_reason` with nothing before it, objects without `choices`);
 * - content: a non-empty `content`, `refusal`, `reasoning_content`/`reasoning` (compatible
 *   servers' visible thinking), any `tool_calls` or `function_call` entry (a tool call's name is
 *   output the client acts on), audio, or a Completions `text`;
 * - terminator: `[DONE]`, clean only after some choice reported its `finish_reason`;
 * - in-band error: a chunk with an `error` object, or an event named `error` (the `openai` SDK
 *   raises `APIError` for both).
 */
import { isRecord } from "./json_body.ts";
import { openAiErrorFacts } from "./openai_errors.ts";
import { statusIn } from "./error_facts.ts";
import {
  type CommitRules,
  type EventVerdict,
  looksLikeObject,
  malformed,
  parseEvent,
} from "./stream_commit.ts";

const deltaTexts = ["content", "refusal", "reasoning_content", "reasoning"];
/** A real `finish_reason` key with a string value (an escaped one inside text has a `\` before). */
const finishReason = /[{,]\s*"finish_reason"\s*:\s*"/;

export class OpenAiChatCommitRules implements CommitRules {
  readonly terminatorName = "data: [DONE]";
  #finished = false;

  classify(name: string | null, data: string): EventVerdict {
    if (data === "[DONE]") return this.#done();
    const parsed = parseEvent(data);
    if (!parsed.ok) return parsed.verdict;
    const chunk = parsed.value;
    if (name === "error" || isRecord(chunk.error)) {
      const error = isRecord(chunk.error) ? chunk.error : chunk;
      const status = statusIn(error.status, error.status_code, error.code, chunk.status);
      return { kind: "error", status, error: openAiErrorFacts(status, error) };
    }
    if (!Array.isArray(chunk.choices)) return { kind: "preamble" };
    let content = false;
    for (const choice of chunk.choices) {
      if (!isRecord(choice)) continue;
      if (typeof choice.finish_reason === "string") this.#finished = true;
      if (!content && choiceHasOutput(choice)) content = true;
    }
    return { kind: content ? "content" : "preamble" };
  }

  glance(name: string | null, data: string): EventVerdict {
    if (data === "[DONE]") return this.#done();
    // `"error"` unescaped is a key or a value, never a piece of text: parse only then.
    if (name === "error" || data.includes('"error"')) return this.classify(name, data);
    if (!looksLikeObject(data)) return malformed(`an event's data is not a JSON object`);
    if (!this.#finished && finishReason.test(data)) this.#finished = true;
    return { kind: "content" };
  }

  termination(message: string): string {
    const error = { message, type: "server_error", code: "upstream_truncated", param: null };
    return `data: ${JSON.stringify({ error })}\n\n`;
  }

  #done(): EventVerdict {
    return {
      kind: "end",
      problem: this.#finished ? null : "the stream sent [DONE] without any finish_reason",
    };
  }
}

function choiceHasOutput(choice: Record<string, unknown>): boolean {
  if (typeof choice.text === "string" && choice.text !== "") return true;
  const delta = choice.delta;
  if (!isRecord(delta)) return false;
  for (const m of deltaTexts) {
    const v = delta[m];
    if (typeof v === "string" && v !== "") return true;
  }
  if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) return true;
  if (isRecord(delta.function_call)) return true;
  return isRecord(delta.audio);
}
