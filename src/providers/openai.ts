/**
 * The OpenAI wire format, also used unchanged by every OpenAI-compatible provider.
 *
 * A Chat Completions or Completions stream reports usage only when the request says
 * `stream_options.include_usage`. When the client did not, and the provider allows it
 * (`stream_usage`), we add it and remove the resulting usage-only chunk from what the client
 * receives, so the client sees the stream it asked for and the trace still gets exact tokens.
 */
import {
  encodeRequestText,
  isRecord,
  maxTokensOf,
  modelOf,
  readRequestJson,
  type RequestJson,
} from "./json_body.ts";
import { setTopLevelMember } from "./json_splice.ts";
import { openAiPathRule, OpenAiUsageReader } from "./openai_usage.ts";
import { cleanPath, endsWithSegments } from "./paths.ts";
import { createResponseParser, expectationFor } from "./response_parser.ts";
import { createSseEventFilter } from "./sse_event_filter.ts";
import type { PreparedRequest, PrepareInput, ProviderAdapter } from "./types.ts";

/** The endpoints that accept `stream_options`; Responses streams always end with usage. */
const streamOptionsPaths = ["chat/completions", "completions"];

export const openAiAdapter: ProviderAdapter = {
  prepareRequest(input: PrepareInput): PreparedRequest {
    const json = readRequestJson(input.method, input.contentType, input.body);
    const streaming = json?.value.stream === true;
    const prepared: PreparedRequest = {
      body: input.body,
      model: json === null ? null : modelOf(json.value),
      streaming,
      hideUsageEvent: false,
      maxTokens: json === null
        ? null
        : maxTokensOf(json.value, ["max_completion_tokens", "max_tokens", "max_output_tokens"]),
    };
    if (json === null || !streaming || !input.streamUsage) return prepared;
    const path = cleanPath(input.path);
    if (!streamOptionsPaths.some((s) => endsWithSegments(path, s))) return prepared;
    const body = withIncludeUsage(json);
    return body === null ? prepared : { ...prepared, body, hideUsageEvent: true };
  },

  createUsageParser(info) {
    return createResponseParser(
      info,
      expectationFor(info, openAiPathRule(info.path)),
      new OpenAiUsageReader(),
    );
  },

  hideUsageEvent() {
    return createSseEventFilter(isUsageOnlyChunk);
  },
};

/** The body with `stream_options.include_usage: true`, or null when the client already asked. */
function withIncludeUsage(json: RequestJson): Uint8Array<ArrayBuffer> | null {
  const current = json.value.stream_options;
  if (isRecord(current) && current.include_usage === true) return null;
  const options = isRecord(current) ? { ...current, include_usage: true } : {
    include_usage: true,
  };
  const text = setTopLevelMember(json.text, "stream_options", JSON.stringify(options));
  return text === null ? null : encodeRequestText(json, text);
}

/** The chunk `include_usage` adds: no choices, only usage. */
export function isUsageOnlyChunk(data: string): boolean {
  if (!data.includes('"usage"')) return false;
  try {
    const chunk: unknown = JSON.parse(data);
    return isRecord(chunk) && Array.isArray(chunk.choices) && chunk.choices.length === 0 &&
      isRecord(chunk.usage);
  } catch {
    return false;
  }
}
