/**
 * What the `bedrock` adapter's `prepareRequest` learns from a request: the model from the path
 * (bedrock_model_id.ts; Bedrock bodies name none), streaming from the operation (the body has no
 * `stream`: the Anthropic Bedrock SDK removes it, plan section 4.1), and the output cap from the
 * body: Converse `inferenceConfig.maxTokens`, an Anthropic invoke body's `max_tokens`. The body is
 * forwarded as sent: Bedrock reports usage on every answer without being asked.
 */
import { isRecord, maxTokensOf, readRequestJson } from "./json_body.ts";
import { parseBedrockPath } from "./bedrock_model_id.ts";
import type { PreparedRequest, PrepareInput } from "./types.ts";

export function prepareBedrockRequest(input: PrepareInput): PreparedRequest {
  const parsed = parseBedrockPath(input.path);
  const op = parsed.ok ? parsed.value.operation : null;
  const json = readRequestJson(input.method, input.contentType, input.body);
  let maxTokens: number | null = null;
  if (json !== null) {
    const config = json.value.inferenceConfig;
    maxTokens = op === "converse" || op === "converse-stream"
      ? isRecord(config) ? maxTokensOf(config, ["maxTokens"]) : null
      : maxTokensOf(json.value, ["max_tokens"]);
  }
  return {
    body: input.body,
    model: parsed.ok ? parsed.value.modelId : null,
    modelIn: "path",
    streaming: op === "converse-stream" || op === "invoke-with-response-stream",
    maxTokens,
    hideUsageEvent: false,
  };
}
