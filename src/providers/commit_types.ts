/**
 * The stream commit point's vocabulary (stream_commit.ts): the options, states, failures and ends
 * a `StreamCommitScanner` speaks, and the `CommitRules` each protocol supplies (commit_*.ts).
 */
import type { ProviderErrorFacts } from "./error_facts.ts";
import type { StreamFraming } from "./types.ts";

/**
 * `first_content`: commit at the first real output. `complete`: hold the whole answer and commit
 * only once the upstream finished it cleanly (or the hold grew past its cap).
 */
export type CommitMode = "first_content" | "complete";

export interface CommitOptions {
  mode: CommitMode;
  /** Bytes (or WebSocket frame characters) held at most; past it the scanner commits. */
  maxHeldBytes: number;
  /**
   * After the commit point, release bytes only at event boundaries (sse_event_aligner.ts; whole
   * messages for an AWS event stream, aws_eventstream_aligner.ts): a cut then leaves the client
   * between two events and the termination is read as the error it is. The unterminated tail waits for its blank line (usually the next read); at a clean
   * end of the body, `drain()` (or `endFeed`) gives what is still held. With `feed`, the aligner
   * also sits in front of the framing, so that a malformed event after the commit point is found
   * before its bytes go out. Default false: every chunk as it is.
   */
  alignEvents?: boolean;
}

/** Preamble is small; Responses `response.created` repeats instructions and tools (~100 KB). */
export const defaultPreambleBytes = 1024 * 1024;

/** Why a stream is not (or was not) a clean, complete answer. */
export interface StreamFailure {
  /**
   * `in_band_error`: an error event after the 200; `malformed`: an event that is not the
   * protocol's; `unclean_end`: the body ended without the protocol's terminator; `cut`: the body
   * broke off (the caller said so).
   */
  reason: "in_band_error" | "malformed" | "unclean_end" | "cut";
  /** The HTTP status the error carries or its documented type means (Anthropic); else null. */
  status: number | null;
  error: ProviderErrorFacts | null;
  /** What was wrong, for logs and the attempt record. */
  detail: string;
}

export type CommitState =
  | { kind: "hold" }
  | {
    kind: "commit";
    /**
     * `content`: the first real output; `finished`: the stream ended cleanly while held (an empty
     * answer, or `complete` mode); `hold_cap`: the hold grew past `maxHeldBytes`; `blind`: the
     * framing stopped at its bound, so nothing more can be checked.
     */
    cause: "content" | "finished" | "hold_cap" | "blind";
  }
  | { kind: "fail"; failure: StreamFailure };

/** How a stream ended, once `end` was called. */
export type StreamEnd =
  | { kind: "clean" }
  /** The framing stopped at its bound before the end: whether it ended well is not known. */
  | { kind: "unverified" }
  | { kind: "unclean"; failure: StreamFailure };

/** What one event means to the commit point. */
export type EventVerdict =
  | { kind: "preamble" }
  | { kind: "content" }
  /** The protocol's terminator; `problem` says why it is not a clean end after all. */
  | { kind: "end"; problem: string | null }
  | { kind: "error"; status: number | null; error: ProviderErrorFacts }
  | { kind: "malformed"; detail: string };

/**
 * One protocol's rules. Stateful per stream (Chat tracks `finish_reason`, Responses numbering).
 * Text framings (SSE, the default, and WebSocket text frames) terminate with text; a binary
 * framing (Bedrock's AWS event stream: events are whole messages, name = `:event-type`, data =
 * the payload text, as bedrock_stream.ts feeds them) with one whole message as bytes.
 */
export interface CommitRules {
  /** The stream's framing; absent: SSE. */
  readonly framing?: StreamFraming;
  /** Every event while the answer is held: parsed and classified exactly. */
  classify(name: string | null, data: string): EventVerdict;
  /**
   * Events after the commit point: cheap string checks for the terminator, errors and malformed
   * data, parsing only the rare event that needs it (long streams are mostly deltas).
   */
  glance(name: string | null, data: string): EventVerdict;
  /** The terminator as messages name it (`data: [DONE]`, `message_stop`). */
  readonly terminatorName: string;
  /**
   * An error event the protocol's official SDK raises (see `StreamCommitScanner.termination`),
   * carrying `code` where the protocol has a place for one: text for a text framing, one whole
   * binary message (both CRCs right) for the AWS event stream.
   */
  termination(message: string, code: string): string | Uint8Array<ArrayBuffer>;
  /**
   * For protocols with no terminator in band (Gemini: the body simply ends): asked when the body
   * ended complete before any terminator; null when that is a clean end, else the problem.
   * Absent: ending without the terminator is `unclean_end`.
   */
  cleanEnd?(): string | null;
  /**
   * A line of an SSE body that is no SSE field (Gemini writes a raw JSON error object into a
   * 200 stream): null while it says nothing yet, else what it means. Absent: such lines are
   * ignored, as the SSE grammar says.
   */
  unframed?(line: string): EventVerdict | null;
}
