/**
 * Usage of Bedrock's Converse (`usage` of the JSON answer) and ConverseStream (`usage` of the
 * `metadata` event, the stream's last; no earlier event carries usage). `TokenUsage`
 * (bedrock-client 3.1178.0 `schemas_0.js:1283`): `inputTokens`, `outputTokens`, `totalTokens`,
 * `cacheReadInputTokens`, `cacheWriteInputTokens`, `cacheDetails[]`.
 *
 * `inputTokens` counts only the input that was neither read from nor written to the cache
 * (AWS prompt-caching guide, "total input tokens = inputTokens + cacheReadInputTokens +
 * cacheWriteInputTokens", quoted in crmne/ruby_llm PR #832 and LiteLLM PR #15292), so:
 *
 * | trace field         | formula                                      |
 * | ------------------- | -------------------------------------------- |
 * | input_tokens        | inputTokens + cacheRead + cacheWrite         |
 * | cached_input_tokens | cacheReadInputTokens ?? 0                    |
 * | cache_write_tokens  | cacheWriteInputTokens ?? 0                   |
 * | output_tokens       | outputTokens (reasoning included)            |
 * | reasoning_tokens    | 0: Converse reports no reasoning count       |
 *
 * Some answers carry the cache figures as `cacheReadInputTokenCount` /
 * `cacheWriteInputTokenCount` (seen beside or instead of the documented names in recorded
 * bodies); they are read only when the documented member is absent, so they never add twice.
 *
 * Beside the counts, the billing facts (`readBedrockConverseFacts`): the cache writes by lifetime
 * of `usage.cacheDetails`, and the tier that served the answer, `serviceTier.type`, a member
 * beside `usage` in both the JSON answer and the `metadata` event.
 */
import type { Usage } from "./usage.ts";
import { isRecord } from "./json_body.ts";
import { makeUsage, tokenCount } from "./usage_counts.ts";
import type { ReaderResult, UsageReader } from "./response_parser.ts";
import type { MemberPath } from "./json_member_paths.ts";
import type {
  BedrockReaderResult,
  BedrockStreamMessage,
  BedrockStreamReader,
  BedrockUsageAnomaly,
} from "./bedrock_stream.ts";
import { bedrockModelId } from "./bedrock_model_id.ts";
import { type BillingFacts, readBedrockConverseFacts } from "./billing_facts.ts";

export interface ConverseUsage {
  usage: Usage | null;
  anomaly: BedrockUsageAnomaly | null;
}

/**
 * A cache figure: the documented member, else its `...Count` alias; absent (or JSON null, which
 * the SDK reads as absent: the members are optional) is 0.
 */
function cacheCount(u: Record<string, unknown>, name: string): number | null {
  if (u[name] !== undefined && u[name] !== null) return tokenCount(u[name]);
  const alias = u[`${name.slice(0, -"Tokens".length)}TokenCount`];
  return alias === undefined || alias === null ? 0 : tokenCount(alias);
}

/**
 * `TokenUsage` → trace usage, following the documented formula whatever the model. `model` is
 * the path's model id: on an `openai.*` model a ConverseStream was measured reporting the cache
 * write inside `inputTokens` as well (Bifrost PR #6942: `inputTokens=4995`,
 * `cacheWriteInputTokens=4993`, `totalTokens=10007`, where the non-streamed call said
 * `inputTokens=2`); such figures are kept as reported and flagged, not corrected.
 */
export function converseUsage(u: unknown, model: string | null): ConverseUsage {
  if (!isRecord(u)) return { usage: null, anomaly: null };
  const input = tokenCount(u.inputTokens);
  const output = tokenCount(u.outputTokens);
  const cached = cacheCount(u, "cacheReadInputTokens");
  const cacheWrite = cacheCount(u, "cacheWriteInputTokens");
  if (input === null || output === null || cached === null || cacheWrite === null) {
    return { usage: null, anomaly: null };
  }
  const usage = makeUsage({ input: input + cached + cacheWrite, output, cached, cacheWrite });
  const cachedPart = cached + cacheWrite;
  const doubled = model !== null && bedrockModelId(model).provider === "openai" &&
    cachedPart > 0 && input >= cachedPart;
  return { usage, anomaly: usage !== null && doubled ? "bedrock_openai_cache_double_count" : null };
}

/** The JSON answer of `converse`: `usage` and `serviceTier.type` are read (it names no model). */
export class BedrockConverseReader implements UsageReader {
  readonly documentMembers: readonly MemberPath[] = converseMembers;
  #usage: ConverseUsage = { usage: null, anomaly: null };
  #facts: BillingFacts | null = null;
  #seen = false;

  constructor(private readonly model: string | null) {}

  /** Converse answers are never SSE; an event here is not Bedrock's. */
  event(): void {
    throw new Error("a Converse answer is JSON, not SSE");
  }

  document(data: unknown): void {
    if (!isRecord(data)) return;
    this.#seen = data.usage !== undefined;
    this.#usage = converseUsage(data.usage, this.model);
    this.#facts = readBedrockConverseFacts(data.usage, data.serviceTier);
  }

  result(): ReaderResult {
    const r: ReaderResult = { model: null, usage: this.#usage.usage, final: this.#seen };
    if (this.#facts !== null) r.facts = this.#facts;
    return r;
  }

  /** Set after `document` when the figures carry a known provider bug. */
  get anomaly(): BedrockUsageAnomaly | null {
    return this.#usage.anomaly;
  }
}

const converseMembers: readonly MemberPath[] = [["usage"], ["serviceTier", "type"]];

/**
 * ConverseStream: the `metadata` event's `usage` is final once it arrived (a cut after it
 * changes nothing); before it, usage is unknown. The random `p` padding is never read.
 */
export class BedrockConverseStreamReader implements BedrockStreamReader {
  #usage: ConverseUsage = { usage: null, anomaly: null };
  #facts: BillingFacts | null = null;
  #final = false;

  constructor(private readonly model: string | null) {}

  message(m: BedrockStreamMessage): void {
    if (m.messageType !== "event" || m.type !== "metadata") return;
    const data: unknown = JSON.parse(m.payload);
    if (!isRecord(data)) throw new Error("a metadata event that is not an object");
    this.#usage = converseUsage(data.usage, this.model);
    this.#facts = readBedrockConverseFacts(data.usage, data.serviceTier);
    this.#final = true;
  }

  result(): BedrockReaderResult {
    const r: BedrockReaderResult = {
      model: null,
      usage: this.#usage.usage,
      final: this.#final,
      anomaly: this.#usage.anomaly,
    };
    if (this.#facts !== null) r.facts = this.#facts;
    return r;
  }
}
