/**
 * Where a replay hangs in the lineage: under its source, as the original's fork derives it
 * (reference 5.3 "Fork"): the source's group (else its trace group, else its own id), its thread
 * (else `thread_<id>`), a new run, the source as parent, and the source's sequence number + 1
 * (1 when it has none). A new run, so that a replay never passes for the next step of the run it
 * came from; the chain `debug` and `/lineage` read for it reaches back to the source through the
 * parent link (lineage_chain.ts). Sent as the lineage headers every client may send, so the
 * proxy reads them as it always does.
 */
import type { Trace } from "../traces/mod.ts";

export function replayLineage(trace: Trace): Record<string, string> {
  const m = trace.metadata;
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
  const seq = typeof m.lineage_checkpoint_seq === "number" ? m.lineage_checkpoint_seq + 1 : 1;
  // The proxy reads at most 15 digits (correlation.ts): past that the replay has no sequence.
  const seqHeader = String(seq).length <= 15 ? { "x-ongoingai-checkpoint-seq": String(seq) } : {};
  return {
    "x-ongoingai-trace-group-id": text(m.lineage_group_id) ?? trace.trace_group_id ?? trace.id,
    "x-ongoingai-thread-id": text(m.lineage_thread_id) ?? `thread_${trace.id}`,
    "x-ongoingai-run-id": `run_${randomHex(8)}`,
    "x-ongoingai-parent-checkpoint-id": trace.id,
    ...seqHeader,
  };
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
}
