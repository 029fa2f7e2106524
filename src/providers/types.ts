/**
 * What the proxy needs from a wire format. Shared code calls these and never asks which provider
 * it is talking to; OpenAI-compatible vendors are the OpenAI adapter with another configuration.
 */
import type { Usage, UsageStatus } from "../traces/trace.ts";

/** What the adapter learned from the request body, and the body to forward. */
export interface PreparedRequest {
  /** Bytes to send upstream: the client's own bytes unless the adapter had to ask for usage. */
  body: Uint8Array<ArrayBuffer> | null;
  /** `model` from the request body, when it has one. */
  model: string | null;
  /** The client asked for a streamed response. */
  streaming: boolean;
  /** The most output tokens the request allows (`max_tokens` and kin), when it says. */
  maxTokens?: number | null;
  /**
   * The adapter added a usage request the client did not make; the usage-only event it causes
   * must be removed before the client sees the stream.
   */
  hideUsageEvent: boolean;
}

export interface PrepareInput {
  method: string;
  /** Upstream-relative path, e.g. `/v1/chat/completions`. */
  path: string;
  contentType: string | null;
  body: Uint8Array<ArrayBuffer> | null;
  /** Per-provider switch: may the adapter inject `stream_options.include_usage`? */
  streamUsage: boolean;
}

/** Usage and model as read from a response, plus how sure we are. */
export interface UsageReport {
  model: string | null;
  usage: Usage | null;
  status: UsageStatus;
  /** Events or documents that could not be parsed; the stream was passed on regardless. */
  parseErrors: number;
}

/**
 * Incremental, pure response reader. `push` gets every response chunk exactly as the client
 * receives it (after decompression when the upstream compressed it); `finish` is called once.
 * It must never throw: a parser problem is a count in the report, not a broken request.
 */
export interface UsageParser {
  push(chunk: Uint8Array): void;
  /** `complete` is false when the body ended early (cut, aborted, timed out). */
  finish(complete: boolean): UsageReport;
}

export interface ResponseInfo {
  path: string;
  /**
   * The request method. GET, HEAD, DELETE and OPTIONS exchanges carry no billed usage (listing
   * stored chat completions is a GET on the same path as creating one). Absent means POST.
   */
  method?: string;
  status: number;
  contentType: string | null;
  /** From the prepared request; responses may still stream when the client did not ask. */
  requestedStreaming: boolean;
  requestModel: string | null;
}

export interface ProviderAdapter {
  prepareRequest(input: PrepareInput): PreparedRequest;
  createUsageParser(info: ResponseInfo): UsageParser;
  /**
   * Removes the usage-only SSE event the adapter asked for in `prepareRequest`. Called only when
   * `hideUsageEvent` is true and the response is an event stream.
   */
  hideUsageEvent?(): TransformStream<Uint8Array, Uint8Array>;
}
