/**
 * Protocol translation through one internal representation (research/issue21_plan.md). Pure
 * codecs, no I/O; the proxy reaches them through src/providers/mod.ts (protocols.ts' shapes).
 */
export type * from "./ir.ts";
export { efforts, noSampling, protocols, stopReasons, unknownUsage } from "./ir.ts";
export type * from "./ir_stream.ts";
export { maxNotes, type Note, type NoteCode, Notes, TranslationError } from "./notes.ts";
export { budgetOfEffort, effortBudgets, effortOfBudget } from "./reasoning.ts";
export { anthropicToolId } from "./anthropic_messages_blocks.ts";
export { decodeAnthropicRequest } from "./anthropic_messages_request.ts";
export {
  type AnthropicEncodeOptions,
  encodeAnthropicRequest,
} from "./anthropic_messages_request_encode.ts";
export { decodeAnthropicResponse, encodeAnthropicResponse } from "./anthropic_messages_response.ts";
export { type ChatDialect, openaiDialect } from "./openai_chat_messages.ts";
export {
  type ChatEncodeOptions,
  decodeChatRequest,
  encodeChatRequest,
  openaiChatOptions,
} from "./openai_chat_request.ts";
export {
  type ChatResponseOptions,
  decodeChatResponse,
  encodeChatResponse,
} from "./openai_chat_response.ts";
// T6: errors across protocols and count_tokens against a non-Anthropic target.
export {
  anthropicOverflowPrefix,
  type ClientErrorAnswer,
  clientErrorOf,
  type ErrorDetail,
  overflowFigures,
  providerErrorOf,
  retryableKinds,
  translationErrorOf,
  type UpstreamError,
  upstreamLabels,
} from "./errors.ts";
export {
  bedrockCountTokensAnswer,
  bedrockCountTokensRequest,
  bytesPerToken,
  type CountAnswer,
  type CountRequest,
  documentTokens,
  estimateHeader,
  estimateInputTokens,
  geminiCountTokensAnswer,
  geminiCountTokensRequest,
  imageTokens,
  messageOverhead,
  utf8Bytes,
} from "./count_tokens.ts";
export { inBandErrorOf } from "./errors_in_band.ts";
// Streams (part T4): SSE framing, the IR event checker, Chat and Anthropic stream codecs.
export { maxEventChars, type SseMessage, SseParser, writeSse } from "./sse_stream.ts";
export { checkStream, collectResponse, StreamChecker, StreamViolation } from "./stream_events.ts";
export {
  ChatStreamDecoder,
  ChatStreamEncoder,
  type ChatStreamOptions,
  encodeChatStreamError,
  newArguments,
} from "./openai_chat_stream.ts";
export {
  AnthropicStreamDecoder,
  AnthropicStreamEncoder,
  encodeAnthropicStreamError,
} from "./anthropic_messages_stream.ts";
// Bedrock Converse (part T3).
export { type ConversePath, decodeConverseRequest } from "./bedrock_converse_request.ts";
export {
  type ConverseEncodeOptions,
  converseOptions,
  encodeConverseRequest,
} from "./bedrock_converse_request_encode.ts";
export {
  type ConverseAnswerMeta,
  decodeConverseResponse,
  decodeConverseUsage,
  encodeConverseResponse,
  encodeConverseUsage,
  stopToConverse,
} from "./bedrock_converse_response.ts";
export {
  converseStreamBytes,
  ConverseStreamDecoder,
  ConverseStreamEncoder,
  type ConverseStreamOut,
} from "./bedrock_converse_stream.ts";
export {
  decodeResponsesRequest,
  encodeResponsesRequest,
  type ResponsesEncodeOptions,
  type ResponsesStorage,
  responsesStorage,
} from "./openai_responses_request.ts";
export {
  decodeResponsesResponse,
  decodeResponsesUsage,
  encodeResponsesResponse,
  encodeResponsesUsage,
  type ResponsesResponseOptions,
} from "./openai_responses_response.ts";
export { maxArgumentsBytes, ResponsesStreamDecoder } from "./openai_responses_stream.ts";
export {
  ResponsesStreamEncoder,
  type ResponsesStreamOptions,
} from "./openai_responses_stream_encode.ts";
// Gemini generateContent (part T2).
export { decodeGeminiRequest, type GeminiRoute } from "./gemini_request.ts";
export {
  encodeGeminiRequest,
  geminiApiOptions,
  type GeminiEncodeOptions,
} from "./gemini_request_encode.ts";
export type { GeminiPartOptions } from "./gemini_parts_encode.ts";
export {
  decodeGeminiResponse,
  decodeGeminiUsage,
  encodeGeminiResponse,
  encodeGeminiUsage,
  stopFromGemini,
  stopToGemini,
} from "./gemini_response.ts";
export {
  geminiMaxArgumentChars,
  GeminiStreamDecoder,
  GeminiStreamEncoder,
} from "./gemini_stream.ts";
// The proxy's view (part T7): the codecs behind one shape each side, and a stream bytes to bytes.
export {
  anthropicDefaultMaxTokens,
  clientCodecOf,
  type ClientProtocol,
  clientProtocolOf,
  type ClientRequest,
  decodeClientRequest,
  decodeCountAnswer,
  decodeUpstreamResponse,
  encodeClientResponse,
  encodeCountRequest,
  encodeUpstreamRequest,
  nativeProtocols,
  reachable,
  upstreamProtocolOf,
  type UpstreamRequest,
  type UpstreamTarget,
} from "./protocols.ts";
export { maxCollectedChars, StreamPipe, type StreamPipeOptions } from "./stream_pipe.ts";
// Thinking state seal (part T5): foreign state through a client's own slots, Chat ids into a map.
export {
  callIdIssued,
  chatCallPrefix,
  chatIdLimit,
  deriveStateKey,
  maxSealedChars,
  maxSealedStates,
  notIssued,
  randomStateKey,
  type SealContext,
  sealPrefix,
  type SealScope,
  sealTenant,
  type StateKey,
} from "./state_seal.ts";
export {
  defaultStateMapLimits,
  MemoryStateMap,
  type MemoryStateMapLimits,
  type StateMap,
  type StateMapKey,
} from "./state_seal_map.ts";
export { unsealRequest } from "./state_seal_request.ts";
export { sealResponse } from "./state_seal_response.ts";
export { StreamStateSealer } from "./state_seal_stream.ts";
export { carriesSealedSlots, withoutSeals } from "./state_seal_passthrough.ts";
export { storedTurnPrefix } from "./protocols.ts";
// What a recorded answer said (issue 22, `replay --compare`), read through the codecs above.
export {
  type AnswerInput,
  answerProtocolOf,
  type AnswerSummary,
  maxSummaryTextChars,
  maxSummaryToolCalls,
  summarizeAnswer,
} from "./answer_summary.ts";
export { AnswerTextFeed } from "./answer_text_feed.ts";
