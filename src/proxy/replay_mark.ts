/**
 * What makes a request a replay (issue 22). The API's replay (api/replay.ts) builds a `Request`
 * and hands it to the gateway's own handler, so a replay is routed, limited, policy-checked and
 * traced like any request; the exchange finds the mark here and records `metadata.replay_of`.
 * The mark lives in a WeakMap keyed by that very object, not in a header: no client can send
 * something that makes its request pass for a replay of another tenant's trace.
 */
export interface ReplayMark {
  /** The trace replayed. */
  readonly sourceTraceId: string;
  /** Told the new trace's id as soon as the exchange exists (the replay answer names it). */
  started(traceId: string): void;
}

const marks = new WeakMap<Request, ReplayMark>();

export function markReplay(req: Request, mark: ReplayMark): Request {
  marks.set(req, mark);
  return req;
}

export function replayMarkOf(req: Request): ReplayMark | null {
  return marks.get(req) ?? null;
}
