/**
 * Which usage parser a Bedrock answer gets: by the path's operation and the answer's framing.
 * `converse` and `invoke` answer JSON (read by the shared `JsonFrame`), `converse-stream` and
 * `invoke-with-response-stream` an AWS event stream (bedrock_stream.ts). The trace's model is
 * always the path's decoded id (`requestModel`): Converse answers name none, and the path keeps
 * the inference-profile prefix that prices the endpoint scope.
 */
import { createResponseParser, expectationFor, type UsageExpectation } from "./response_parser.ts";
import type { ResponseInfo, SseEventObserver, StreamFraming } from "./types.ts";
import { parseBedrockPath } from "./bedrock_model_id.ts";
import { BedrockConverseReader, BedrockConverseStreamReader } from "./bedrock_converse_usage.ts";
import { BedrockInvokeReader, BedrockInvokeStreamReader } from "./bedrock_invoke_usage.ts";
import {
  type BedrockStreamReader,
  type BedrockUsageParser,
  type BedrockUsageReport,
  createBedrockStreamParser,
} from "./bedrock_stream.ts";

export const eventStreamContentType = "application/vnd.amazon.eventstream";

/**
 * The adapter's `streamKind`: an AWS event stream when the answer says so; for an answer without
 * a content type, the streamed operations' framing. Null: no stream (JSON, an error body).
 */
export function bedrockStreamKind(info: ResponseInfo): StreamFraming | null {
  const type = info.contentType?.toLowerCase() ?? null;
  if (type !== null) {
    if (type.includes(eventStreamContentType)) return "aws-eventstream";
    return type.includes("text/event-stream") ? "sse" : null;
  }
  const parsed = parseBedrockPath(info.path);
  if (!parsed.ok) return null;
  const op = parsed.value.operation;
  return op === "converse-stream" || op === "invoke-with-response-stream"
    ? "aws-eventstream"
    : null;
}

/**
 * Generation operations report usage; token counting is free and the bidirectional stream
 * (Nova Sonic, HTTP/2) is passed through unread; anything else is optional.
 */
export function bedrockPathRule(path: string): UsageExpectation {
  const parsed = parseBedrockPath(path);
  if (!parsed.ok) return parsed.reason === "bad_model_id" ? "none" : "optional";
  switch (parsed.value.operation) {
    case "count-tokens":
    case "invoke-with-bidirectional-stream":
      return "none";
    default:
      return "expected";
  }
}

/** The adapter's `createUsageParser` for the `bedrock` kind. */
export function createBedrockUsageParser(
  info: ResponseInfo,
  observer?: SseEventObserver,
): BedrockUsageParser {
  const expectation = expectationFor(info, bedrockPathRule(info.path));
  const parsed = parseBedrockPath(info.path);
  const op = parsed.ok ? parsed.value.operation : null;
  const model = info.requestModel ?? (parsed.ok ? parsed.value.modelId : null);
  if (expectation !== "none" && bedrockStreamKind(info) === "aws-eventstream") {
    // `invoke` never streams; should it, its events are still the family's chunks.
    const reader: BedrockStreamReader = op === "invoke-with-response-stream" || op === "invoke"
      ? new BedrockInvokeStreamReader()
      : new BedrockConverseStreamReader(model);
    return createBedrockStreamParser(model, expectation === "expected", reader, observer);
  }
  const modelInfo = { ...info, requestModel: model };
  if (op === "converse") {
    const reader = new BedrockConverseReader(model);
    const inner = createResponseParser(modelInfo, expectation, reader, observer);
    return {
      push: (chunk) => inner.push(chunk),
      stop: (reason) => inner.stop(reason),
      finish(complete) {
        const report: BedrockUsageReport = inner.finish(complete);
        return report.status === "exact" && reader.anomaly !== null
          ? { ...report, usageAnomaly: reader.anomaly }
          : report;
      },
    };
  }
  return createResponseParser(modelInfo, expectation, new BedrockInvokeReader(), observer);
}
