/**
 * Protocol translation through one internal representation (research/issue21_plan.md). Pure
 * codecs, no I/O. Not wired into the proxy yet: nothing outside tests imports this folder until
 * part T7 (plan section 10) exports it from src/providers/mod.ts.
 */
export type * from "./ir.ts";
export { efforts, noSampling, stopReasons, unknownUsage } from "./ir.ts";
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
