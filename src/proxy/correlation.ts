/**
 * Correlation and lineage headers, as the original defines them: a correlation id accepted from
 * the client when it is well-formed (else generated), and the lineage headers that group traces
 * into threads, runs and checkpoints.
 */
import type { Lineage } from "../traces/mod.ts";

const correlationHeaders = [
  "x-ongoingai-correlation-id",
  "x-request-id",
  "x-correlation-id",
];

const validId = /^[A-Za-z0-9\-_.:]{1,128}$/;

export function newCorrelationId(): string {
  return "corr-" + crypto.randomUUID().replaceAll("-", "");
}

/** The first well-formed id from the accepted headers, canonical header first; else a new one. */
export function correlationIdFrom(headers: Headers): string {
  for (const name of correlationHeaders) {
    const v = headers.get(name);
    if (v === null) continue;
    const trimmed = v.trim();
    if (validId.test(trimmed)) return trimmed;
    // An invalid canonical header must not fall through to a weaker alias.
    break;
  }
  return newCorrelationId();
}

function header(headers: Headers, name: string): string | null {
  const v = headers.get(name)?.trim();
  return v ? v.slice(0, 256) : null;
}

export function lineageFrom(headers: Headers): Lineage {
  const seq = headers.get("x-ongoingai-checkpoint-seq")?.trim();
  return {
    group_id: header(headers, "x-ongoingai-trace-group-id"),
    thread_id: header(headers, "x-ongoingai-thread-id"),
    run_id: header(headers, "x-ongoingai-run-id"),
    parent_checkpoint_id: header(headers, "x-ongoingai-parent-checkpoint-id"),
    checkpoint_seq: seq !== undefined && /^\d{1,15}$/.test(seq) ? Number(seq) : null,
  };
}
