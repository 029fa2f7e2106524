/**
 * Reading `BillingFacts` (types.ts) from the usage objects of Anthropic, OpenAI, Gemini and Bedrock
 * Converse answers, and from the parts of an answer that list per-use tools (OpenAI Responses
 * `output` items, Gemini grounding queries). The values come from an upstream, so each is bounded:
 * counts as `tokenCount` checks them, names (a tier, a region, a tool, a lifetime) short and plain,
 * at most a few keys per map, and lists read up to `usageReadLimits.arrayElements` items; anything
 * else is left out, never stored as it came.
 */
import { isRecord, type JsonObject } from "./json_body.ts";
import { tokenCount } from "./usage_counts.ts";
import { usageReadLimits } from "./usage_limits.ts";

/**
 * What an answer reports that its provider prices apart from the token figures of `Usage`
 * (issue 24: cost that matches the invoice). Trace metadata `usage_billing`. A member is present
 * only when the answer reported it (counts only when not zero): absent is "not reported", never 0.
 */
export interface BillingFacts {
  /**
   * The cache writes by lifetime, keyed as the provider names the lifetime (Anthropic
   * `usage.cache_creation`: `5m`, `1h`; OpenAI `cache_write_tokens_details`: `30m`, `12h`;
   * Bedrock Converse `usage.cacheDetails[].ttl`: `5m`, `1h`):
   * parts of `cache_write_tokens`, priced by lifetime (an Anthropic 1-hour write costs 2x input,
   * a 5-minute one 1.25x).
   */
  cache_write_by_ttl?: Record<string, number>;
  /**
   * The tier that served the answer (Anthropic `standard`, `priority`, `batch`; OpenAI `default`,
   * `flex`, `priority`, `scale`; Bedrock Converse `default`, `priority`, `flex`, `reserved`).
   */
  service_tier?: string;
  /** Where Anthropic ran the inference (`global`, `us`: US-only is priced 1.1x on Claude 4.6 and later). */
  inference_geo?: string;
  /**
   * Server-side tool uses priced per use, by tool:
   * - Anthropic `usage.server_tool_use`: `web_search_requests`, `web_fetch_requests`, ...;
   * - OpenAI Responses, the completed tool-call items of `output` by type: `web_search_calls`,
   *   `file_search_calls`, `code_interpreter_calls`, `image_generation_calls`, `computer_calls`,
   *   `mcp_calls` (what each costs per call, if anything, is the price's business);
   * - Gemini and Vertex grounding with Google Search: `grounded_prompts` (1 when the answer ran a
   *   search: Gemini 2.x bills per grounded prompt) and `web_search_queries` (the distinct
   *   non-empty queries it ran: Gemini 3 bills per query).
   */
  server_tool_uses?: Record<string, number>;
  /**
   * The answer listed more items than are read (`usageReadLimits.arrayElements` output items or
   * candidates, or more distinct queries than `maxQueries`): `server_tool_uses` counts the first
   * ones only, a lower bound.
   */
  server_tool_uses_partial?: true;
  /**
   * Tokens of a modality other than text, parts of the input or output count priced at their own
   * rates on some models (OpenAI `*_tokens_details`; Gemini `promptTokensDetails` and
   * `candidatesTokensDetails` by modality).
   */
  audio_input_tokens?: number;
  audio_output_tokens?: number;
  image_input_tokens?: number;
  image_output_tokens?: number;
  video_input_tokens?: number;
}

const maxKeys = 8;
const plainName = /^[A-Za-z0-9_.-]{1,40}$/;

/** A short plain name (`priority`, `us`, `5m`), else null. */
export function factName(v: unknown): string | null {
  return typeof v === "string" && plainName.test(v) ? v : null;
}

/**
 * `{ name: count }` of an object's non-zero counts whose key passes `keep` (at most `maxKeys`),
 * each key renamed by `name`; null when none.
 */
export function countsOf(
  v: unknown,
  keep: (key: string) => boolean,
  name: (key: string) => string = (k) => k,
): Record<string, number> | null {
  if (!isRecord(v)) return null;
  const out: Record<string, number> = {};
  let n = 0;
  for (const [key, value] of Object.entries(v)) {
    const count = tokenCount(value);
    if (count === null || count === 0 || !plainName.test(key) || !keep(key)) continue;
    out[name(key)] = count;
    if (++n >= maxKeys) break;
  }
  return n === 0 ? null : out;
}

/** Anthropic `ephemeral_5m_input_tokens` → `5m`. */
const anthropicTtl = /^ephemeral_(\w+)_input_tokens$/;
/** OpenAI `ttl_30m_tokens` → `30m`. */
const openAiTtl = /^ttl_(\w+)_tokens$/;

/**
 * Anthropic `usage` (a message, `message_start`'s message, or a cumulative `message_delta`):
 * members it carries replace those `into` has (a later event's figures are the newer ones).
 */
export function readAnthropicFacts(u: unknown, into: BillingFacts): void {
  if (!isRecord(u)) return;
  const ttl = countsOf(
    u.cache_creation,
    (k) => anthropicTtl.test(k),
    (k) => k.replace(anthropicTtl, "$1"),
  );
  if (ttl !== null) into.cache_write_by_ttl = ttl;
  const tools = countsOf(u.server_tool_use, (k) => k.endsWith("_requests"));
  if (tools !== null) into.server_tool_uses = tools;
  const tier = factName(u.service_tier);
  if (tier !== null) into.service_tier = tier;
  const geo = factName(u.inference_geo);
  if (geo !== null) into.inference_geo = geo;
}

/**
 * OpenAI `usage` (Chat Completions, Responses), the `service_tier` of the object around it and,
 * for a Responses answer, its `output` items (`openAiToolCalls`). Null when nothing billable
 * beyond the token figures was reported.
 */
export function readOpenAiFacts(
  u: unknown,
  serviceTier: unknown,
  output?: unknown,
): BillingFacts | null {
  const facts: BillingFacts = {};
  const tools = openAiToolCalls(output);
  if (tools.counts !== null) facts.server_tool_uses = tools.counts;
  if (tools.partial) facts.server_tool_uses_partial = true;
  if (isRecord(u)) {
    const inputDetails = u.prompt_tokens_details ?? u.input_tokens_details;
    const outputDetails = u.completion_tokens_details ?? u.output_tokens_details;
    const audioIn = detail(inputDetails, "audio_tokens");
    const audioOut = detail(outputDetails, "audio_tokens");
    const imageIn = detail(inputDetails, "image_tokens");
    if (audioIn !== null) facts.audio_input_tokens = audioIn;
    if (audioOut !== null) facts.audio_output_tokens = audioOut;
    if (imageIn !== null) facts.image_input_tokens = imageIn;
    const ttl = isRecord(inputDetails)
      ? countsOf(
        inputDetails.cache_write_tokens_details,
        (k) => openAiTtl.test(k),
        (k) => k.replace(openAiTtl, "$1"),
      )
      : null;
    if (ttl !== null) facts.cache_write_by_ttl = ttl;
  }
  const tier = factName(serviceTier);
  if (tier !== null) facts.service_tier = tier;
  return Object.keys(facts).length === 0 ? null : facts;
}

/**
 * The Responses API's built-in tool calls, items of `response.output` named by `type`: counted by
 * type as `<type>s`. A JSON answer's scanner keeps only `type` and `status` of each item
 * (`openAiDocumentMembers`); a stream's `response.completed` (or `.incomplete`, `.failed`) carries
 * the same whole `output`, and is the one place a stream's items are counted: its
 * `response.output_item.done` events repeat them one by one, and counting both would count each
 * twice.
 *
 * Only a call that completed is counted: `status` `completed`, or no status at all (a server that
 * does not report one). OpenAI's pricing and tool guides say nothing of failed calls (searched
 * 2026-12); Anthropic's say a search that errs is not billed, and clients (litellm's cost
 * tracking, the AI SDK) treat only `completed` calls as done. So `failed`, `incomplete` and
 * in-progress states (`searching`, `interpreting`, `generating`, `calling`) are left out: if OpenAI
 * bills those too, the count is low by them.
 */
const openAiToolCallTypes = new Set([
  "web_search_call",
  "file_search_call",
  "code_interpreter_call",
  "image_generation_call",
  "computer_call",
  "mcp_call",
]);

export function openAiToolCalls(
  output: unknown,
): { counts: Record<string, number> | null; partial: boolean } {
  if (!Array.isArray(output)) return { counts: null, partial: false };
  const limit = usageReadLimits.arrayElements;
  const counts: Record<string, number> = {};
  let any = false;
  for (let i = 0; i < output.length && i < limit; i++) {
    const item: unknown = output[i];
    if (!isRecord(item) || typeof item.type !== "string") continue;
    if (!openAiToolCallTypes.has(item.type)) continue;
    if (item.status !== undefined && item.status !== null && item.status !== "completed") continue;
    const key = `${item.type}s`;
    counts[key] = (counts[key] ?? 0) + 1;
    any = true;
  }
  return { counts: any ? counts : null, partial: output.length > limit };
}

/**
 * Grounding with Google Search of a Gemini or Vertex answer: the queries of every candidate's
 * `groundingMetadata.webSearchQueries`, over a document or every chunk of a stream.
 *
 * Counted as distinct non-empty strings, so that a stream is counted once whether its chunks
 * repeat the metadata so far (what clients that merge it assume: the last one wins) or carry
 * parts of it (it can come before the chunk with `finishReason`): Google's pricing counts
 * "unique" queries and ignores empty ones ("For billing purposes, we ignore the empty web search
 * queries when counting unique queries", Gemini API pricing, quoted on discuss.ai.google.dev
 * t/168136). `grounded_prompts` is 1 when there is at least one such query: a search ran. Grounding
 * chunks alone are not counted: Google Maps grounding and Vertex AI Search report chunks too, and
 * are priced apart; a `google_search` tool the model did not use reports no queries and is not
 * billed as grounded.
 *
 * Bounded: the first `arrayElements` candidates and queries of each, up to `maxQueries` distinct
 * queries of at most `maxQueryChars` characters compared (longer ones by that prefix and their
 * length); past a bound, `partial`.
 */
export class GroundingQueries {
  static readonly maxQueries = 256;
  static readonly maxQueryChars = 256;
  readonly #seen = new Set<string>();
  #partial = false;

  /** A `GenerateContentResponse`: a document, a stream chunk, or the scanner's sparse copy. */
  observe(response: JsonObject): void {
    const candidates = response.candidates;
    if (!Array.isArray(candidates)) return;
    const limit = usageReadLimits.arrayElements;
    if (candidates.length > limit) this.#partial = true;
    for (let i = 0; i < candidates.length && i < limit; i++) {
      const c: unknown = candidates[i];
      const meta = isRecord(c) ? c.groundingMetadata : undefined;
      const queries = isRecord(meta) ? meta.webSearchQueries : undefined;
      if (!Array.isArray(queries)) continue;
      if (queries.length > limit) this.#partial = true;
      for (let j = 0; j < queries.length && j < limit; j++) this.#add(queries[j]);
    }
  }

  /** `{ grounded_prompts, web_search_queries }`, or null when no search ran. */
  counts(): Record<string, number> | null {
    const n = this.#seen.size;
    return n === 0 ? null : { grounded_prompts: 1, web_search_queries: n };
  }

  get partial(): boolean {
    return this.#partial;
  }

  #add(q: unknown): void {
    if (typeof q !== "string" || q === "") return;
    const max = GroundingQueries.maxQueryChars;
    const key = q.length <= max ? q : `${q.slice(0, max)}\u0000${q.length}`;
    if (this.#seen.has(key)) return;
    if (this.#seen.size >= GroundingQueries.maxQueries) {
      this.#partial = true;
      return;
    }
    this.#seen.add(key);
  }
}

/** `readGeminiFacts` of the last usage, with what `grounding` counted so far. */
export function geminiFacts(
  usageFacts: BillingFacts | null,
  grounding: GroundingQueries,
): BillingFacts | null {
  const counts = grounding.counts();
  if (counts === null && !grounding.partial) return usageFacts;
  const facts: BillingFacts = { ...usageFacts };
  if (counts !== null) facts.server_tool_uses = counts;
  if (grounding.partial) facts.server_tool_uses_partial = true;
  return facts;
}

/** A non-zero count at `details[key]`, else null. */
function detail(details: unknown, key: string): number | null {
  if (!isRecord(details)) return null;
  const n = tokenCount(details[key]);
  return n === null || n === 0 ? null : n;
}

/** Gemini's modality names, and where each count goes. */
const geminiInput: Record<string, keyof BillingFacts> = {
  AUDIO: "audio_input_tokens",
  IMAGE: "image_input_tokens",
  VIDEO: "video_input_tokens",
};
const geminiOutput: Record<string, keyof BillingFacts> = {
  AUDIO: "audio_output_tokens",
  IMAGE: "image_output_tokens",
};

/**
 * Gemini `usageMetadata` (a document's, or a stream chunk's running one): the tokens of each
 * modality but text, in and out. Null when there are none.
 */
export function readGeminiFacts(u: unknown): BillingFacts | null {
  if (!isRecord(u)) return null;
  const facts: Record<string, number> = {};
  for (
    const [details, names] of [[u.promptTokensDetails, geminiInput], [
      u.candidatesTokensDetails,
      geminiOutput,
    ]] as const
  ) {
    for (const [modality, count] of listCounts(details, "modality", "tokenCount")) {
      const name = names[modality];
      if (name !== undefined && count > 0) facts[name] = count;
    }
  }
  return Object.keys(facts).length === 0 ? null : facts as BillingFacts;
}

/**
 * `[{ <name>: ..., <count>: ... }]` summed by name (Gemini `{ modality, tokenCount }`, Bedrock
 * `{ ttl, inputTokens }`): the first `maxKeys` entries, each with a plain name (`factName`) and
 * a count (`tokenCount`); others are left out, and so is a sum past a safe integer.
 */
function listCounts(v: unknown, nameMember: string, countMember: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!Array.isArray(v)) return out;
  for (const entry of v.slice(0, maxKeys)) {
    if (!isRecord(entry)) continue;
    const name = factName(entry[nameMember]);
    const count = tokenCount(entry[countMember]);
    if (name === null || count === null) continue;
    const sum = (out.get(name) ?? 0) + count;
    if (Number.isSafeInteger(sum)) out.set(name, sum);
  }
  return out;
}

/**
 * Bedrock Converse: the answer's `usage` (`TokenUsage`) and `serviceTier` (`ServiceTier`), the
 * members beside each other in a `ConverseResponse` and in ConverseStream's `metadata` event
 * (AWS API reference, `TokenUsage`, `CacheDetail`, `ServiceTier`,
 * `ConverseStreamMetadataEvent`):
 * - `usage.cacheDetails`, "Detailed breakdown of cache writes by TTL", `[{ ttl, inputTokens }]`
 *   with `ttl` `5m` or `1h` ("Sorted by TTL duration (1h before 5m)"): `cache_write_by_ttl`,
 *   summed by lifetime, zero sums left out (`listCounts` bounds it);
 * - `serviceTier.type`, "the processing tier type used for serving the request" (`priority`,
 *   `default`, `flex`, `reserved`): `service_tier`.
 * `performanceConfig` (`latency`: `standard` or `optimized`) is not read. Null when nothing was
 * reported.
 */
export function readBedrockConverseFacts(u: unknown, serviceTier: unknown): BillingFacts | null {
  const facts: BillingFacts = {};
  if (isRecord(u)) {
    const ttl: Record<string, number> = {};
    for (const [name, count] of listCounts(u.cacheDetails, "ttl", "inputTokens")) {
      if (count > 0) ttl[name] = count;
    }
    if (Object.keys(ttl).length > 0) facts.cache_write_by_ttl = ttl;
  }
  const tier = isRecord(serviceTier) ? factName(serviceTier.type) : null;
  if (tier !== null) facts.service_tier = tier;
  return Object.keys(facts).length === 0 ? null : facts;
}
