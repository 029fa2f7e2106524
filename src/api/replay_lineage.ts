/**
 * Where a replay hangs in the lineage: under its source, as the original's fork derives it
 * (reference 5.3 "Fork"): the source's group (else its trace group, else its own id), its thread
 * (else `thread_<id>`), the source as parent, and the source's sequence number + 1 (1 when it
 * has none). Unlike a fork, the source's run (if any) rather than a new one: a replay re-runs
 * that checkpoint, and stays in the chain `debug` and `/lineage` read for the run. Sent as the
 * lineage headers every client may send, so the proxy reads them as it always does.
 */
import type { Trace } from "../traces/mod.ts";

export function replayLineage(trace: Trace): Record<string, string> {
  const m = trace.metadata;
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
  const seq = typeof m.lineage_checkpoint_seq === "number" ? m.lineage_checkpoint_seq + 1 : 1;
  const run = text(m.lineage_run_id);
  return {
    ...(run === null ? {} : { "x-ongoingai-run-id": run }),
    "x-ongoingai-trace-group-id": text(m.lineage_group_id) ?? trace.trace_group_id ?? trace.id,
    "x-ongoingai-thread-id": text(m.lineage_thread_id) ?? `thread_${trace.id}`,
    "x-ongoingai-parent-checkpoint-id": trace.id,
    "x-ongoingai-checkpoint-seq": String(seq),
  };
}
