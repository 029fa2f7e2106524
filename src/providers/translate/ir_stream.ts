/**
 * Stream events and errors of the internal representation (plan sections 4 and 5). Block indices
 * are the IR's own, dense from 0 in arrival order; each codec maps them to its wire's numbering
 * (Chat numbers only tool calls, Anthropic every block), never reusing the upstream's.
 */
import type { OpaqueState, StopReason, Usage } from "./ir.ts";

export type ErrorKind =
  | "invalid_request"
  | "authentication"
  | "permission"
  | "not_found"
  | "request_too_large"
  | "rate_limit"
  | "overloaded"
  | "server"
  | "timeout"
  | "conflict";

export interface ProviderError {
  kind: ErrorKind;
  status: number;
  /** The provider's own message, kept. */
  message: string;
  retryAfterMs: number | null;
}

export type StreamBlockHead =
  | { type: "text" }
  | { type: "thinking"; kind: "full" | "summary" }
  | { type: "redacted_thinking"; state: OpaqueState }
  | { type: "tool_call"; id: string; name: string; state: OpaqueState | null };

export type StreamEvent =
  | { type: "start"; id: string; model: string; usage: Usage }
  | { type: "block_start"; index: number; block: StreamBlockHead }
  | { type: "text_delta"; index: number; text: string }
  | { type: "thinking_delta"; index: number; text: string }
  /** Opaque state that arrives after the block's text (Anthropic `signature_delta`). */
  | { type: "state"; index: number; state: OpaqueState }
  /** A raw JSON text fragment of a tool call's arguments. */
  | { type: "arguments_delta"; index: number; json: string }
  | { type: "block_stop"; index: number }
  | {
    type: "stop";
    stopReason: StopReason;
    providerStopReason: string | null;
    stopSequence: string | null;
    usage: Usage;
  }
  | { type: "error"; error: ProviderError };
