/**
 * Reading `BillingFacts` (types.ts) from the usage objects of Anthropic, OpenAI and Gemini answers. The
 * values come from an upstream, so each is bounded: counts as `tokenCount` checks them, names
 * (a tier, a region, a tool, a lifetime) short and plain, and at most a few keys per map; anything
 * else is left out, never stored as it came.
 */
import { isRecord } from "./json_body.ts";
import { tokenCount } from "./usage_counts.ts";

/**
 * What an answer reports that its provider prices apart from the token figures of `Usage`
 * (issue 24: cost that matches the invoice). Trace metadata `usage_billing`. A member is present
 * only when the answer reported it (counts only when not zero): absent is "not reported", never 0.
 */
export interface BillingFacts {
  /**
   * The cache writes by lifetime, keyed as the provider names the lifetime (Anthropic
   * `usage.cache_creation`: `5m`, `1h`; OpenAI `cache_write_tokens_details`: `30m`, `12h`):
   * parts of `cache_write_tokens`, priced by lifetime (an Anthropic 1-hour write costs 2x input,
   * a 5-minute one 1.25x).
   */
  cache_write_by_ttl?: Record<string, number>;
  /** The tier that served the answer (Anthropic `standard`, `priority`, `batch`; OpenAI `default`, `flex`, `priority`, `scale`). */
  service_tier?: string;
  /** Where Anthropic ran the inference (`global`, `us`: US-only is priced 1.1x on Claude 4.6 and later). */
  inference_geo?: string;
  /** Server-side tool uses priced per use (Anthropic `usage.server_tool_use`: `web_search_requests`, ...). */
  server_tool_uses?: Record<string, number>;
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
 * OpenAI `usage` (Chat Completions, Responses) and the `service_tier` of the object around it.
 * Null when nothing billable beyond the token figures was reported.
 */
export function readOpenAiFacts(u: unknown, serviceTier: unknown): BillingFacts | null {
  const facts: BillingFacts = {};
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
    for (const [modality, count] of modalityCounts(details)) {
      const name = names[modality];
      if (name !== undefined && count > 0) facts[name] = count;
    }
  }
  return Object.keys(facts).length === 0 ? null : facts as BillingFacts;
}

/** `[{ modality, tokenCount }]` summed by modality (the first `maxKeys` entries). */
function modalityCounts(v: unknown): Map<string, number> {
  const out = new Map<string, number>();
  if (!Array.isArray(v)) return out;
  for (const entry of v.slice(0, maxKeys)) {
    if (!isRecord(entry)) continue;
    const modality = factName(entry.modality);
    const count = tokenCount(entry.tokenCount);
    if (modality === null || count === null) continue;
    const sum = (out.get(modality) ?? 0) + count;
    if (Number.isSafeInteger(sum)) out.set(modality, sum);
  }
  return out;
}
