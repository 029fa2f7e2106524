/**
 * The trace ledger as a running gateway reports it: every trace accepted onto the queue is
 * written, dropped with a counted reason, or still queued. Fault tests call `assertLedger` at
 * their end, so "nothing is lost silently" is checked after every fault, not assumed.
 */
import assert from "node:assert/strict";

export interface Ledger {
  accepted: number;
  written: number;
  dropped: number;
  queued: number;
  /** Refused at the door (queue full) or dropped later, by reason. */
  dropped_by_reason: Record<string, number>;
  raw: Record<string, unknown>;
}

export async function readLedger(origin: string, headers: HeadersInit = {}): Promise<Ledger> {
  const res = await fetch(`${origin}/api/diagnostics/trace-pipeline`, { headers });
  if (!res.ok) throw new Error(`trace-pipeline diagnostics: ${res.status} ${await res.text()}`);
  const d = (await res.json()).diagnostics as Record<string, unknown>;
  const num = (k: string) => Number(d[k] ?? 0);
  return {
    accepted: num("enqueue_accepted_total"),
    written: num("written_total"),
    dropped: num("write_dropped_total"),
    queued: num("queue_depth"),
    dropped_by_reason: (d["dropped_by_reason"] ?? {}) as Record<string, number>,
    raw: d,
  };
}

/** accepted = written + dropped + queued, as reported by `/api/diagnostics/trace-pipeline`. */
export async function assertLedger(origin: string, headers: HeadersInit = {}): Promise<Ledger> {
  const l = await readLedger(origin, headers);
  assert.equal(
    l.accepted,
    l.written + l.dropped + l.queued,
    `ledger: accepted ${l.accepted} != written ${l.written} + dropped ${l.dropped} + queued ${l.queued} (${
      JSON.stringify(l.raw)
    })`,
  );
  return l;
}
