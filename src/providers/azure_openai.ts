/**
 * The `azure-openai` kind: the OpenAI wire format unchanged (usage, commit rules, text locations,
 * the stream error event and the hidden usage chunk are openai.ts's; Azure's stream shapes are
 * pinned in tests/providers/azure_usage_test.ts and azure_commit_test.ts), plus what Azure adds:
 *
 * - the model the request names is the path's deployment on `/openai/deployments/{d}/...`, else
 *   the body's `model` (a deployment name too; azure_paths.ts);
 * - `stream_options.include_usage` is added only where Azure accepts it (the v1 API, API version
 *   2024-09-01-preview and later: `acceptsStreamOptions`), so an older api-version is forwarded
 *   as the client sent it and its stream's usage is `unknown` unless the client asked;
 * - error facts read Azure's codes and its `retry-after-ms` / `Retry-After` (azure_errors.ts);
 * - the provider-contract hooks P0 adds (`withModel`, `operationOf`), typed here until P0 lands.
 *
 * No Responses WebSocket mode: Azure's Responses API is HTTP here (the WebSocket relay speaks to
 * OpenAI's `/v1/responses` only).
 */
import { openAiAdapter } from "./openai.ts";
import { azureErrorBodyFacts } from "./azure_errors.ts";
import { azurePoolKeyHeader, azureTraceModel } from "./azure_model.ts";
import {
  acceptsStreamOptions,
  azureOperationName,
  azureWithModel,
  type ModelPlacement,
  parseAzurePath,
  readAzurePath,
} from "./azure_paths.ts";
import type {
  PreparedRequest,
  PrepareInput,
  ProviderAdapter,
  TraceModel,
  TraceModelInput,
} from "./types.ts";

// P0 shared type, copied from the plan section 10 until P0 lands (ProviderAdapter additions).
export interface AzureAdapterHooks {
  withModel(request: ModelPlacement, model: string): ModelPlacement;
  operationOf(path: string): string | null;
}

// P0 shared type, copied from the plan section 10 until P0 lands (PreparedRequest.modelIn).
export type AzurePreparedRequest = PreparedRequest & { modelIn?: "body" | "path" };

/**
 * `prepareRequest` for Azure: the OpenAI reading of the body, with `streamUsage` allowed only
 * where Azure accepts `stream_options`, and the deployment of a deployment path as the model.
 * A path azure_paths.ts refuses never gets here: the proxy refuses it first (`pathProblem`);
 * should one still come, it gets no usage request and the body's model.
 */
export function prepareAzureRequest(input: PrepareInput): AzurePreparedRequest {
  // The query holds the api-version that decides whether Azure accepts `stream_options`.
  const path = parseAzurePath(input.path + (input.query ?? ""));
  const streamUsage = input.streamUsage && path !== null && acceptsStreamOptions(path);
  const prepared: AzurePreparedRequest = openAiAdapter.prepareRequest({ ...input, streamUsage });
  if (path?.form === "deployment") return { ...prepared, model: path.deployment, modelIn: "path" };
  return { ...prepared, modelIn: "body" };
}

export const azureOpenAiAdapter: ProviderAdapter & AzureAdapterHooks = {
  prepareRequest: prepareAzureRequest,
  createUsageParser: openAiAdapter.createUsageParser,
  createCommitScanner: openAiAdapter.createCommitScanner!,
  errorFacts: azureErrorBodyFacts,
  hideUsageEvent: openAiAdapter.hideUsageEvent!,
  locateStreamText: openAiAdapter.locateStreamText!,
  streamError: openAiAdapter.streamError!,
  streamKind: openAiAdapter.streamKind,
  // The deployment forms take `api-key` (the form of a request is not known here; the v1 API's
  // Bearer needs the path: azure_model.ts `azurePoolKeyHeader`).
  keyHeader: (key) => azurePoolKeyHeader(key),
  withModel: azureWithModel,
  operationOf(path: string): string | null {
    const parsed = parseAzurePath(path);
    return parsed === null ? null : azureOperationName(parsed);
  },
  pathProblem: (path) => azurePathProblem(path),
  traceModel: azureTraceModelOf,
};

/**
 * The trace's model (azure_model.ts: the config's mapping of the deployment, else the answer's
 * model, else the deployment), priced by the deployment when mapped (its `scope` then applies),
 * with the deployment kept as `azure_deployment`. The request's model is the deployment:
 * `prepareAzureRequest` reads it from the path, or the body's `model` names one.
 */
export function azureTraceModelOf(input: TraceModelInput): TraceModel {
  const m = azureTraceModel({
    deployment: input.requestModel,
    answerModel: input.answerModel,
    ...(input.deployments === undefined ? {} : { deployments: input.deployments }),
  });
  const metadata = m.deployment === null ? {} : { azure_deployment: m.deployment };
  return { model: m.model, priceId: m.priceId, metadata };
}

/** Why the proxy should refuse `path` for an Azure provider; null when it is readable. */
export function azurePathProblem(path: string): string | null {
  const r = readAzurePath(path);
  return r.ok ? null : r.problem;
}
