/**
 * Usage of Vertex AI embeddings (`publishers/google`), by the method `@google/genai` 3.6.1 picks
 * (`Models.embedContent`, `dist/node/index.mjs`: `tIsVertexEmbedContentModel`):
 *
 * | method                | models                           | answer (usage part)                                              |
 * | --------------------- | -------------------------------- | ---------------------------------------------------------------- |
 * | `:predict`            | `text-embedding-*`, multilingual | `predictions[].embeddings.statistics.token_count`, one per input |
 * | `:embedContent`       | `gemini-embedding-*` (one input) | `usageMetadata.promptTokenCount`                                 |
 * | `:batchEmbedContents` | `gemini-embedding-*` (several)   | `usageMetadata`, else `embeddings[].statistics.token_count`      |
 *
 * Every token is input (`input_tokens`), none is output. `:predict` is Vertex's generic method
 * (images, custom models): an answer without token counts there reports none (`optional`), never
 * zero. The `predictions` member holds the vectors too; it is kept up to the member bound
 * (`usageReadLimits.memberBytes`, about a dozen 768-dimension vectors), past which the usage is
 * unknown with reason `usage_member_too_large`. `text-embedding-*` models are billed per
 * character on Vertex (`metadata.billableCharacterCount`), which the per-token price table cannot
 * say: the tokens are recorded, the price is the config's to give.
 */
import type { Usage } from "./usage.ts";
import { isRecord } from "./json_body.ts";
import type { MemberPath } from "./json_member_paths.ts";
import type { ReaderResult, UsageReader } from "./response_parser.ts";
import { makeUsage, tokenCount } from "./usage_counts.ts";
import { readGeminiUsage } from "./gemini_usage.ts";

const members: readonly MemberPath[] = [["usageMetadata"], ["predictions"], ["embeddings"]];

/** The summed `statistics.token_count` of embeddings; null unless every one reports it. */
function summedTokenCounts(embeddings: readonly unknown[]): number | null {
  if (embeddings.length === 0) return null;
  let sum = 0;
  for (const e of embeddings) {
    const stats = isRecord(e) && isRecord(e.statistics) ? e.statistics : null;
    // `token_count` on the REST wire; `tokenCount` as js-genai renames it (either may come).
    const n = stats === null ? null : tokenCount(stats.token_count) ?? tokenCount(stats.tokenCount);
    if (n === null) return null;
    sum += n;
  }
  return sum;
}

function inputOnly(input: number | null): Usage | null {
  return input === null ? null : makeUsage({ input, output: 0, cached: 0, cacheWrite: 0 });
}

/** Reads one embeddings answer (a JSON document; embeddings do not stream). */
export class VertexEmbedUsageReader implements UsageReader {
  readonly documentMembers = members;
  #usage: Usage | null = null;

  event(): void {}

  document(data: unknown): void {
    if (!isRecord(data)) return;
    const meta = readGeminiUsage(data.usageMetadata);
    if (meta !== null) {
      // Embedding answers count only the prompt; anything generated would not be an embedding.
      this.#usage = inputOnly(meta.input_tokens);
      return;
    }
    if (Array.isArray(data.predictions)) {
      const embeddings = data.predictions.map((p) => isRecord(p) ? p.embeddings : null);
      this.#usage = inputOnly(summedTokenCounts(embeddings));
    } else if (Array.isArray(data.embeddings)) {
      this.#usage = inputOnly(summedTokenCounts(data.embeddings));
    }
  }

  result(): ReaderResult {
    return { model: null, usage: this.#usage, final: this.#usage !== null };
  }
}
