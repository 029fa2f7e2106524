/**
 * The Anthropic Messages wire format. Requests are forwarded as sent: every Messages response,
 * streamed or not, reports usage on its own.
 *
 * Streams: `message_start` carries the model and the input side of the usage, `message_delta`
 * the cumulative `output_tokens` (and, on newer API versions, the input and cache fields again,
 * which then win). Usage is exact once a `message_delta` with `output_tokens` arrived: that is the
 * final figure, so a cut or an `error` event after it changes nothing. Before it, the stream's
 * usage is unknown, never the partial count of `message_start`.
 */
import type { Usage } from "./usage.ts";
import { isRecord, maxTokensOf, modelOf, readRequestJson } from "./json_body.ts";
import { cleanPath, endsWithSegments, isBelow } from "./paths.ts";
import {
  createResponseParser,
  expectationFor,
  modelAndUsage,
  type ReaderResult,
  sseStreamKind,
  type UsageExpectation,
  type UsageReader,
} from "./response_parser.ts";
import type { ProviderAdapter, SseEvent, StreamTextLocation } from "./types.ts";
import { type BillingFacts, readAnthropicFacts } from "./billing_facts.ts";
import { makeUsage, tokenCount } from "./usage_counts.ts";
import { anthropicErrorBodyFacts } from "./anthropic_errors.ts";
import { anthropicCommitScanner } from "./commit_scanners.ts";
import { chatApiOperationOf } from "./operations.ts";

export const anthropicAdapter: ProviderAdapter = {
  prepareRequest(input) {
    const json = readRequestJson(input.method, input.contentType, input.body);
    return {
      body: input.body,
      model: json === null ? null : modelOf(json.value),
      streaming: json?.value.stream === true,
      hideUsageEvent: false,
      maxTokens: json === null ? null : maxTokensOf(json.value, ["max_tokens"]),
    };
  },

  streamKind: sseStreamKind,
  operationOf: chatApiOperationOf,
  keyHeader: (key) => ["x-api-key", key],

  createUsageParser(info, observer) {
    return createResponseParser(
      info,
      expectationFor(info, anthropicPathRule(info.path)),
      new AnthropicUsageReader(),
      observer,
    );
  },

  createCommitScanner: anthropicCommitScanner,
  errorFacts: anthropicErrorBodyFacts,

  locateStreamText: locateAnthropicStreamText,

  /**
   * Anthropic's own mid-stream error event. The `@anthropic-ai/sdk` (1.12.0,
   * `core/streaming.mjs` `Stream.fromSSEResponse`) throws `APIError` with `error.type` for an
   * event named `error`; it skips data without an event name, so the name is required.
   * `permission_error` says "not allowed" and is not retried; anything else is an `api_error`.
   */
  streamError(code, message) {
    const type = code === "pii_blocked" ? "permission_error" : "api_error";
    return `event: error\ndata: ${JSON.stringify({ type: "error", error: { type, message } })}\n\n`;
  },
};

const deltaTextMembers = ["text", "partial_json", "thinking"];
/** A block's opening text: empty from Anthropic, but whatever is there starts the channel. */
const startTextMembers = ["text", "thinking"];

/**
 * `content_block_delta` pieces (text, tool input JSON, thinking), one channel per block
 * `index`, opened by that block's `content_block_start` (whose `text` or `thinking` is the
 * first piece, so a value split between it and a delta is still seen whole) and closed by its
 * `content_block_stop`; `message_delta`, `message_stop` and `error` close everything.
 */
export function locateAnthropicStreamText({ event, data }: SseEvent): StreamTextLocation {
  if (!isRecord(data)) return { fields: [], closes: [] };
  const type = typeof data.type === "string" ? data.type : event;
  const channel = `content/${data.index}`;
  if (type === "content_block_delta" && isRecord(data.delta)) {
    const delta = data.delta;
    const member = deltaTextMembers.find((m) => typeof delta[m] === "string");
    if (member === undefined) return { fields: [], closes: [] };
    // `input_json_delta` pieces join to the tool input, a JSON text.
    const json = member === "partial_json";
    return { fields: [{ channel, path: ["delta", member], ...(json && { json }) }], closes: [] };
  }
  if (type === "content_block_start" && isRecord(data.content_block)) {
    const block = data.content_block;
    const member = startTextMembers.find((m) => typeof block[m] === "string");
    if (member === undefined) return { fields: [], closes: [] };
    return { fields: [{ channel, path: ["content_block", member] }], closes: [] };
  }
  if (type === "content_block_stop") return { fields: [], closes: [channel] };
  const ends = type === "message_delta" || type === "message_stop" || type === "error";
  return { fields: [], closes: ends ? "all" : [] };
}

export function anthropicPathRule(path: string): UsageExpectation {
  const p = cleanPath(path);
  if (endsWithSegments(p, "messages")) return "expected";
  // count_tokens answers `{input_tokens}`, an estimate that is not billed; batches are jobs.
  if (isBelow(p, "messages") || endsWithSegments(p, "models") || isBelow(p, "models")) {
    return "none";
  }
  return "optional";
}

const usageFields = [
  "input_tokens",
  "output_tokens",
  "cache_read_input_tokens",
  "cache_creation_input_tokens",
] as const;
type UsageFields = Partial<Record<(typeof usageFields)[number], number>>;

function readFields(u: unknown, into: UsageFields): void {
  if (!isRecord(u)) return;
  for (const f of usageFields) {
    const n = tokenCount(u[f]);
    if (n !== null) into[f] = n;
  }
}

/** Anthropic's `input_tokens` excludes cache reads and writes; ours includes them. */
function toUsage(f: UsageFields): Usage | null {
  if (f.input_tokens === undefined || f.output_tokens === undefined) return null;
  const cached = f.cache_read_input_tokens ?? 0;
  const cacheWrite = f.cache_creation_input_tokens ?? 0;
  return makeUsage({
    input: f.input_tokens + cached + cacheWrite,
    output: f.output_tokens,
    cached,
    cacheWrite,
  });
}

export class AnthropicUsageReader implements UsageReader {
  readonly documentMembers = modelAndUsage;
  #model: string | null = null;
  #fields: UsageFields = {};
  #facts: BillingFacts = {};
  #final = false;

  event(data: unknown, eventName: string | undefined): void {
    if (!isRecord(data)) return;
    const type = typeof data.type === "string" ? data.type : eventName;
    if (type === "message_start" && isRecord(data.message)) {
      this.#model = modelOf(data.message) ?? this.#model;
      readFields(data.message.usage, this.#fields);
      // The cache lifetimes, tier and region come with message_start only; a message_delta's
      // counts are cumulative, so its tool uses replace the earlier ones.
      readAnthropicFacts(data.message.usage, this.#facts);
    } else if (type === "message_delta" && isRecord(data.usage)) {
      readFields(data.usage, this.#fields);
      readAnthropicFacts(data.usage, this.#facts);
      if (tokenCount(data.usage.output_tokens) !== null) this.#final = true;
    }
  }

  /** Anthropic names every event; only these two carry model and usage. */
  wants(eventName: string | undefined): boolean {
    return eventName === undefined || eventName === "message_start" ||
      eventName === "message_delta";
  }

  document(data: unknown): void {
    if (!isRecord(data)) return;
    this.#model = modelOf(data);
    readFields(data.usage, this.#fields);
    readAnthropicFacts(data.usage, this.#facts);
    this.#final = true;
  }

  result(): ReaderResult {
    const r: ReaderResult = {
      model: this.#model,
      usage: toUsage(this.#fields),
      final: this.#final,
    };
    if (Object.keys(this.#facts).length > 0) r.facts = { ...this.#facts };
    return r;
  }
}
