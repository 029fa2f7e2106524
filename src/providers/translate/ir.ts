/**
 * The internal representation every protocol translates through (research/issue21_plan.md
 * section 1): N protocols need 2N codecs, not N². No wire field name appears here; each codec
 * owns its protocol's names in both directions.
 *
 * Conventions: a fact the source did not give is `null`, never a default that looks like a value
 * (unknown is never shown as zero); lists are never absent, only empty; tool arguments are always
 * a parsed JSON object, so the "arguments as a string" bug of peers cannot be represented.
 */

/** The (wire format, operation) pairs a client speaks or an upstream serves. */
export const protocols = [
  "openai.chat",
  "openai.responses",
  "anthropic.messages",
  "gemini.generate",
  "bedrock.converse",
] as const;

/** A (wire format, operation) pair a client speaks or an upstream serves. */
export type Protocol = (typeof protocols)[number];

export type JsonValue = null | boolean | number | string | JsonValue[] | {
  [key: string]: JsonValue;
};
export type JsonObject = { [key: string]: JsonValue };

/** Opaque reasoning state: only its `origin` may read `value`; other protocols carry or drop it. */
export interface OpaqueState {
  /** The protocol that produced it (Claude on Bedrock Converse is `bedrock.converse`). */
  origin: Protocol;
  /** The upstream model that produced it, or null when the client's native field carried it
   *  and no seal said which model (section 3 of the plan). */
  model: string | null;
  /** The provider's string as sent (signature, thoughtSignature, encrypted_content, redacted data). */
  value: string;
  /** Responses reasoning item id (`rs_…`) kept for the same upstream; else null. */
  itemId: string | null;
}

export type MediaSource =
  | { kind: "base64"; mediaType: string; data: string }
  | { kind: "url"; url: string; mediaType: string | null }
  /** A provider-side file id: meaningful only to its origin, never sent elsewhere. */
  | { kind: "file"; fileId: string; origin: Protocol };

export interface TextBlock {
  type: "text";
  text: string;
}
export interface ImageBlock {
  type: "image";
  source: MediaSource;
  detail: "auto" | "low" | "high" | null;
}
export interface DocumentBlock {
  type: "document";
  source: MediaSource;
  title: string | null;
}
export interface ToolCallBlock {
  type: "tool_call";
  id: string;
  name: string;
  /** Always an object; `{}` for empty arguments. */
  arguments: JsonObject;
  /** The exact argument text when the source protocol carried a string (Chat, Responses), so a
   *  trip back to that protocol gives the model's own bytes; null otherwise. */
  argumentsText: string | null;
  /** Gemini attaches its signature to the function call part itself. */
  state: OpaqueState | null;
}
export type ToolResultContent = TextBlock | ImageBlock | DocumentBlock;
export interface ToolResultBlock {
  type: "tool_result";
  callId: string;
  /** Gemini and Responses want the tool's name; null when the source did not say. */
  name: string | null;
  content: ToolResultContent[];
  isError: boolean;
}
export interface ThinkingBlock {
  type: "thinking";
  /** The thought text shown to the client; "" when the provider shows none. */
  text: string;
  /** `full` thinking text, or a provider's `summary` of it. */
  kind: "full" | "summary";
  state: OpaqueState | null;
}
export interface RedactedThinkingBlock {
  type: "redacted_thinking";
  state: OpaqueState;
}
export type ContentBlock =
  | TextBlock
  | ImageBlock
  | DocumentBlock
  | ToolCallBlock
  | ToolResultBlock
  | ThinkingBlock
  | RedactedThinkingBlock;

export interface Message {
  /** Tool results travel in `user` messages; Chat `tool` messages decode into them, in order. */
  role: "user" | "assistant";
  content: ContentBlock[];
}

export interface Instruction {
  role: "system" | "developer";
  text: string;
}

export interface ToolDefinition {
  name: string;
  description: string | null;
  /** JSON Schema as the client sent it; encoders reduce it to what their side accepts. */
  parameters: JsonObject;
  strict: boolean | null;
}

export type ToolChoice =
  | { kind: "auto" }
  | { kind: "none" }
  | { kind: "required" }
  | { kind: "tool"; name: string };

export type ResponseFormat =
  | { kind: "text" }
  | { kind: "json_object" }
  | { kind: "json_schema"; name: string | null; schema: JsonObject; strict: boolean | null };

export const efforts = ["none", "minimal", "low", "medium", "high", "xhigh", "max"] as const;
export type Effort = (typeof efforts)[number];

export interface Reasoning {
  /** false: the client asked for no reasoning. */
  enabled: boolean;
  effort: Effort | null;
  budgetTokens: number | null;
  /** What the client wants shown of the reasoning. */
  summary: "auto" | "concise" | "detailed" | "omitted" | null;
}

export interface Sampling {
  temperature: number | null;
  topP: number | null;
  topK: number | null;
  seed: number | null;
  presencePenalty: number | null;
  frequencyPenalty: number | null;
}

export interface Request {
  model: string;
  instructions: Instruction[];
  messages: Message[];
  tools: ToolDefinition[];
  toolChoice: ToolChoice | null;
  /** false: at most one tool call per turn. */
  parallelToolCalls: boolean | null;
  maxOutputTokens: number | null;
  sampling: Sampling;
  stop: string[];
  responseFormat: ResponseFormat | null;
  reasoning: Reasoning | null;
  stream: boolean;
  /** The end user the client names for abuse tracking. */
  user: string | null;
  /** Responses only: the stored conversation this request continues. */
  previousResponseId: string | null;
}

export const stopReasons = [
  "end_turn",
  "max_tokens",
  "stop_sequence",
  "tool_use",
  "content_filter",
  "refusal",
  "pause_turn",
  "context_window_exceeded",
  "malformed_tool_call",
  "other",
] as const;
export type StopReason = (typeof stopReasons)[number];

/** Token counts in the gateway's one meaning (src/providers/usage.ts `tokenFields`). */
export interface Usage {
  /** Every input token, cached and cache-written included. */
  inputTokens: number | null;
  cachedInputTokens: number | null;
  cacheWriteTokens: number | null;
  /** Every generated token, reasoning included. */
  outputTokens: number | null;
  reasoningTokens: number | null;
}

export interface Response {
  id: string;
  model: string;
  /** Assistant blocks only. */
  content: ContentBlock[];
  stopReason: StopReason;
  /** The provider's own value, kept for the trace. */
  providerStopReason: string | null;
  stopSequence: string | null;
  usage: Usage;
}

export const unknownUsage: Usage = Object.freeze({
  inputTokens: null,
  cachedInputTokens: null,
  cacheWriteTokens: null,
  outputTokens: null,
  reasoningTokens: null,
});

export const noSampling: Sampling = Object.freeze({
  temperature: null,
  topP: null,
  topK: null,
  seed: null,
  presencePenalty: null,
  frequencyPenalty: null,
});
