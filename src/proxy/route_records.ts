/**
 * What the route loop keeps of each attempt: its record in the trace (`attempts`) and its count in
 * the routing metrics (an attempt, and a failover when it went to another target than the last).
 * Split out of route_loop.ts, which decides; these only describe.
 */
import type { AttemptRecord, AttemptTicket, Decision } from "../routing/mod.ts";
import { attemptOutcomeLabel, type RoutingMetrics } from "../telemetry/mod.ts";
import type { Attempt } from "./attempt.ts";
import type { Exchange } from "./exchange.ts";
import type { Tried } from "./route_answer.ts";

/** The attempt just recorded, and a failover when it went to another target than the last one. */
export function countAttempt(
  metrics: RoutingMetrics | null | undefined,
  route: string,
  records: readonly AttemptRecord[],
  tried: Tried,
): void {
  if (metrics == null) return;
  const r = records[records.length - 1]!;
  const outcome = tried.kind === "answer" ? { kind: "success" } : tried.outcome;
  metrics.attempt({
    route,
    provider: r.provider,
    model: r.model,
    outcome: attemptOutcomeLabel(outcome),
  });
  const prev = records[records.length - 2];
  if (prev === undefined || (prev.provider === r.provider && prev.model === r.model)) return;
  metrics.failover({
    route,
    fromTarget: `${prev.provider}/${prev.model}`,
    toTarget: `${r.provider}/${r.model}`,
  });
}

/** `a`: the attempt's own (null when the target refused the path before one was made). */
export function attemptRecord(
  ex: Exchange,
  a: Attempt | null,
  ticket: AttemptTicket,
  tried: Tried,
  decision: Decision,
  waited: number,
): AttemptRecord {
  const now = ex.monotonic();
  const startedAt = a?.startedAt ?? now;
  const outcome = tried.kind === "answer" ? { kind: "success" as const } : tried.outcome;
  return {
    n: ticket.number,
    provider: ticket.target.provider,
    model: ticket.target.model,
    key_id: ticket.keyId,
    outcome: outcome.kind,
    status: outcome.kind === "status"
      ? outcome.status
      : tried.kind === "answer"
      ? tried.upstream.status
      : outcome.kind === "failed_before_commit"
      ? outcome.status
      : null,
    reason: tried.kind === "answer" ? null : decision.reason,
    timeout_phase: outcome.kind === "timeout" ? outcome.phase : null,
    waited_ms: Math.round(waited),
    started_ms: Math.round(startedAt - ex.t0),
    first_byte_ms: a?.headersAt == null ? null : Math.round(a.headersAt - startedAt),
    duration_ms: Math.round(now - startedAt),
    committed: tried.kind === "answer",
  };
}
