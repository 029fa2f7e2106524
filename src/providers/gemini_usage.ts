/**
 * Usage in the Gemini wire format (Gemini API and Vertex AI `publishers/google`):
 * `usageMetadata` of `generateContent` (one JSON document) and of `streamGenerateContent?alt=sse`
 * (one `GenerateContentResponse` per `data:` event, no event names, no terminator).
 *
 * | trace field           | from `usageMetadata`                                      |
 * | --------------------- | --------------------------------------------------------- |
 * | `input_tokens`        | `promptTokenCount + (toolUsePromptTokenCount ?? 0)`        |
 * | `cached_input_tokens` | `cachedContentTokenCount ?? 0` (a part of the prompt)      |
 * | `cache_write_tokens`  | 0 (Gemini bills no per-request cache write)                |
 * | `output_tokens`       | `(candidatesTokenCount ?? 0) + (thoughtsTokenCount ?? 0)` |
 * | `reasoning_tokens`    | `thoughtsTokenCount ?? 0`                                 |
 * | `total_tokens`        | input + output, which is `totalTokenCount`                |
 *
 * js-genai `GenerateContentResponseUsageMetadata` (src/types.ts @ 6e9b35c): `promptTokenCount`
 * "includes ... the cached content"; `candidatesTokenCount` excludes thoughts; `totalTokenCount`
 * is prompt + candidates + tool-use prompt + thoughts (checked on two recordings: 21 + 445 + 234
 * + 213 = 913; 1844 + 432 + 1934 + 91 = 4301). Tool-use prompt tokens are input that server-side
 * tools (grounding, code execution, URL context, MCP) fed back to the model. A `totalTokenCount`
 * that disagrees is counted as a parse error; the figures are kept as the formula gives them.
 *
 * Streams: every chunk repeats the running `usageMetadata` and only the last one's is the total
 * (gemini-2.0-flash even sends an interim `promptTokenCount` of 12 and a final one of 11). Vertex
 * sends `{"trafficType": "ON_DEMAND"}` alone on interim chunks: a chunk without
 * `promptTokenCount` carries no figures and leaves the last ones in place. The figures are final
 * only when the body ended cleanly after the answer finished (a `finishReason` or a prompt
 * `blockReason` with no output after it; see `FinishTracker`) and no in-band error came; a cut
 * stream's usage is unknown, never the running count.
 *
 * `streamGenerateContent` without `alt=sse` answers one JSON array written as it goes: the
 * document frame reads objects only (its usage would be unknown); gemini_array_stream.ts reads it.
 */
import type { Usage } from "./usage.ts";
import { isRecord, type JsonObject } from "./json_body.ts";
import { eachElement, type MemberPath } from "./json_member_paths.ts";
import type { ReaderResult, UsageReader } from "./response_parser.ts";
import type { BillingTier } from "./types.ts";
import {
  type BillingFacts,
  geminiFacts,
  GroundingQueries,
  readGeminiFacts,
} from "./billing_facts.ts";
import { makeUsage, tokenCount } from "./usage_counts.ts";
import { chunkFacts, FinishTracker } from "./gemini_chunks.ts";
import { UnframedJsonAssembler } from "./gemini_unframed.ts";

/**
 * The grounding queries of each candidate (`GroundingQueries`), not the candidate: it holds the
 * whole answer, past the member bound on a long one.
 */
export const geminiGroundingMembers: readonly MemberPath[] = [
  ["candidates", eachElement, "groundingMetadata", "webSearchQueries", eachElement],
];

/** What the document frame keeps of a `generateContent` answer; a document is final as it stands. */
export const geminiDocumentMembers: readonly MemberPath[] = [
  ["usageMetadata"],
  ["modelVersion"],
  ...geminiGroundingMembers,
];

/**
 * Vertex's `usageMetadata.trafficType` as a billing tier. Provisioned throughput is paid by the
 * hour: its tokens have no per-token price.
 */
export function billingOf(trafficType: string): BillingTier {
  return { tier: trafficType.slice(0, 64), perToken: trafficType !== "PROVISIONED_THROUGHPUT" };
}

/** Thrown after the figures were kept: the frame counts it as a parse error. */
export class GeminiTotalMismatch extends Error {
  constructor(reported: number, computed: number) {
    super(`usageMetadata.totalTokenCount ${reported} is not the sum of its parts ${computed}`);
  }
}

/** `usageMetadata` as a `Usage` (the table above); null when it reports no prompt count. */
export function readGeminiUsage(u: unknown): Usage | null {
  if (!isRecord(u)) return null;
  const prompt = tokenCount(u.promptTokenCount);
  if (prompt === null) return null;
  const thoughts = tokenCount(u.thoughtsTokenCount) ?? 0;
  return makeUsage({
    input: prompt + (tokenCount(u.toolUsePromptTokenCount) ?? 0),
    output: (tokenCount(u.candidatesTokenCount) ?? 0) + thoughts,
    cached: tokenCount(u.cachedContentTokenCount),
    cacheWrite: 0,
    reasoning: thoughts,
  });
}

/** `totalTokenCount` when it is reported and differs from the usage's total. */
function mismatch(u: unknown, usage: Usage): GeminiTotalMismatch | null {
  if (!isRecord(u)) return null;
  const total = tokenCount(u.totalTokenCount);
  return total !== null && total !== usage.total_tokens
    ? new GeminiTotalMismatch(total, usage.total_tokens)
    : null;
}

function modelVersionOf(doc: JsonObject): string | null {
  const v = doc.modelVersion;
  return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
}

export class GeminiUsageReader implements UsageReader {
  readonly documentMembers = geminiDocumentMembers;
  #model: string | null = null;
  #usage: Usage | null = null;
  #trafficType: string | null = null;
  #facts: BillingFacts | null = null;
  readonly #grounding = new GroundingQueries();
  #document = false;
  #errored = false;
  readonly #finish = new FinishTracker();
  readonly #unframed = new UnframedJsonAssembler();

  /** Vertex `usageMetadata.trafficType` (`ON_DEMAND`, `PROVISIONED_THROUGHPUT`, ...), last seen. */
  get trafficType(): string | null {
    return this.#trafficType;
  }

  /** An in-band error came (`data: {"error": ...}` or a raw JSON error object). */
  get errored(): boolean {
    return this.#errored;
  }

  event(data: unknown): void {
    if (!isRecord(data)) return;
    if (isRecord(data.error)) {
      this.#errored = true;
      return;
    }
    this.#read(data);
  }

  document(data: unknown): void {
    this.#document = true;
    if (!isRecord(data)) return;
    this.#read(data);
  }

  /**
   * A line outside SSE framing. Returns true when it completed an in-band error object (the
   * frame then marks the report's `upstreamStreamError`).
   */
  unframed(line: string): boolean {
    const r = this.#unframed.push(line);
    if (r.kind !== "error") return false;
    this.#errored = true;
    return true;
  }

  result(complete: boolean): ReaderResult {
    const final = this.#usage !== null && !this.#errored &&
      (this.#document || (complete && this.#finish.finished && !this.#unframed.open));
    const result: ReaderResult = { model: this.#model, usage: this.#usage, final };
    if (this.#trafficType !== null) result.billing = billingOf(this.#trafficType);
    const facts = geminiFacts(this.#facts, this.#grounding);
    if (facts !== null) result.facts = facts;
    return result;
  }

  #read(data: JsonObject): void {
    this.#model = modelVersionOf(data) ?? this.#model;
    this.#finish.observe(chunkFacts(data));
    // Every chunk: the grounding metadata can come before the chunk with the last usage.
    this.#grounding.observe(data);
    const meta = data.usageMetadata;
    if (isRecord(meta) && typeof meta.trafficType === "string") {
      this.#trafficType = meta.trafficType;
    }
    const usage = readGeminiUsage(meta);
    if (usage === null) return;
    this.#usage = usage;
    // The running figures of the chunk with the usage: the last one's are the answer's.
    this.#facts = readGeminiFacts(meta);
    const wrong = mismatch(meta, usage);
    if (wrong !== null) throw wrong;
  }
}
