/**
 * What the proxy needs from a wire format. Shared code calls these and never asks which provider
 * it is talking to; OpenAI-compatible vendors are the OpenAI adapter with another configuration.
 */
import type { BillingFacts } from "./billing_facts.ts";
import type { Usage, UsageStatus, UsageUnknownReason } from "./usage.ts";
import type { WebSocketProtocol } from "./openai_responses_ws.ts";
import type { CommitOptions, StreamCommitScanner, StreamEnd } from "./stream_commit.ts";
import type { ProviderErrorFacts } from "./error_facts.ts";

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
  /**
   * The body's `prompt_cache_key` (OpenAI), read while the body was parsed here: a route keeps a
   * session on one target by it. Absent when the body has none (and for other wire formats).
   */
  promptCacheKey?: string;
  /**
   * Where `model` was read: the body (OpenAI, Anthropic; absent means this) or the path (Gemini,
   * Vertex, Bedrock, Azure deployments; see kinds.ts `modelLocationOf`).
   */
  modelIn?: "body" | "path";
}

/**
 * What the gateway adds before sending, by the provider's credential mode (the signing step of
 * issue 20 applies it once the body is final): one header (`api-key`, `x-goog-api-key`, a
 * bearer token), an AWS SigV4 signature over the request as sent, or a Google access token from
 * a service account (a token source the cloud auth step knows by id).
 */
export type UpstreamCredential =
  | { kind: "header"; name: string; value: string }
  | {
    kind: "sigv4";
    region: string;
    service: string;
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string | null;
  }
  | { kind: "gcp_service_account"; tokenSource: string };

/** The price-table key of a model id as a provider names it (`priceKeyOf`). */
export interface PriceKey {
  /** The id the price table knows (`claude-sonnet-4-5`, `gpt-4o`, `gemini-2.5-pro`). */
  model: string;
  /** Endpoint scope a price multiplier may apply to; null when the provider has none. */
  scope: "global" | "geo" | "in_region" | "data_zone" | "regional" | null;
}

/**
 * A request as far as its model goes: the upstream-relative path and the body. For the kinds
 * whose model is in the path (Gemini, Vertex, Bedrock, Azure deployments), routing to another
 * model rewrites the path; for the others, the body's `model`.
 */
export interface ModelPlacement {
  /** Upstream-relative, e.g. `/model/anthropic.claude-sonnet-4-5/converse`. */
  path: string;
  body: Uint8Array<ArrayBuffer> | null;
}

/** What `traceModel` decides from: the request's model, the answer's, the provider's config. */
export interface TraceModelInput {
  /** The model the request named (the path's deployment, the body's `model`), if any. */
  requestModel: string | null;
  /** The model the answer named, if any. */
  answerModel: string | null;
  /** The provider's `deployments` (deployment name to model), when its config has them. */
  deployments?: Readonly<Record<string, string | { model: string }>> | undefined;
}

/** The trace's model, the id pricing looks up, and facts the trace keeps in its metadata. */
export interface TraceModel {
  model: string | null;
  priceId: string | null;
  /** String facts for `metadata` (`azure_deployment`); empty when none. */
  metadata: Readonly<Record<string, string>>;
}

export interface PrepareInput {
  method: string;
  /** Upstream-relative path, e.g. `/v1/chat/completions`. */
  path: string;
  /**
   * The query as the client sent it, `?` included, or "" (Azure reads its `api-version`).
   * Absent: none known.
   */
  query?: string;
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
  /**
   * The stream carried an in-band error event after a 200 (Anthropic and Responses
   * `event: error`; Chat Completions `data: {"error": ...}`, which the SDKs raise too).
   */
  upstreamStreamError?: boolean;
  /** Reading stopped at a memory bound; the status is then `unknown` (see trace.ts). */
  unknownReason?: UsageUnknownReason;
  /**
   * Binary framing only (AWS event stream): messages whose prelude or message CRC was wrong,
   * skipped by the reader (also counted in `parseErrors`) while their bytes reached the client
   * unchanged. Trace metadata `usage_frame_errors`.
   */
  frameErrors?: number;
  /**
   * A provider figure known to be wrong or contradicted by another report of the same answer,
   * kept as the documented formula reads it (bedrock_stream.ts `BedrockUsageAnomaly`). Trace
   * metadata `usage_anomaly`.
   */
  usageAnomaly?: string;
  /** How the provider says the answer is billed, when it says (see `BillingTier`). */
  billing?: BillingTier;
  /** Billable counts beyond the token figures, when the answer reported any (`BillingFacts`). */
  facts?: BillingFacts;
}

/**
 * The billing tier an answer reports (Vertex `usageMetadata.trafficType`: `ON_DEMAND`,
 * `ON_DEMAND_PRIORITY`, `ON_DEMAND_FLEX`, `PROVISIONED_THROUGHPUT`). Trace metadata `usage_tier`.
 * `perToken` false: the tokens are paid by reserved capacity (by the hour), not per token, so the
 * answer has no per-token price: its cost is `unpriced`, never the on-demand list price.
 */
export interface BillingTier {
  tier: string;
  perToken: boolean;
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
  /**
   * Stops reading for good: the answer crossed a bound (a decoded copy too large, for one), so
   * what was held is released and usage reads as `unknown` with this reason.
   */
  stop(reason: UsageUnknownReason): void;
}

/**
 * How a streamed answer is framed: Server-Sent Events (OpenAI, Anthropic, Gemini), or the AWS
 * binary event-stream (Bedrock's `application/vnd.amazon.eventstream`).
 */
export type StreamFraming = "sse" | "aws-eventstream";

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
  /**
   * The answer's headers: usage some providers report there (Bedrock's token-count headers) and
   * error types (`x-amzn-errortype`). Absent where there are none (a WebSocket frame).
   */
  headers?: Headers;
}

/**
 * Sees every SSE event the usage parser frames, in order: one framing of the stream serves usage
 * and the commit point (stream_commit.ts). Must not throw.
 */
export interface SseEventObserver {
  /** One event: its `event:` name (null when unnamed) and its data, trimmed and non-empty. */
  event(name: string | null, data: string): void;
  /** Framing stopped at a bound (see `UsageParser.stop`): no more events will come. */
  lost(): void;
  /** The body ended (`complete` false: it broke off); after the last event was dispatched. */
  end(complete: boolean): StreamEnd;
  /**
   * A non-empty line of the SSE body that is no SSE field, in order with the events, whole lines
   * only (see `UsageReader.unframed`). Absent: such lines are ignored. Must not throw.
   */
  unframed?(line: string): void;
}

export interface ProviderAdapter {
  prepareRequest(input: PrepareInput): PreparedRequest;
  /**
   * The framing the answer's headers declare, or null when they declare no stream (a document,
   * or no content type at all). The proxy asks this instead of matching a content type: a
   * stream is relayed as it comes, never read whole first.
   */
  streamKind(info: ResponseInfo): StreamFraming | null;
  /**
   * The same request aimed at `model` (a route's target): the kinds whose model is in the path
   * rewrite it there. Absent: the body's top-level `model` is replaced, the path kept (the
   * OpenAI and Anthropic formats). Must not throw; pure.
   */
  withModel?(request: ModelPlacement, model: string): ModelPlacement;
  /**
   * May this upstream-relative path carry `%2F`? Only where the kind's own wire format puts one
   * (an ARN model id in Bedrock's `/model/{modelId}/...`: see `encodedSlashOnlyIn`). Absent: never,
   * as for every other path. Dot and empty segments stay refused, with `%2F` read as `/` too.
   */
  allowsEncodedSlash?(path: string): boolean;
  /**
   * OpenTelemetry `gen_ai.operation.name` of a request to this upstream-relative path (`chat`,
   * `text_completion`, `embeddings`), or null when it is none of them. Absent: never one.
   */
  operationOf?(path: string): string | null;
  /**
   * The header a pool key (a provider key from the gateway's config) travels in toward this
   * kind: `["authorization", "Bearer <key>"]`, `["x-api-key", key]`, ...
   */
  keyHeader(key: string): readonly [name: string, value: string];
  /**
   * The price-table key of a model id as this provider names it (Bedrock's `us.` profiles and
   * ARNs, Vertex `@version`, Azure deployments). `path`: the upstream-relative path the priced
   * request was sent to, when the caller has it (Vertex's location there is the endpoint scope);
   * absent, the id alone decides. Absent hook: the id as it is, no scope.
   */
  priceKeyOf?(model: string, path?: string): PriceKey;
  /**
   * Why this kind refuses an upstream-relative path, its query included (an Azure path in none
   * of Azure's forms, a malformed `api-version`), before anything is read or sent: a sentence
   * saying what was wrong and what to send; null when it is fine. Absent: every path is
   * forwarded. The proxy answers `invalid_provider_path` with it.
   */
  pathProblem?(pathAndQuery: string): string | null;
  /**
   * The model a trace records and the id it is priced with, when this kind names models its
   * own way (an Azure deployment, mapped by the provider's config). Absent: the answer's model,
   * else the request's, priced as it is.
   */
  traceModel?(input: TraceModelInput): TraceModel;
  /** `observer`, when given, is fed every SSE event of a streamed answer (commit scanner). */
  createUsageParser(info: ResponseInfo, observer?: SseEventObserver): UsageParser;
  /**
   * The commit scanner for a streamed answer of a generation endpoint this wire format knows;
   * null for anything else (a JSON answer, an error status, a path without a stream protocol).
   * Pass it as the usage parser's observer, then each client-bound chunk to its `pass`.
   */
  createCommitScanner?(info: ResponseInfo, options: CommitOptions): StreamCommitScanner | null;
  /**
   * What a non-2xx answer's body says, for routing: category and bounded message. A body that is
   * not the wire format's error shape is classified by its status, with no message. `headers`:
   * the answer's (AWS names the error type in `x-amzn-errortype`).
   */
  errorFacts?(status: number, body: string, headers?: Headers): ProviderErrorFacts;
  /**
   * Removes the usage-only SSE event the adapter asked for in `prepareRequest`. Called only when
   * `hideUsageEvent` is true and the response is an event stream.
   */
  hideUsageEvent?(): TransformStream<Uint8Array, Uint8Array>;
  /** Where a streamed response carries text as pieces; used to redact it in flight. */
  locateStreamText?: StreamTextLocator;
  /**
   * The same for an `aws-eventstream` answer (Bedrock): how one message's payload is read as JSON,
   * where its text is, and how a changed value is written back.
   */
  readEventStreamPayload?: EventStreamPayloadReader;
  /**
   * The text of one SSE error event in the wire format's own shape, so that the provider's
   * official SDK raises an error when a stream has to be stopped (`code`: `pii_blocked`, ...).
   * `path`: the upstream-relative path of the answer, for a kind whose paths speak two wire
   * formats (Vertex: Gemini's under `publishers/google`, Anthropic's under `publishers/anthropic`).
   */
  streamError?(code: string, message: string, path?: string): string;
  /** The wire format's WebSocket mode, when it has one the gateway relays (Responses API). */
  webSocket?: WebSocketProtocol;
}

/** One parsed SSE event: `data` is the JSON value, or the raw data text when it is not JSON. */
export interface SseEvent {
  event: string | null;
  data: unknown;
}

/** A member path inside an event's JSON data: names and array positions. */
export type JsonPath = readonly (string | number)[];

/** A string member of an event that is a piece of a longer text (a delta). */
export interface StreamTextField {
  /**
   * Which text the piece belongs to; the pieces of one channel concatenate to one text. Names are
   * `/`-separated so that a close can name a whole family (`choices/0` closes
   * `choices/0/content` and `choices/0/tool_calls/1`).
   */
  channel: string;
  path: JsonPath;
  /**
   * Members of the event that a client reads once per text, not as pieces (a tool call's `id`
   * and `name`, the message `role`). A synthetic copy of the event, made to carry held-back text,
   * leaves them out so that clients that concatenate them do not see them twice.
   */
  once?: readonly JsonPath[];
  /**
   * The pieces join to a JSON text (tool-call arguments), not prose: it is redacted inside its
   * string values only, so that it stays JSON.
   */
  json?: boolean;
}

export interface StreamTextLocation {
  fields: StreamTextField[];
  /**
   * Channels whose text is complete once this event is seen (`finish_reason`,
   * `content_block_stop`, `[DONE]`): each entry closes the channel of that name and every
   * channel below it; `"all"` closes every channel. Held-back text of a closed channel must
   * reach the client before this event.
   */
  closes: "all" | readonly string[];
  /**
   * Set when the event carries text in pieces the locator has no channel for (Vertex's streamed
   * `functionCall.partialArgs`, a part of a kind it does not know): why, in a few words. The
   * redactor then stops the stream rather than send a piece it cannot join to the rest.
   */
  uninspectable?: string;
}

/** Finds the incremental text in one event of a wire format's stream. Pure; never throws. */
export type StreamTextLocator = (event: SseEvent) => StreamTextLocation;

/** One AWS event-stream message's JSON as the stream PII redactor reads and rewrites it. */
export interface EventStreamPayloadJson {
  kind: "json";
  /** What the locator reads (for a Bedrock `chunk`, the model family's event inside it). */
  event: SseEvent;
  /** Envelope members never scanned (a chunk's `bytes`, already read as `event`). */
  skip: readonly string[];
  /** The envelope (a chunk's `{bytes, p}`), scanned as complete strings; null when none. */
  envelope: Record<string, unknown> | null;
  locate: StreamTextLocator;
  /** The payload bytes for a (possibly changed) event value and envelope. */
  write(value: unknown): Uint8Array;
}

export type EventStreamPayload =
  | EventStreamPayloadJson
  /** Nothing to inspect (an empty payload). */
  | { kind: "empty" }
  /** Could carry text in pieces the redactor cannot follow: the stream must stop (why). */
  | { kind: "uninspectable"; why: string };

/** Reads a message's payload by its `:message-type` and `:event-type`. Pure; never throws. */
export type EventStreamPayloadReader = (
  messageType: string | null,
  eventType: string | null,
  payload: Uint8Array,
) => EventStreamPayload;
