/**
 * Usage in the OpenAI wire format: Chat Completions, legacy Completions, Responses and Embeddings,
 * streamed or not. One reader serves them all because the shapes do not overlap: Responses
 * events carry a `type` of `response.*`, everything else is a chunk or document with `usage`.
 */
import type { Usage } from "./usage.ts";
import { isRecord, type JsonObject, modelOf } from "./json_body.ts";
import { cleanPath, endsWithSegments, isBelow } from "./paths.ts";
import {
  modelAndUsage,
  type ReaderResult,
  type UsageExpectation,
  type UsageReader,
} from "./response_parser.ts";
import { makeUsage, nestedCount, tokenCount } from "./usage_counts.ts";
import { type BillingFacts, readOpenAiFacts } from "./billing_facts.ts";
import { eachElement, type MemberPath } from "./json_member_paths.ts";

const billedPaths = ["chat/completions", "completions", "responses", "embeddings"];
// Stored objects read back or updated under these paths repeat the usage of the original call.
const storedObjectParents = ["chat/completions", "responses", "models"];

export function openAiPathRule(path: string): UsageExpectation {
  const p = cleanPath(path);
  if (billedPaths.some((s) => endsWithSegments(p, s))) return "expected";
  if (endsWithSegments(p, "models")) return "none";
  if (storedObjectParents.some((s) => isBelow(p, s))) return "none";
  return "optional";
}

/**
 * Reads `prompt_tokens`/`completion_tokens` (Chat, Completions, Embeddings) or
 * `input_tokens`/`output_tokens` (Responses, audio, images), with their details. Cache writes
 * (`cache_write_tokens`, gpt-5.6 and later, billed at 1.25x input) are part of the input count
 * like cache reads; older models do not report them.
 */
export function readOpenAiUsage(u: unknown): Usage | null {
  if (!isRecord(u)) return null;
  const input = tokenCount(u.prompt_tokens) ?? tokenCount(u.input_tokens);
  if (input === null) return null;
  // Embeddings report no output at all: they generate nothing.
  const output = tokenCount(u.completion_tokens) ?? tokenCount(u.output_tokens) ?? 0;
  const reasoning = nestedCount(u, "completion_tokens_details", "reasoning_tokens") ??
    nestedCount(u, "output_tokens_details", "reasoning_tokens");
  return makeUsage({
    input,
    output: output + reasoningOutside(u, input, output, reasoning),
    // DeepSeek names its cache reads `prompt_cache_hit_tokens` (part of `prompt_tokens`).
    cached: nestedCount(u, "prompt_tokens_details", "cached_tokens") ??
      nestedCount(u, "input_tokens_details", "cached_tokens") ??
      tokenCount(u.prompt_cache_hit_tokens),
    cacheWrite: nestedCount(u, "prompt_tokens_details", "cache_write_tokens") ??
      nestedCount(u, "input_tokens_details", "cache_write_tokens"),
    reasoning,
  });
}

/**
 * Reasoning tokens a server counts beside `completion_tokens` instead of inside it. OpenAI's
 * `completion_tokens` include reasoning; xAI's Chat Completions do not ("reasoning token
 * consumption will be counted separately from completion_tokens, but will be counted in the
 * total_tokens", docs.x.ai consumption-and-rate-limits), and bill them as output. The figures
 * tell which: only when `total_tokens` is exactly prompt + completion + reasoning (and not
 * prompt + completion) are they added, so no vendor name is needed and OpenAI's are never
 * counted twice.
 */
function reasoningOutside(
  u: Record<string, unknown>,
  input: number,
  output: number,
  reasoning: number | null,
): number {
  const total = tokenCount(u.total_tokens);
  if (reasoning === null || reasoning === 0 || total === null) return 0;
  if (tokenCount(u.completion_tokens) !== output) return 0;
  return total === input + output + reasoning ? reasoning : 0;
}

/** Responses stream events whose `response.usage` is the final figure. */
const terminalResponseEvents = new Set([
  "response.completed",
  "response.incomplete",
  "response.failed",
]);

/**
 * The answer's `service_tier` is a member beside `usage`; a Responses answer's tool calls are the
 * `type` and `status` of each `output` item (never the items' content: a message item holds the
 * whole text). Chat Completions has no such items.
 */
const documentMembers: readonly MemberPath[] = [
  ...modelAndUsage,
  ["service_tier"],
  ["output", eachElement, "type"],
  ["output", eachElement, "status"],
];

export class OpenAiUsageReader implements UsageReader {
  readonly documentMembers = documentMembers;
  #model: string | null = null;
  #usage: Usage | null = null;
  #facts: BillingFacts | null = null;
  #final = false;

  event(data: unknown, eventName: string | undefined): void {
    if (!isRecord(data)) return;
    const type = typeof data.type === "string" ? data.type : eventName;
    if (type !== undefined && type.startsWith("response.")) {
      this.#responseEvent(type, data);
      return;
    }
    this.#model = modelOf(data) ?? this.#model;
    // Some compatible servers (Groq) put the stream's usage under `x_groq`.
    const xGroq = data.x_groq;
    const usage = readOpenAiUsage(data.usage) ??
      (isRecord(xGroq) ? readOpenAiUsage(xGroq.usage) : null);
    if (usage === null) return;
    this.#usage = usage;
    this.#facts = readOpenAiFacts(data.usage, data.service_tier);
    this.#final = isLastChunk(data);
  }

  /** Only the model (once), usage objects and terminal Responses events change the result. */
  wants(eventName: string | undefined, data: string): boolean {
    if (this.#model === null) return true;
    if (eventName !== undefined && eventName.startsWith("response.")) {
      return terminalResponseEvents.has(eventName);
    }
    return usageObject.test(data);
  }

  document(data: unknown): void {
    if (!isRecord(data)) return;
    this.#model = modelOf(data);
    this.#usage = readOpenAiUsage(data.usage);
    this.#facts = readOpenAiFacts(data.usage, data.service_tier, data.output);
    this.#final = this.#usage !== null;
  }

  result(complete: boolean): ReaderResult {
    const r: ReaderResult = {
      model: this.#model,
      usage: this.#usage,
      // A finished stream's last usage is final even when a server sends running counts.
      final: this.#final || (complete && this.#usage !== null),
    };
    if (this.#facts !== null) r.facts = this.#facts;
    return r;
  }

  #responseEvent(type: string, data: JsonObject): void {
    const response = data.response;
    if (!isRecord(response)) return;
    this.#model = modelOf(response) ?? this.#model;
    if (!terminalResponseEvents.has(type)) return;
    this.#usage = readOpenAiUsage(response.usage);
    // The whole `output` is here; `response.output_item.done` events are not read (not wanted).
    this.#facts = readOpenAiFacts(response.usage, response.service_tier, response.output);
    this.#final = this.#usage !== null;
  }
}

/**
 * The usage chunk requested with `include_usage` has `choices: []`; a server that reports usage
 * on every chunk reports its final count on the chunk where every choice has finished.
 */
/** `"usage": {` anywhere (also under `x_groq`); `"usage": null` chunks carry nothing. */
const usageObject = /"usage"\s*:\s*\{/;

function isLastChunk(chunk: JsonObject): boolean {
  const choices = chunk.choices;
  if (!Array.isArray(choices) || choices.length === 0) return true;
  return choices.every((c) => isRecord(c) && typeof c.finish_reason === "string");
}
