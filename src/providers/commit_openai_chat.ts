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
import { looksLikeObject, malformed, parseEvent } from "./commit_events.ts";
import type { CommitRules, EventVerdict } from "./commit_types.ts";

const deltaTexts = ["content", "refusal", "reasoning_content", "reasoning"];
/** OpenAI, vLLM and LiteLLM put the error first: `{"error": {...}}`. */
const errorChunk = /^\{\s*"error"/;
const recentEvents = 4;

export class OpenAiChatCommitRules implements CommitRules {
  readonly terminatorName = "data: [DONE]";
  #finished = false;
  /** The last events after the commit point, for the `finish_reason` check at `[DONE]`. */
  #recent: string[] = [];
  #next = 0;

  classify(name: string | null, data: string): EventVerdict {
    if (data === "[DONE]") return this.#done();
    const parsed = parseEvent(data);
    if (!parsed.ok) return parsed.verdict;
    const chunk = parsed.value;
    // The SDK raises for any truthy `error`; some servers send a bare string.
    if (name === "error" || isRecord(chunk.error) || typeof chunk.error === "string") {
      const error = isRecord(chunk.error)
        ? chunk.error
        : typeof chunk.error === "string"
        ? { message: chunk.error }
        : chunk;
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
    if (data === "[DONE]") {
      // The events still in the window; those before it were looked at as they left it.
      this.#finished ||= this.#recent.some(hasFinishReason);
      return this.#done();
    }
    if (name === "error" || errorChunk.test(data)) return this.classify(name, data);
    if (!looksLikeObject(data)) return malformed(`an event's data is not a JSON object`);
    // An event leaving the window is looked at once: a finish chunk followed by more than a few
    // others (Azure's filter annotations, the usage chunk) still counts.
    const leaving = this.#recent[this.#next];
    if (!this.#finished && leaving !== undefined) this.#finished = hasFinishReason(leaving);
    this.#recent[this.#next] = data;
    this.#next = (this.#next + 1) % recentEvents;
    return { kind: "content" };
  }

  termination(message: string, code: string): string {
    const error = { message, type: "server_error", code, param: null };
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

const key = '"finish_reason"';

/**
 * A `finish_reason` key with a string value, found without parsing (a regex over every delta
 * cost as much as the rest of the scanner). Quoted text inside a value has its quotes escaped,
 * so the key there is preceded by a backslash, not by `{`, `,` or whitespace.
 */
function hasFinishReason(data: string): boolean {
  for (let at = data.indexOf(key); at !== -1; at = data.indexOf(key, at + key.length)) {
    const before = data.charCodeAt(at - 1);
    if (before !== 123 && before !== 44 && !isSpace(before)) continue;
    let i = at + key.length;
    while (isSpace(data.charCodeAt(i))) i++;
    if (data.charCodeAt(i) !== 58) continue;
    i++;
    while (isSpace(data.charCodeAt(i))) i++;
    if (data.charCodeAt(i) === 34) return true;
  }
  return false;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
