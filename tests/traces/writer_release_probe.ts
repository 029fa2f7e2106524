/**
 * Run with `--v8-flags=--expose-gc` by writer_release_test.ts: queues traces with bodies, lets
 * some batches be written while more wait, and prints how many written traces' bodies are still
 * reachable after a full collection (the writer must hold none of them).
 */
import { createTraceWriter, type TraceRecord } from "../../src/traces/mod.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");

const written: WeakRef<Uint8Array>[] = [];
const answers: (() => void)[] = [];
const writer = createTraceWriter({
  queueSize: 10_000,
  batchSize: 4,
  flushIntervalMs: 1,
  store: {
    // Each batch waits for the probe to answer it, so the queue is never drained meanwhile.
    writeBatch(traces: readonly TraceRecord[]) {
      for (const t of traces) written.push(new WeakRef(t.response_body as Uint8Array));
      return new Promise<void>((resolve) => answers.push(resolve));
    },
  },
});

function enqueueWithBody(): void {
  const trace = makeTrace() as TraceRecord;
  trace.response_body = new Uint8Array(64 * 1024);
  writer.enqueue(trace);
}

const tick = () => new Promise((r) => setTimeout(r, 5));
for (let i = 0; i < 40; i++) enqueueWithBody();
// Two batches written (8 traces), the third in flight, 28 still waiting.
for (let batch = 0; batch < 2; batch++) {
  while (answers.length <= batch) await tick();
  answers[batch]!();
}
while (answers.length < 3) await tick();
const writtenSoFar = 8;
gc();
await tick();
gc();
const alive = written.slice(0, writtenSoFar).filter((w) => w.deref() !== undefined).length;
console.log(JSON.stringify({ written: writtenSoFar, alive }));
for (let i = 2; i < 10; i++) {
  while (answers.length <= i) await tick();
  answers[i]!();
}
await writer.shutdown(1000);
