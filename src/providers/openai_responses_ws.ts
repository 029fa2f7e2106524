/**
 * The WebSocket mode of the OpenAI Responses API, as far as a relay needs to know it (measured
 * with Codex 0.171.0; research/issue18_agents.md section 3). The handshake is a GET on the same
 * path as `POST /v1/responses`; the client sends text frames `{"type":"response.create", ...}`
 * holding the same fields as the HTTP body, plus `generate` (`false`: a prewarm that generates
 * nothing); the server answers with text frames that are exactly the `data:` payloads of the
 * HTTP event stream (`response.created`, deltas, `response.completed` with `response.usage`), or
 * `{"type":"error","status":429,"error":{...}}`. One response at a time per socket.
 *
 * Pure and never throwing. Client frames fail closed: only a `response.create` and the known
 * frame types that generate nothing (`passive`) pass; a frame that is not a JSON object with a
 * string `type` is `invalid` and any other type `unknown`, and the relay closes on both, so
 * nothing reaches the upstream untraced and unlimited (an upstream whose JSON reader is more
 * lenient than the gateway's must never see what the gateway could not read).
 */
import { isRecord, maxTokensOf, modelOf } from "./json_body.ts";
import { cleanPath, endsWithSegments } from "./paths.ts";
import { responsesWebSocketCommitScanner } from "./commit_scanners.ts";
import type { CommitOptions, StreamCommitScanner } from "./stream_commit.ts";

/** What the relay learns from one client text frame. */
export type WsClientFrame =
  | {
    kind: "create";
    model: string | null;
    /** False for a prewarm (`"generate": false`): no generation, no billed output. */
    generate: boolean;
    maxTokens: number | null;
    /**
     * The frame's `client_metadata` object as the client sent it (Codex puts its turn id and
     * turn metadata there): claimed values, never trusted for auth; null when absent.
     */
    clientMetadata: Record<string, unknown> | null;
  }
  /** A known frame type that generates nothing (`response.processed` acks). */
  | { kind: "passive"; type: string }
  /** A type the relay does not know: it may generate, so it is never passed on. */
  | { kind: "unknown"; type: string }
  /** Not a JSON object with a string `type`: what the client meant cannot be read. */
  | { kind: "invalid"; reason: string };

/**
 * Client frame types that generate nothing, passed on as they are. `response.processed`: the
 * client acknowledging a response (newer Codex; research/issue18_agents.md section 3).
 */
export const passiveClientFrames: ReadonlySet<string> = new Set(["response.processed"]);

/** What the relay learns from one server text frame. */
export interface WsServerEvent {
  /** The event's `type`; null when the frame is not a JSON object with one. */
  type: string | null;
  /** `response.id` of `response.*` lifecycle events; null for deltas and the rest. */
  responseId: string | null;
  /** The event ends its response (`response.completed`, `.failed`, `.incomplete`, `error`). */
  terminal: boolean;
  /** A piece of generated output (`*.delta`): the first one is the time to first token. */
  delta: boolean;
  /**
   * `error` events: the HTTP status they carry (`status` or `status_code`), when valid; else the
   * one their `error.type` means (`errorTypeStatus`).
   */
  status: number | null;
}

export interface WebSocketProtocol {
  /** The upstream-relative path (`/v1/responses`) speaks this protocol on an upgrade. */
  accepts(path: string): boolean;
  clientFrame(text: string): WsClientFrame;
  serverEvent(text: string): WsServerEvent;
  /**
   * The event as the same endpoint's HTTP event stream carries it (`event:` + `data:` lines), for
   * the usage parser and the stored transcript: one format for both transports.
   */
  asSse(text: string, type: string | null): string;
  /**
   * An error event in the protocol's own shape (a `response.create` the gateway refused), with
   * the HTTP headers an HTTPS answer would have had (`retry-after`).
   */
  errorEvent(
    status: number,
    code: string,
    message: string,
    headers?: Record<string, string>,
  ): string;
  /**
   * The commit point of one response on the socket: feed it each server frame (`event(null,
   * text)`, or through the usage parser fed `asSse`) and hold frames with `passFrame`.
   */
  commitScanner(options: CommitOptions): StreamCommitScanner;
}

const terminalEvents = new Set([
  "response.completed",
  "response.failed",
  "response.incomplete",
  "error",
]);

/**
 * The type of an event that names it first, as OpenAI's do: read without parsing the frame, so a
 * long stream of deltas costs one anchored match each. Anything else is parsed.
 */
const leadingType = /^\s*\{\s*"type"\s*:\s*"([^"\\\r\n]{1,200})"/;

function clientFrame(text: string): WsClientFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "invalid", reason: "not valid JSON" };
  }
  if (!isRecord(value)) return { kind: "invalid", reason: "not a JSON object" };
  if (typeof value.type !== "string") {
    return { kind: "invalid", reason: 'no string "type" field' };
  }
  if (value.type !== "response.create") {
    const type = value.type;
    return passiveClientFrames.has(type) ? { kind: "passive", type } : { kind: "unknown", type };
  }
  const meta = value.client_metadata;
  return {
    kind: "create",
    model: modelOf(value),
    generate: value.generate !== false,
    maxTokens: maxTokensOf(value, ["max_output_tokens"]),
    clientMetadata: isRecord(meta) ? meta : null,
  };
}

/** `"response":{"id":"..."` near the start, where OpenAI's lifecycle events have it. */
const leadingResponseId = /^[^]{0,200}?"response"\s*:\s*\{\s*"id"\s*:\s*"([^"\\]{1,200})"/;
/** Larger events are read from their start only: `response.completed` repeats the whole output. */
const parsedEventChars = 64 * 1024;

function serverEvent(text: string): WsServerEvent {
  const lead = leadingType.exec(text)?.[1] ?? null;
  if (lead !== null && lead.endsWith(".delta")) {
    return { type: lead, responseId: null, terminal: false, delta: true, status: null };
  }
  if (lead !== null && lead !== "error" && text.length > parsedEventChars) {
    const id = leadingResponseId.exec(text.slice(0, 1024))?.[1] ?? null;
    return {
      type: lead,
      responseId: id,
      terminal: terminalEvents.has(lead),
      delta: false,
      status: null,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { type: lead, responseId: null, terminal: false, delta: false, status: null };
  }
  const type = isRecord(value) && typeof value.type === "string" ? value.type : null;
  if (type === null || !isRecord(value)) {
    return { type: null, responseId: null, terminal: false, delta: false, status: null };
  }
  const response = value.response;
  const id = isRecord(response) && typeof response.id === "string" ? response.id : null;
  const status = type === "error"
    ? httpStatus(value.status ?? value.status_code) ?? errorTypeStatus(value.error)
    : null;
  return {
    type,
    responseId: id,
    terminal: terminalEvents.has(type),
    delta: type.endsWith(".delta"),
    status,
  };
}

function httpStatus(v: unknown): number | null {
  return typeof v === "number" && Number.isInteger(v) && v >= 400 && v <= 599 ? v : null;
}

/**
 * The status an error event with none means, from its `error.type` (or `error.code`):
 * `invalid_request_error` 400, a rate limit 429, anything else (a server error, a type never
 * seen) 502, an upstream failure. Never 200: the event ended the response with an error.
 */
export function errorTypeStatus(error: unknown): number {
  const e = isRecord(error) ? error : {};
  const kinds = [e.type, e.code].filter((v): v is string => typeof v === "string");
  if (kinds.some((k) => k.includes("rate_limit"))) return 429;
  if (kinds.includes("invalid_request_error")) return 400;
  return 502;
}

/** SSE framing of arbitrary text: each line its own `data:` line, joined back by the reader. */
function asSse(text: string, type: string | null): string {
  const data = text.split(/\r\n|\r|\n/).map((line) => `data: ${line}`).join("\n");
  return type === null || /[\r\n]/.test(type) ? `${data}\n\n` : `event: ${type}\n${data}\n\n`;
}

function errorEvent(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): string {
  return JSON.stringify({
    type: "error",
    status,
    error: { type: "gateway_error", code, message, param: null },
    ...(headers === undefined ? {} : { headers }),
  });
}

export const responsesWebSocket: WebSocketProtocol = {
  // The same path rule as billing over HTTP (`openAiPathRule`): `.../responses`, no id below it.
  accepts: (path) => endsWithSegments(cleanPath(path), "responses"),
  clientFrame,
  serverEvent,
  asSse,
  errorEvent,
  commitScanner: responsesWebSocketCommitScanner,
};
