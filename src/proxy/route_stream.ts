/**
 * A routed stream before and after its commit point (providers/stream_commit.ts). Before it, the
 * upstream's preamble is held while the commit scanner reads each event, under the first-token
 * and idle limits: any failure there is an outcome the loop may fail over from, and the client
 * has seen nothing. At the commit point the held bytes go out verbatim, then each chunk as it
 * comes; a cut, a stall, an unclean end or a malformed event after it closes the client's stream
 * with the protocol's error event (`termination`), never a synthesized clean end, and the trace
 * says why. The scanner's framing is the one usage parser of the answer: the attempt adopts it
 * (it saw the held preamble), and it reads exactly the bytes the client gets.
 */
import { concatBytes } from "../bytes.ts";
import type { ErrorCode } from "../errors/mod.ts";
import {
  defaultPreambleBytes,
  type StreamCommitScanner,
  type UsageParser,
} from "../providers/mod.ts";
import type { AttemptOutcome, PhaseTimeouts, ResolvedRoute } from "../routing/mod.ts";
import type { UpstreamResponse } from "../upstream/mod.ts";
import type { Exchange } from "./exchange.ts";
import type { ProxyRoute } from "./exchange_context.ts";
import { headersOf, headerValue } from "./headers.ts";
import type { AttemptSignal, SentAttempt } from "./route_attempt.ts";

export interface HeldStream {
  scanner: StreamCommitScanner;
  framing: UsageParser;
  /** Bytes released at the commit point (the held preamble and the first output). */
  released: Uint8Array | null;
}

/** The scanner for this answer, when it is a stream with a commit point; null otherwise. */
export function commitScanner(
  ex: Exchange,
  route: ProxyRoute,
  policy: ResolvedRoute,
  upstream: UpstreamResponse,
  requestModel: string | null,
  streaming: boolean,
): HeldStream | null {
  const create = route.adapter.createCommitScanner;
  if (create === undefined) return null;
  const info = {
    path: ex.attempt?.path ?? ex.upstreamPath,
    method: ex.req.method,
    status: upstream.status,
    contentType: headerValue(upstream.headers, "content-type"),
    requestedStreaming: streaming,
    requestModel,
    headers: headersOf(upstream.headers),
  };
  // A compressed stream cannot be read here: it goes through uninspected, as today.
  const coding = headerValue(upstream.headers, "content-encoding");
  if (!upstream.decoded && coding !== null && coding !== "identity") return null;
  const complete = policy.streamCommit === "complete";
  const scanner = create(info, {
    mode: policy.streamCommit,
    maxHeldBytes: complete ? policy.maxBufferBytes : defaultPreambleBytes,
    // A cut then leaves the client between two events, so the termination reads as the error
    // it is rather than as a broken event.
    alignEvents: true,
  });
  if (scanner === null) return null;
  // Fed by `scanner.feed`: whole events, the bytes the client gets (plus a malformed event cut).
  const framing = route.adapter.createUsageParser(info, scanner);
  return { scanner, framing, released: null };
}

/**
 * Reads until the commit point or a failure. Returns null when committed (`held.released` holds
 * the bytes to send first), else the outcome of the failed attempt.
 */
export async function holdUntilCommit(
  held: HeldStream,
  sent: SentAttempt,
  t: PhaseTimeouts,
): Promise<AttemptOutcome | null> {
  const { scanner, framing } = held;
  const { upstream, signal } = sent;
  const firstTokenBy = t.firstTokenMs === null ? null : performance.now() + t.firstTokenMs;
  for (;;) {
    armRead(signal, t.idleMs, firstTokenBy);
    let chunk: Uint8Array | null;
    try {
      chunk = await upstream.read();
    } catch {
      const phase = signal.timedOut;
      framing.finish(false);
      scanner.end(false);
      if (phase !== null) return { kind: "timeout", phase };
      return failed(held) ??
        { kind: "failed_before_commit", reason: "cut", status: null, error: null };
    }
    const out = chunk === null ? scanner.endFeed(framing) : scanner.feed(chunk, framing);
    const state = scanner.state;
    if (state.kind === "commit") {
      signal.disarm();
      held.released = out ?? new Uint8Array(0);
      return null;
    }
    if (state.kind === "fail") return failed(held)!;
  }
}

/** The next read's limit: the first-token deadline while it runs, the idle gap as well. */
function armRead(signal: AttemptSignal, idleMs: number | null, firstTokenBy: number | null) {
  const left = firstTokenBy === null ? null : Math.max(0, firstTokenBy - performance.now());
  if (left !== null && (idleMs === null || left <= idleMs)) signal.arm("first_token", left);
  else signal.arm("idle", idleMs);
}

function failed(held: HeldStream): AttemptOutcome | null {
  const s = held.scanner.state;
  if (s.kind !== "fail") return null;
  const f = s.failure;
  return { kind: "failed_before_commit", reason: f.reason, status: f.status, error: f.error };
}

/** How a committed stream ended badly, in the trace's words. */
/** `cut`: the scanner stopped before an event the client must not get (`scanner.cut`). */
type Ending = "upstream_idle_timeout" | "upstream_timeout" | "upstream_truncated" | "cut";

/**
 * The committed stream as the relay reads it: the released bytes, then the upstream's chunks
 * through the scanner. A cut, a stall, an unclean end or a malformed event becomes the protocol's
 * error event (after the whole events before it) and the trace's failure, then the end of the
 * body; the upstream is let go.
 */
export function committedStream(
  ex: Exchange,
  held: HeldStream,
  sent: SentAttempt,
  idleMs: number | null,
): UpstreamResponse {
  const { upstream, signal } = sent;
  // The framing read the preamble the attempt's own parser would never see: it is that parser.
  ex.attempt?.adoptParser(held.framing);
  let first: Uint8Array | null = held.released;
  let done = held.scanner.endSeen && held.scanner.ended !== null;
  const finish = (ending: Ending | null, before: Uint8Array | null = null): Uint8Array | null => {
    done = true;
    signal.close();
    if (ending === null) return before;
    if (ending === "cut") upstream.cancel();
    const code: ErrorCode = ending !== "cut"
      ? ending
      : held.scanner.cut?.reason === "malformed"
      ? "upstream_malformed_stream"
      : "upstream_truncated";
    ex.failedMidway(code, true);
    // SSE text, or one whole event-stream exception message (Bedrock): bytes either way.
    const bytes = held.scanner.terminationBytes(endingMessage(held, ending), code);
    // The usage parser reads what the client gets, the error event included.
    held.framing.push(bytes);
    return before === null || before.byteLength === 0 ? bytes : concatBytes([before, bytes]);
  };
  return {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: upstream.headers,
    decoded: upstream.decoded,
    async read() {
      if (first !== null) {
        const out = first;
        first = null;
        if (out.byteLength > 0) return out;
      }
      if (done) return null;
      // A malformed event came in the same read as the commit point.
      if (held.scanner.cut !== null) return finish("cut");
      return await readCommitted(ex, held, sent, idleMs, finish);
    },
    bytes: () => Promise.reject(new Error("a routed stream is read chunk by chunk")),
    cancel() {
      signal.close();
      upstream.cancel();
    },
  };
}

function endingMessage(held: HeldStream, ending: Ending): string {
  switch (ending) {
    case "upstream_idle_timeout":
      return "the upstream stopped sending the stream (idle timeout); the answer is incomplete";
    case "cut":
      return held.scanner.cut?.reason === "malformed"
        ? `the upstream sent an event that is not its protocol's (${held.scanner.cut.detail}); ` +
          "the stream was stopped before it and the answer is incomplete: retry the request"
        : `the upstream ended the stream before the answer was finished (${
          held.scanner.cut?.detail ?? "unclean end"
        }); the answer is incomplete: retry the request`;
    default:
      return "the upstream broke off the stream; the answer is incomplete";
  }
}

async function readCommitted(
  ex: Exchange,
  held: HeldStream,
  sent: SentAttempt,
  idleMs: number | null,
  finish: (ending: Ending | null, before?: Uint8Array | null) => Uint8Array | null,
): Promise<Uint8Array | null> {
  const { scanner, framing } = held;
  for (;;) {
    sent.signal.arm("idle", idleMs);
    let chunk: Uint8Array | null;
    try {
      chunk = await sent.upstream.read();
    } catch (err) {
      // The client left or the gateway shuts down: the relay ends it as it always did.
      if (ex.signal.aborted) throw err;
      const phase = sent.signal.timedOut;
      return finish(
        phase === "idle"
          ? "upstream_idle_timeout"
          : phase !== null
          ? "upstream_timeout"
          : "upstream_truncated",
      );
    }
    if (chunk === null) {
      const tail = scanner.endFeed(framing);
      if (scanner.cut !== null) return finish("cut");
      return finish(scanner.ended?.kind === "unclean" ? "upstream_truncated" : null, tail);
    }
    const out = scanner.feed(chunk, framing);
    if (scanner.cut !== null) return finish("cut", out);
    if (out !== null && out.byteLength > 0) return out;
  }
}

/**
 * An answer without a commit point (a JSON document, a stream the gateway cannot read): relayed
 * as it is, each read under the idle limit and the total limit, which the exchange's watchdog no
 * longer applies to a routed request.
 */
export function guardedBody(sent: SentAttempt, idleMs: number | null): UpstreamResponse {
  const { upstream, signal } = sent;
  const guarded = async <T>(read: () => Promise<T>, last: (v: T) => boolean): Promise<T> => {
    signal.arm("idle", idleMs);
    try {
      const value = await read();
      if (last(value)) signal.close();
      else signal.disarm();
      return value;
    } catch (err) {
      signal.close();
      throw err;
    }
  };
  return {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: upstream.headers,
    decoded: upstream.decoded,
    read: () => guarded(() => upstream.read(), (c) => c === null),
    bytes: () => guarded(() => upstream.bytes(), () => true),
    cancel() {
      signal.close();
      upstream.cancel();
    },
  };
}
