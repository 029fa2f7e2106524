/**
 * Bedrock's streamed answers (`application/vnd.amazon.eventstream`) read as a side copy: the
 * event-stream decoder (aws_eventstream.ts) turns bytes into messages, each message becomes a
 * `BedrockStreamMessage` by its headers, and one framing serves the usage reader and the commit
 * scanner, as `SseFrame` does for SSE (response_parser.ts). Nothing here holds or changes the
 * client's bytes, and nothing throws.
 *
 * What the AWS SDK does with each message (smithy `event-streams/eventstream-serde-universal/
 * getUnmarshalledStream.js` `getMessageUnmarshaller`, `@smithy/core` 3.41.1):
 * - `:message-type: event`: the union member named by `:event-type`; an unknown member is
 *   skipped silently;
 * - `:message-type: exception`: thrown, always: the modeled exception class when
 *   `:exception-type` is a member of the union, else an `Error` named by it;
 * - `:message-type: error`: thrown as an `Error` named by `:error-code`, message
 *   `:error-message`;
 * - any other message type: thrown ("Unrecognizable event type").
 */
import {
  EventStreamDecoder,
  type EventStreamMessage,
  type EventStreamStopReason,
  stringHeader,
} from "./aws_eventstream.ts";
import type { Usage, UsageUnknownReason } from "./usage.ts";
import type { SseEventObserver, UsageReport } from "./types.ts";
import type { BillingFacts } from "./billing_facts.ts";

// P0 shared type, copied from the plan section 10 until P0 lands (src/providers/usage.ts).
export type BedrockUnknownReason = UsageUnknownReason | EventStreamStopReason;

/** Trace metadata `usage_anomaly`: a provider figure known to be wrong, kept as reported. */
export type BedrockUsageAnomaly =
  | "bedrock_openai_cache_double_count"
  // An Anthropic body's usage and Bedrock's invocation metrics or token headers disagree.
  | "bedrock_usage_reports_disagree";

/**
 * `UsageReport` with the event-stream reasons of plan section 10 (P0 adds them to
 * `UsageUnknownReason`; then this is a `UsageReport`), and what the trace's metadata records.
 */
export interface BedrockUsageReport extends Omit<UsageReport, "unknownReason"> {
  unknownReason?: BedrockUnknownReason;
}

/** A `UsageParser` whose report may carry the event-stream reasons (see `BedrockUsageReport`). */
export interface BedrockUsageParser {
  push(chunk: Uint8Array): void;
  finish(complete: boolean): BedrockUsageReport;
  stop(reason: UsageUnknownReason): void;
}

/** One event-stream message as Bedrock means it. */
export interface BedrockStreamMessage {
  /** `:message-type`: `event`, `exception`, `error`, or another (null when absent). */
  messageType: string | null;
  /**
   * The member or code the message names: `:event-type` of an event, `:exception-type` of an
   * exception, `:error-code` of an error.
   */
  type: string | null;
  /** The payload as text (JSON for every Bedrock member; `{"message": ...}` for an error). */
  payload: string;
}

const utf8 = new TextDecoder();

export function bedrockStreamMessage(m: EventStreamMessage): BedrockStreamMessage {
  const messageType = stringHeader(m, ":message-type");
  if (messageType === "error") {
    const message = stringHeader(m, ":error-message");
    return {
      messageType,
      type: stringHeader(m, ":error-code"),
      payload: JSON.stringify({ message }),
    };
  }
  const typeHeader = messageType === "exception" ? ":exception-type" : ":event-type";
  return { messageType, type: stringHeader(m, typeHeader), payload: utf8.decode(m.payload) };
}

/**
 * The name a message goes by for an `SseEventObserver` (the commit scanner): an event's
 * `:event-type` as it is; `exception:<type>` and `error:<code>` for the two error kinds, and
 * `<message-type>:` for a message type the SDK does not know. Event members never hold `:`.
 */
export function bedrockObserverName(m: BedrockStreamMessage): string {
  if (m.messageType === "event") return m.type ?? "";
  return `${m.messageType ?? ""}:${m.type ?? ""}`;
}

/** The inverse of `bedrockObserverName`, for rules fed through an observer. */
export function messageFromObserver(name: string | null, data: string): BedrockStreamMessage {
  const n = name ?? "";
  const colon = n.indexOf(":");
  if (colon < 0) return { messageType: "event", type: n === "" ? null : n, payload: data };
  const type = n.slice(colon + 1);
  return { messageType: n.slice(0, colon), type: type === "" ? null : type, payload: data };
}

/** What a stream's reader made of the messages. */
export interface BedrockReaderResult {
  model: string | null;
  usage: Usage | null;
  final: boolean;
  /** Disagreements between two reports of the same figures (counted as parse errors). */
  conflicts?: number;
  anomaly?: BedrockUsageAnomaly | null;
  /** What the answer bills apart from the token counts (Claude through InvokeModel, Converse). */
  facts?: BillingFacts;
}

/** A stream's usage state machine. Throwing from `message` counts as a parse error. */
export interface BedrockStreamReader {
  message(m: BedrockStreamMessage): void;
  result(complete: boolean): BedrockReaderResult;
}

/**
 * The usage parser of a streamed answer. `requestModel` stands in when the stream names none
 * (Converse never does). `expected`: missing usage is `unknown` (else `none`).
 */
export function createBedrockStreamParser(
  requestModel: string | null,
  expected: boolean,
  reader: BedrockStreamReader,
  observer?: SseEventObserver,
): BedrockUsageParser {
  const decoder = new EventStreamDecoder();
  let stopped: BedrockUnknownReason | null = null;
  let parseErrors = 0;
  let streamError = false;
  let report: BedrockUsageReport | null = null;
  const halt = (reason: BedrockUnknownReason) => {
    if (stopped === null) observer?.lost();
    stopped ??= reason;
  };
  return {
    push(chunk) {
      if (report !== null || stopped !== null) return;
      for (const raw of decoder.push(chunk)) {
        const m = bedrockStreamMessage(raw);
        if (m.messageType !== "event") streamError = true;
        observer?.event(bedrockObserverName(m), m.payload);
        try {
          reader.message(m);
        } catch {
          parseErrors++;
        }
      }
      if (decoder.stopped !== null) halt(decoder.stopped);
    },
    stop(reason) {
      if (report === null) halt(reason);
    },
    finish(complete) {
      if (report !== null) return report;
      if (stopped === null) observer?.end(complete);
      const r = reader.result(complete);
      const frameErrors = decoder.corruptFrames;
      const known = r.usage !== null && r.final && stopped === null;
      report = {
        model: r.model ?? requestModel,
        usage: known ? r.usage : null,
        status: known ? "exact" : expected || stopped !== null ? "unknown" : "none",
        parseErrors: parseErrors + frameErrors + (r.conflicts ?? 0),
      };
      if (stopped !== null) report.unknownReason = stopped;
      if (frameErrors > 0) report.frameErrors = frameErrors;
      if (streamError) report.upstreamStreamError = true;
      if (known && r.anomaly) report.usageAnomaly = r.anomaly;
      if (known && r.facts !== undefined) report.facts = r.facts;
      return report;
    },
  };
}
