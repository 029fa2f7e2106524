/**
 * The `gemini` kind: Google's Gemini API (`generativelanguage.googleapis.com`). The model and
 * whether the answer streams are the path's (`/{v}/models/{model}:{method}`, gemini_paths.ts),
 * `maxTokens` the body's `generationConfig.maxOutputTokens`. Usage: gemini_usage.ts (JSON and
 * `alt=sse` streams), gemini_array_stream.ts (a stream without `alt=sse`); commit rules:
 * commit_gemini.ts; error facts: gemini_errors.ts.
 *
 * Stream text for PII redaction: gemini_stream_text.ts (text and thought parts are pieces per
 * candidate; `functionCall.args` is whole within its chunk and checked as it stands; what cannot
 * be followed stops the stream). `hideUsageEvent`: Gemini streams report usage on every chunk;
 * nothing is added.
 */
import { isRecord, readRequestJson } from "./json_body.ts";
import {
  createResponseParser,
  expectationFor,
  isEventStream,
  sseStreamKind,
  type UsageExpectation,
} from "./response_parser.ts";
import { GeminiUsageReader } from "./gemini_usage.ts";
import { GeminiArrayUsageParser } from "./gemini_array_stream.ts";
import { GeminiCommitRules } from "./commit_gemini.ts";
import { geminiErrorBodyFacts } from "./gemini_errors.ts";
import { locateGeminiStreamText } from "./gemini_stream_text.ts";
import {
  type GeminiPath,
  geminiWithModel,
  type MethodKind,
  parseGeminiPath,
} from "./gemini_paths.ts";
import { StreamCommitScanner } from "./stream_commit.ts";
import type {
  PreparedRequest,
  PrepareInput,
  ProviderAdapter,
  ResponseInfo,
  UsageParser,
} from "./types.ts";

/** Usage by method: generation reports it; counting tokens is free; embeddings report none. */
function pathRule(path: GeminiPath | null): UsageExpectation {
  if (path === null) return "optional";
  if (path.kind === "generate") return "expected";
  if (path.kind === "count_tokens") return "none";
  return "optional";
}

/** `gen_ai.operation.name` by method kind (OpenTelemetry GenAI conventions). */
const operations: Partial<Record<MethodKind, string>> = {
  generate: "generate_content",
  embed: "embeddings",
};

export function prepareGeminiRequest(input: PrepareInput): PreparedRequest {
  const path = parseGeminiPath(input.path);
  const json = readRequestJson(input.method, input.contentType, input.body);
  const config = json === null ? null : json.value.generationConfig;
  const max = isRecord(config) ? config.maxOutputTokens : undefined;
  return {
    body: input.body,
    model: path?.model ?? null,
    streaming: path?.streams ?? false,
    hideUsageEvent: false,
    maxTokens: typeof max === "number" && Number.isSafeInteger(max) && max >= 0 ? max : null,
    modelIn: "path",
  };
}

/**
 * Embeddings on the Gemini API carry no usage by design (js-genai `EmbedContentResponse`): a 2xx
 * answer's usage is unknown with reason `not_reported`, never zero.
 */
function notReportedParser(model: string | null): UsageParser {
  return {
    push() {},
    stop() {},
    finish: () => ({
      model,
      usage: null,
      status: "unknown",
      parseErrors: 0,
      unknownReason: "not_reported",
    }),
  };
}

function streamedPost(info: ResponseInfo): boolean {
  const post = info.method === undefined || info.method.toUpperCase() === "POST";
  return post && info.status >= 200 && info.status < 300;
}

export const geminiAdapter: ProviderAdapter = {
  prepareRequest: prepareGeminiRequest,
  streamKind: sseStreamKind,
  keyHeader: (key) => ["x-goog-api-key", key],
  withModel: geminiWithModel,
  operationOf(path) {
    const p = parseGeminiPath(path);
    return p === null ? null : operations[p.kind] ?? null;
  },

  createUsageParser(info, observer) {
    const path = parseGeminiPath(info.path);
    const expectation = expectationFor(info, pathRule(path));
    if (expectation !== "none" && path?.kind === "embed") {
      return notReportedParser(info.requestModel);
    }
    if (expectation !== "none" && path?.framing === "json-array" && !isEventStream(info)) {
      return new GeminiArrayUsageParser(info.requestModel);
    }
    return createResponseParser(info, expectation, new GeminiUsageReader(), observer);
  },

  createCommitScanner(info, options) {
    if (!streamedPost(info) || !isEventStream(info)) return null;
    const path = parseGeminiPath(info.path);
    if (path === null || !path.streams) return null;
    return new StreamCommitScanner(new GeminiCommitRules(), options);
  },

  errorFacts: geminiErrorBodyFacts,
  locateStreamText: locateGeminiStreamText,

  /**
   * What `@google/genai` raises mid-stream: the raw JSON error object, unframed
   * (`GeminiCommitRules.termination` says why not `data:`).
   */
  streamError(code, message) {
    return new GeminiCommitRules().termination(message, code);
  },
};
