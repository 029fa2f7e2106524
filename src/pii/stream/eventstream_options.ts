/**
 * The event-stream redactor's options and bounds, and the message that ends a stream it stopped.
 */
import {
  encodeEventStreamMessage,
  eventStreamException,
  type EventStreamPayloadReader,
} from "../../providers/mod.ts";
import type { Counts, RedactRules } from "../types.ts";
import type { ScanBudget } from "../budget.ts";
import type { HeldTextLimits } from "./held_text.ts";

export interface EventStreamRedactorOptions {
  rules: RedactRules;
  mode: "redact" | "block";
  /**
   * How a message's payload is read (the adapter's `readEventStreamPayload`, as `locate` is for
   * SSE). Default: Bedrock's, the one provider that answers this framing (and what a stored copy,
   * redacted by content type without its adapter, is read with).
   */
  readPayload?: EventStreamPayloadReader;
  /**
   * The whole message that ends a stopped stream. Default: an `exception` message
   * (`validationException` for `pii_blocked`, else `internalServerException`) with
   * `{"message": ...}`, which the AWS SDKs raise as that exception.
   */
  streamError?: (code: string, message: string) => Uint8Array;
  /** Findings per count key, once, when the stream ends, is blocked or is cancelled. */
  onCounts?: (counts: Counts) => void;
  /** The findings not reported yet, after every chunk that added some (see the SSE options). */
  onFound?: (counts: Counts) => void;
  /** Block mode: the stream was stopped; the counts that caused it. */
  onBlocked?: (counts: Counts) => void;
  /** The stream was stopped because it could not be inspected: its code and message. */
  onStopped?: (code: string, message: string) => void;
  limits?: Partial<HeldTextLimits>;
  /** A message larger than this is refused before any of it is kept (default 8 MiB). */
  maxMessageBytes?: number;
  /** Most channels (content blocks) open at once (default 1024). */
  maxChannels?: number;
  /** Most text held back over all channels plus the bytes of the messages they keep. */
  maxHeldTotal?: number;
  /** `pii.scan_budget`: its findings bound applies to the whole stream. */
  budget?: ScanBudget | null;
}

export const defaultMaxMessageBytes = 8 * 1024 * 1024;
export const maxHeaderBytes = 128 * 1024;

/** Headers the protocol reads: never rewritten (a placeholder there would break the stream). */
export const protocolHeaders = new Set([
  ":message-type",
  ":event-type",
  ":exception-type",
  ":content-type",
  ":error-code",
]);

/** The default end of a stopped stream: an exception message the AWS SDKs raise. */
export function exceptionMessage(code: string, message: string): Uint8Array<ArrayBuffer> {
  const type = code === "pii_blocked" ? "validationException" : "internalServerException";
  return encodeEventStreamMessage(eventStreamException(type, message));
}
