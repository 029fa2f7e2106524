/**
 * A routed attempt's 2xx answer with no commit point (read whole when small, so a cut body can
 * still fail over), and a failed attempt's answer given to the relay as if it came now. Split out
 * of route_loop.ts, which decides; these only shape bytes.
 */
import { concatBytes } from "../bytes.ts";
import type { AttemptOutcome } from "../routing/mod.ts";
import type { UpstreamResponse } from "../upstream/mod.ts";
import { headerValue, type SentAttempt } from "./route_attempt.ts";
import { guardedBody } from "./route_stream.ts";

/** An attempt's result: an answer for the client, or a failure (with bytes to replay, if any). */
export type Tried =
  | { kind: "answer"; upstream: UpstreamResponse }
  | { kind: "failed"; outcome: AttemptOutcome; replay: (() => UpstreamResponse) | null };

/** Documents up to this size are read whole before answering, so a cut body fails over. */
const wholeLimit = 256 * 1024;

/**
 * A 2xx answer with no commit point. A small document is read whole within the attempt (a body
 * cut or stalled before its end is then a failure the loop may fail over from); anything else is
 * relayed as it comes, under the attempt's idle and total limits.
 */
export async function wholeAnswer(
  sent: SentAttempt,
  idleMs: number | null,
  stream: boolean,
): Promise<Tried> {
  const { upstream } = sent;
  const guarded = guardedBody(sent, idleMs);
  const declared = Number(headerValue(upstream.headers, "content-length") ?? 0);
  if (stream || declared > wholeLimit) {
    return { kind: "answer", upstream: guarded };
  }
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const chunk = await guarded.read();
      if (chunk === null) break;
      parts.push(chunk);
      size += chunk.byteLength;
      // Larger than a document worth holding: what was read goes first, the rest as it comes.
      if (size > wholeLimit) return { kind: "answer", upstream: prefixed(guarded, parts) };
    }
  } catch {
    const phase = sent.signal.timedOut;
    const outcome: AttemptOutcome = phase !== null
      ? { kind: "timeout", phase }
      : { kind: "failed_before_commit", reason: "cut", status: upstream.status, error: null };
    return { kind: "failed", outcome, replay: null };
  }
  return { kind: "answer", upstream: replayOf(upstream, concatBytes(parts)) };
}

/** `source` with `parts` (already read from it) given first. */
function prefixed(source: UpstreamResponse, parts: Uint8Array[]): UpstreamResponse {
  return {
    ...source,
    headers: source.headers,
    read: () => Promise.resolve(parts.shift() ?? null).then((p) => p ?? source.read()),
    bytes: () => Promise.reject(new Error("read chunk by chunk")),
    cancel: () => source.cancel(),
  };
}

/** The answer of a failed attempt, read already, given to the relay as if it came now. */
export function replayOf(upstream: UpstreamResponse, bytes: Uint8Array): UpstreamResponse {
  let given = false;
  const body = bytes.slice();
  return {
    status: upstream.status,
    statusText: upstream.statusText,
    // The bytes are what the upstream client gave: its headers and `decoded` still describe them.
    headers: upstream.headers.filter(([k]) => k !== "content-length")
      .concat([["content-length", String(body.byteLength)]]),
    decoded: upstream.decoded,
    read: () => {
      if (given) return Promise.resolve(null);
      given = true;
      return Promise.resolve(body);
    },
    bytes: () => Promise.resolve(body),
    cancel: () => {},
  };
}
