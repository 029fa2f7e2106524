/**
 * Everything the gateway knows about providers, and the only place that knows it: the kinds
 * (wire formats) and the built-in providers, which headers carry a provider key or name the
 * provider account (headers.ts, with why each consumer uses which subset), the base-URL variables
 * their clients read, the token fields of usage, and the wire formats themselves: what the proxy
 * asks of a request body (model, streaming, a usage request to add) and how it reads usage from a
 * response, streamed or not; the stream commit point (which events are preamble, content, the end
 * or an in-band error, and the error event each protocol's SDK raises) and the error facts routing
 * reads from an error body. The proxy looks an adapter up in `providerAdapters` by the
 * provider's kind and never branches on its name.
 */
export { providerAdapters } from "./registry.ts";
// Protocol translation (issue 21): the proxy uses these shapes only, never a codec's wire fields.
export {
  type AnswerInput,
  answerProtocolOf,
  type AnswerSummary,
  AnswerTextFeed,
  carriesSealedSlots,
  chatCallPrefix,
  clientCodecOf,
  clientErrorOf,
  type ClientProtocol,
  clientProtocolOf,
  type ClientRequest,
  decodeClientRequest,
  decodeCountAnswer,
  decodeUpstreamResponse,
  deriveStateKey,
  encodeClientResponse,
  encodeCountRequest,
  encodeUpstreamRequest,
  estimateInputTokens,
  maxCollectedChars,
  maxSummaryTextChars,
  maxSummaryToolCalls,
  MemoryStateMap,
  type Note as TranslationNote,
  Notes as TranslationNotes,
  type Protocol as TranslationProtocol,
  protocols as translationProtocols,
  providerErrorOf,
  randomStateKey,
  reachable,
  type Request as IrRequest,
  type Response as IrResponse,
  type SealContext,
  sealPrefix,
  sealResponse,
  sealTenant,
  SseParser,
  type StateKey,
  type StateMap,
  storedTurnPrefix,
  type StreamEvent,
  StreamPipe,
  StreamStateSealer,
  summarizeAnswer,
  TranslationError,
  unsealRequest,
  upstreamProtocolOf,
  type UpstreamTarget,
  withoutSeals,
} from "./translate/mod.ts";
export {
  genAiProviderNames,
  type ModelLocation,
  modelLocationOf,
  type ProviderKind,
  providerKinds,
  type WireFormat,
  wireFormatOf,
  wireFormats,
} from "./kinds.ts";
export {
  type BuiltInProvider,
  builtInProviders,
  defaultUpstreamOf,
  defaultUpstreamOfKind,
} from "./builtin.ts";
export {
  isPresetId,
  type PresetId,
  presetIds,
  presetOf,
  type ProviderPreset,
  providerPresets,
} from "./presets.ts";
export { type ClientBaseUrl, clientBaseUrl, clientBaseUrls } from "./clients.ts";
export {
  builtInCredentialHeaders,
  providerAccountHeaders,
  providerCredentialHeaders,
  providerCredentialParams,
  providerKeyFrom,
  replayKeyHeader,
} from "./headers.ts";
export type { BillingFacts } from "./billing_facts.ts";
export { openAiAdapter } from "./openai.ts";
export { anthropicAdapter } from "./anthropic.ts";
// The model paths of the cloud kinds: the only paths the gateway signs with its own credentials.
export { parseBedrockPath } from "./bedrock_model_id.ts";
export { parseVertexPath } from "./vertex_paths.ts";
// Where Bedrock's event-stream messages carry text (the adapter's `readEventStreamPayload`).
export { readBedrockEventStreamPayload } from "./bedrock_stream_text.ts";
export {
  responsesWebSocket,
  type WebSocketProtocol,
  type WsClientFrame,
  type WsServerEvent,
} from "./openai_responses_ws.ts";
export {
  type CommitMode,
  type CommitOptions,
  type CommitState,
  defaultPreambleBytes,
  StreamCommitScanner,
  type StreamEnd,
  type StreamFailure,
} from "./stream_commit.ts";
export {
  maxErrorMessageChars,
  providerErrorCategories,
  type ProviderErrorCategory,
  type ProviderErrorFacts,
} from "./error_facts.ts";
export { openAiErrorFacts } from "./openai_errors.ts";
export { anthropicErrorFacts } from "./anthropic_errors.ts";
export { JsonMemberScanner, type JsonScanResult } from "./json_member_scanner.ts";
export { usageReadLimits } from "./usage_limits.ts";
export { eachElement, type MemberPath } from "./json_member_paths.ts";
export type {
  BillingTier,
  EventStreamPayload,
  EventStreamPayloadJson,
  EventStreamPayloadReader,
  JsonPath,
  ModelPlacement,
  PreparedRequest,
  PrepareInput,
  PriceKey,
  ProviderAdapter,
  ResponseInfo,
  SseEvent,
  SseEventObserver,
  StreamFraming,
  StreamTextField,
  StreamTextLocation,
  StreamTextLocator,
  TraceModel,
  TraceModelInput,
  UpstreamCredential,
  UsageParser,
  UsageReport,
} from "./types.ts";
export {
  perTokenField,
  type TokenField,
  tokenFieldDescriptions,
  tokenFields,
  type Usage,
  type UsageStatus,
  type UsageUnknownReason,
  zeroUsage,
} from "./usage.ts";
// The one segment a kind may allow `%2F` in (`allowsEncodedSlash`).
export { encodedSlashOnlyIn } from "./paths.ts";
// Editing a JSON text's top-level member in place (a routed model, over HTTP and WebSocket).
export { removeTopLevelMember, setTopLevelMember } from "./json_splice.ts";
// The AWS event-stream framing (Bedrock's streamed answers): decoder, encoder, message aligner.
export {
  encodeEventStreamMessage,
  EventStreamDecoder,
  type EventStreamDecoderStats,
  eventStreamException,
  type EventStreamHeaders,
  type EventStreamHeaderValue,
  type EventStreamLimits,
  eventStreamLimits,
  type EventStreamMessage,
  type EventStreamStopReason,
  stringHeader,
  stringHeaders,
} from "./aws_eventstream.ts";
export { EventStreamAligner, nextMessageEnd } from "./aws_eventstream_aligner.ts";
