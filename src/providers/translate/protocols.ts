/**
 * The codecs behind one shape each side (plan section 8): a client protocol decodes the client's
 * request and encodes the answer back; an upstream protocol encodes the request for its target
 * (path included) and decodes the answer. The proxy sees only these two shapes and never a wire
 * field. Options that depend on the target (dialect, thinking fields) are chosen here from the
 * provider kind and model, in small tables.
 */
import type { ProviderKind, WireFormat } from "../kinds.ts";
import type { JsonObject, Protocol, Request, Response } from "./ir.ts";
import { asObject, isObject } from "./json.ts";
import type { Notes } from "./notes.ts";
import { decodeAnthropicRequest } from "./anthropic_messages_request.ts";
import { encodeAnthropicRequest } from "./anthropic_messages_request_encode.ts";
import { decodeAnthropicResponse, encodeAnthropicResponse } from "./anthropic_messages_response.ts";
import { type ChatDialect, openaiDialect } from "./openai_chat_messages.ts";
import {
  type ChatEncodeOptions,
  decodeChatRequest,
  encodeChatRequest,
  openaiChatOptions,
} from "./openai_chat_request.ts";
import { decodeChatResponse, encodeChatResponse } from "./openai_chat_response.ts";
import {
  decodeResponsesRequest,
  encodeResponsesRequest,
  responsesStorage,
} from "./openai_responses_request.ts";
import { decodeResponsesResponse, encodeResponsesResponse } from "./openai_responses_response.ts";
import { encodeGeminiRequest, type GeminiEncodeOptions } from "./gemini_request_encode.ts";
import { decodeGeminiResponse } from "./gemini_response.ts";
import { converseOptions, encodeConverseRequest } from "./bedrock_converse_request_encode.ts";
import { decodeConverseResponse } from "./bedrock_converse_response.ts";
import {
  bedrockCountTokensAnswer,
  bedrockCountTokensRequest,
  type CountAnswer,
  geminiCountTokensAnswer,
  geminiCountTokensRequest,
} from "./count_tokens.ts";

/**
 * The protocols a client may speak to a translated route (the matrix rows), and
 * Anthropic's `count_tokens`, answered by the target's own counter or a labelled estimate.
 */
export type ClientProtocol =
  | "openai.chat"
  | "openai.responses"
  | "anthropic.messages"
  | "anthropic.count_tokens";

/** The protocol whose error format and codecs a client protocol uses. */
export function clientCodecOf(client: ClientProtocol): Protocol {
  return client === "anthropic.count_tokens" ? "anthropic.messages" : client;
}

/** A client's request as decoded, with what its answer's encoding needs to know of it. */
export interface ClientRequest {
  request: Request;
  /** Chat: the client asked for the usage chunk (`stream_options.include_usage`). */
  includeUsage: boolean;
  /** Responses: the client's `store` (null: OpenAI's default, true). */
  store: boolean | null;
}

/** The target of one translated attempt. */
export interface UpstreamTarget {
  kind: ProviderKind;
  protocol: Protocol;
  model: string;
  stream: boolean;
  /** OpenAI-format targets: ask for a stream's usage chunk (`stream_usage`); absent: true. */
  streamUsage?: boolean;
}

/** The request as sent upstream: its upstream-relative path (query included) and body. */
export interface UpstreamRequest {
  path: string;
  body: JsonObject;
}

/** The ids the gateway gives translated Responses answers (its response store's keys). */
export const storedTurnPrefix = "resp_og_";

/** Wire formats whose clients a route may translate for (the matrix's rows). */
const clientFormats: ReadonlySet<WireFormat> = new Set(["openai", "anthropic"]);
/** Wire formats a translated attempt can speak (the matrix's columns; Vertex's paths need a
 *  project and location no route target has). */
const upstreamFormats: ReadonlySet<WireFormat> = new Set([
  "openai",
  "anthropic",
  "gemini",
  "bedrock",
]);

/** A client of wire format `from` may reach a target of format `to` (same, or translated). */
export function reachable(from: WireFormat, to: WireFormat): boolean {
  return from === to || (clientFormats.has(from) && upstreamFormats.has(to));
}

/** The client protocol a request speaks, from its entry's wire format and path; null: none. */
export function clientProtocolOf(
  format: string,
  method: string,
  path: string,
): ClientProtocol | null {
  if (method !== "POST") return null;
  if (format === "openai") {
    if (path === "/v1/chat/completions") return "openai.chat";
    if (path === "/v1/responses") return "openai.responses";
    return null;
  }
  if (format === "anthropic" && path === "/v1/messages") return "anthropic.messages";
  if (format === "anthropic" && path === "/v1/messages/count_tokens") {
    return "anthropic.count_tokens";
  }
  return null;
}

/**
 * The protocol a translated attempt speaks to a kind (an OpenAI-format one's `translation_api`
 * says which of its two APIs). Vertex is left out: its paths name a
 * project and location a route target does not have (its clients reach it natively).
 */
export function upstreamProtocolOf(
  kind: ProviderKind,
  api: "chat" | "responses" = "chat",
): Protocol | null {
  switch (kind) {
    case "openai":
    case "openai-compatible":
    case "azure-openai":
      return api === "responses" ? "openai.responses" : "openai.chat";
    case "anthropic":
      return "anthropic.messages";
    case "gemini":
      return "gemini.generate";
    case "bedrock":
      return "bedrock.converse";
    case "vertex":
      return null;
  }
}

/** The protocol the client speaks natively on a kind's own endpoints (passthrough). */
export function nativeProtocols(kind: ProviderKind): readonly Protocol[] {
  switch (kind) {
    case "openai":
    case "openai-compatible":
    case "azure-openai":
      return ["openai.chat", "openai.responses"];
    case "anthropic":
      return ["anthropic.messages"];
    default:
      return [];
  }
}

export function decodeClientRequest(
  protocol: ClientProtocol,
  body: unknown,
  notes: Notes,
): ClientRequest {
  switch (protocol) {
    case "openai.chat": {
      const options = isObject(body) && isObject(body["stream_options"])
        ? body["stream_options"]
        : {};
      return {
        request: decodeChatRequest(body, openaiDialect, notes),
        includeUsage: options["include_usage"] === true,
        store: null,
      };
    }
    case "openai.responses":
      return {
        request: decodeResponsesRequest(body, notes),
        includeUsage: true,
        store: responsesStorage(body).store,
      };
    case "anthropic.messages":
    case "anthropic.count_tokens": {
      const request = shownByDefault(decodeAnthropicRequest(body, notes));
      return { request, includeUsage: true, store: null };
    }
  }
}

/**
 * An Anthropic client that asks for thinking and says nothing of `display` sees a summary of it:
 * Anthropic's default on Claude 4 models. Said here, so a target whose own default shows nothing
 * (Gemini's `includeThoughts`) shows it too; Claude Code then sees the model think.
 */
function shownByDefault(req: Request): Request {
  const r = req.reasoning;
  if (r === null || !r.enabled || r.summary !== null) return req;
  return { ...req, reasoning: { ...r, summary: "auto" } };
}

/** `createdAt`: the gateway's clock in Unix seconds, so the codecs stay pure. */
export function encodeClientResponse(
  protocol: ClientProtocol,
  res: Response,
  createdAt: number,
  notes: Notes,
): JsonObject {
  switch (protocol) {
    case "openai.chat":
      return asJson(
        encodeChatResponse(res, { dialect: openaiDialect, created: createdAt }, notes),
      );
    case "openai.responses":
      return asJson(encodeResponsesResponse(res, { createdAt }, notes));
    case "anthropic.messages":
    case "anthropic.count_tokens":
      return asJson(encodeAnthropicResponse(res, notes));
  }
}

/**
 * A `count_tokens` request for the target's own counter (Gemini `:countTokens`, Bedrock
 * `count-tokens`), or null when its protocol has none: the gateway then answers an estimate.
 */
export function encodeCountRequest(
  target: UpstreamTarget,
  req: Request,
  notes: Notes,
): UpstreamRequest | null {
  if (target.protocol !== "gemini.generate" && target.protocol !== "bedrock.converse") return null;
  const generate = encodeUpstreamRequest({ ...target, stream: false }, req, notes).body;
  const count = target.protocol === "gemini.generate"
    ? geminiCountTokensRequest(bare(target.model), generate)
    : bedrockCountTokensRequest(target.model, generate);
  return { path: count.path, body: count.body };
}

/** The counter's answer as Anthropic's `{input_tokens}`. */
export function decodeCountAnswer(target: UpstreamTarget, body: unknown): CountAnswer {
  return target.protocol === "gemini.generate"
    ? geminiCountTokensAnswer(body)
    : bedrockCountTokensAnswer(body);
}

/**
 * `max_tokens` for an Anthropic target when the client gave none (the Messages API requires it;
 * OpenAI's and Gemini's clients often leave it out): 4096 is what every Claude model accepts.
 */
export const anthropicDefaultMaxTokens = 4096;

/** Claude models that take `thinking: {type: "adaptive"}` with an effort (Opus/Sonnet 4.6 on). */
const adaptiveClaude = /claude-(opus|sonnet)-4-[6-9]|claude-[a-z]+-[5-9]/;

/** OpenAI-compatible servers: `max_tokens`, no cap on stop sequences, `reasoning_content`. */
const compatibleChat: ChatEncodeOptions = {
  dialect: { reasoningField: "reasoning_content" },
  maxTokensField: "max_tokens",
  maxStopSequences: null,
};

export function chatDialectOf(kind: ProviderKind): ChatDialect {
  return kind === "openai-compatible" ? compatibleChat.dialect : openaiDialect;
}

function geminiOptions(model: string): GeminiEncodeOptions {
  return {
    thinkingField: /gemini-[3-9]/.test(model) ? "thinkingLevel" : "thinkingBudget",
    callIds: true,
    mediaInFunctionResponse: false,
  };
}

function bare(model: string): string {
  return model.startsWith("models/") ? model.slice("models/".length) : model;
}

export function encodeUpstreamRequest(
  target: UpstreamTarget,
  req: Request,
  notes: Notes,
): UpstreamRequest {
  const ir = { ...req, model: target.model, stream: target.stream };
  switch (target.protocol) {
    case "openai.chat": {
      const base = target.kind === "openai-compatible" ? compatibleChat : openaiChatOptions;
      const options = { ...base, streamUsage: target.streamUsage ?? true };
      const path = target.kind === "azure-openai"
        ? "/openai/v1/chat/completions"
        : "/v1/chat/completions";
      return { path, body: asJson(encodeChatRequest(ir, options, notes)) };
    }
    case "openai.responses":
      return {
        path: target.kind === "azure-openai" ? "/openai/v1/responses" : "/v1/responses",
        body: asJson(encodeResponsesRequest(ir, { store: false }, notes)),
      };
    case "anthropic.messages":
      return {
        path: "/v1/messages",
        body: asJson(encodeAnthropicRequest(ir, {
          defaultMaxTokens: anthropicDefaultMaxTokens,
          adaptiveThinking: adaptiveClaude.test(target.model),
        }, notes)),
      };
    case "gemini.generate": {
      const model = encodeURIComponent(bare(target.model));
      const method = target.stream ? "streamGenerateContent?alt=sse" : "generateContent";
      return {
        path: `/v1beta/models/${model}:${method}`,
        body: asJson(encodeGeminiRequest(ir, geminiOptions(target.model), notes)),
      };
    }
    case "bedrock.converse": {
      const operation = target.stream ? "converse-stream" : "converse";
      return {
        path: `/model/${encodeURIComponent(target.model)}/${operation}`,
        body: asJson(encodeConverseRequest(ir, converseOptions, notes)),
      };
    }
  }
}

/** `id`: the gateway's id for an answer whose protocol has none (Gemini, Converse). */
export function decodeUpstreamResponse(
  target: UpstreamTarget,
  body: unknown,
  id: string,
  notes: Notes,
): Response {
  switch (target.protocol) {
    case "openai.chat":
      return decodeChatResponse(body, chatDialectOf(target.kind), notes);
    case "openai.responses":
      return decodeResponsesResponse(body, notes);
    case "anthropic.messages":
      return decodeAnthropicResponse(body, notes);
    case "gemini.generate":
      return decodeGeminiResponse(body, target.model, notes);
    case "bedrock.converse":
      return decodeConverseResponse(body, { id, model: target.model }, notes);
  }
}

/** The encoders return plain objects; the JSON view is what goes on the wire. */
function asJson(v: unknown): JsonObject {
  return asObject(v, "") as JsonObject;
}
