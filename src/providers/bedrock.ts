/**
 * The `bedrock` kind: Amazon Bedrock Runtime (`bedrock-runtime.{region}.amazonaws.com`), its
 * real paths forwarded unchanged: `/model/{modelId}/converse`, `/converse-stream`, `/invoke`,
 * `/invoke-with-response-stream`, `/count-tokens` (issue 20 plan section 6). The model and
 * whether the answer streams are the path's (bedrock_model_id.ts: the SDKs percent-encode the
 * id, so an ARN's `/` arrives as `%2F`, allowed in that one segment); `maxTokens` the body's
 * (bedrock_request.ts). Usage: bedrock_usage.ts (Converse `usage`, the stream's `metadata`
 * event, an invoke body's family usage, invocation metrics and token headers); commit rules:
 * commit_bedrock.ts over whole event-stream messages; error facts: bedrock_errors.ts
 * (`x-amzn-errortype`, the body's `__type`).
 *
 * Credentials: a Bedrock API key travels as `Authorization: Bearer`, passed through and
 * fingerprinted like other keys; a pool key goes out the same way. SigV4 is not signed here
 * (the client's signature covers the gateway's host): re-signing is the proxy's upstream-auth
 * step, with credentials from the provider's `aws` config.
 *
 * Not here: `locateStreamText` and `streamError`. Both are SSE notions (a text locator over SSE
 * events, an SSE error event as text); Bedrock streams are binary, and the PII stage reads them
 * with its event-stream redactor (`proxy/pii_response.ts` for `streamKind` `aws-eventstream`),
 * which writes its own exception message. `hideUsageEvent`: Bedrock reports usage unasked.
 */
import {
  bedrockAllowsEncodedSlash,
  bedrockPriceKey,
  parseBedrockPath,
  withBedrockModel,
} from "./bedrock_model_id.ts";
import { prepareBedrockRequest } from "./bedrock_request.ts";
import { bedrockStreamKind, createBedrockUsageParser } from "./bedrock_usage.ts";
import { bedrockErrorFacts } from "./bedrock_errors.ts";
import { BedrockConverseCommitRules, BedrockInvokeCommitRules } from "./commit_bedrock.ts";
import { StreamCommitScanner } from "./stream_commit.ts";
import type { CommitOptions } from "./commit_types.ts";
import type { ProviderAdapter, ResponseInfo } from "./types.ts";

/**
 * `gen_ai.operation.name`: Converse is chat; an invoke body is the family's own, so the model
 * says (embedding models answer `invoke` too); counting tokens and anything else is none.
 */
export function bedrockOperationOf(path: string): string | null {
  const parsed = parseBedrockPath(path);
  if (!parsed.ok) return null;
  switch (parsed.value.operation) {
    case "converse":
    case "converse-stream":
      return "chat";
    case "invoke":
    case "invoke-with-response-stream":
      return /(?:^|[.:/-])embed/i.test(parsed.value.modelId) ? "embeddings" : "chat";
    default:
      return null;
  }
}

/** Why a path is refused before it is sent: a `/model/{id}/...` path whose id is hostile. */
export function bedrockPathProblem(pathAndQuery: string): string | null {
  const parsed = parseBedrockPath(pathAndQuery);
  return !parsed.ok && parsed.reason === "bad_model_id" ? parsed.detail : null;
}

/**
 * The commit scanner of a 2xx event stream answering a POST to `converse-stream` or
 * `invoke-with-response-stream`; null for anything else.
 */
export function bedrockCommitScanner(
  info: ResponseInfo,
  options: CommitOptions,
): StreamCommitScanner | null {
  const post = info.method === undefined || info.method.toUpperCase() === "POST";
  if (!post || info.status < 200 || info.status >= 300) return null;
  if (bedrockStreamKind(info) !== "aws-eventstream") return null;
  const parsed = parseBedrockPath(info.path);
  if (!parsed.ok) return null;
  switch (parsed.value.operation) {
    case "converse-stream":
      return new StreamCommitScanner(new BedrockConverseCommitRules(), options);
    case "invoke-with-response-stream":
      return new StreamCommitScanner(new BedrockInvokeCommitRules(), options);
    default:
      return null;
  }
}

export const bedrockAdapter: ProviderAdapter = {
  prepareRequest: prepareBedrockRequest,
  streamKind: bedrockStreamKind,
  keyHeader: (key) => ["authorization", `Bearer ${key}`],
  withModel: withBedrockModel,
  allowsEncodedSlash: bedrockAllowsEncodedSlash,
  operationOf: bedrockOperationOf,
  priceKeyOf: bedrockPriceKey,
  pathProblem: bedrockPathProblem,
  createUsageParser: createBedrockUsageParser,
  createCommitScanner: bedrockCommitScanner,
  errorFacts: bedrockErrorFacts,
};
