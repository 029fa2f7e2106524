/**
 * The writer's `onBatch` hook: one report per store call, with what telemetry needs to build a
 * span (timings, size, outcome, attempt) and nothing the writer would have to keep for it.
 */
import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import {
  createTraceWriter,
  type StoreBatch,
  type TraceRecord,
  type TraceWriterOptions,
} from "../../src/traces/mod.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";
import { fakeTimeWriterOptions } from "./writer_fixture.ts";

const start = Date.UTC(2026, 2, 1);
/** Monotonic time each store call takes, so a report's duration is known exactly. */
const callMs = 7.25;

function setup(
  failures: (call: number, batch: readonly TraceRecord[]) => Error | null,
  overrides: Partial<TraceWriterOptions> = {},
  observe = true,
) {
  const clock = FakeTimers.createClock(start);
  let mono = 1000;
  let monoReads = 0;
  let calls = 0;
  const reports: StoreBatch[] = [];
  const store = {
    writeBatch(batch: readonly TraceRecord[]): Promise<void> {
      mono += callMs;
      const err = failures(++calls, batch);
      return err === null ? Promise.resolve() : Promise.reject(err);
    },
  };
  const writer = createTraceWriter({
    ...fakeTimeWriterOptions(clock),
    store,
    monotonic: () => (monoReads++, mono),
    ...(observe
      ? { onBatch: (b: StoreBatch) => void reports.push({ ...b, traces: [...b.traces] }) }
      : {}),
    ...overrides,
  });
  return { clock, writer, reports, monoReads: () => monoReads };
}

const ok = () => null;
const locked = () => new Error("database is locked");
const refused = () => new Error("UNIQUE constraint failed: traces.id");

type Row = [StoreBatch["operation"], size: number, ok: boolean, StoreBatch["errorClass"], number];

const cases: {
  name: string;
  traces: number;
  fail: (call: number, batch: readonly TraceRecord[]) => Error | null;
  /** Enough fake time for every retry. */
  run: number;
  rows: Row[];
  /** Index of the trace the store refuses for good. */
  refusedIndex?: number;
}[] = [
  {
    name: "each written batch is one report",
    traces: 6,
    fail: ok,
    run: 1000,
    rows: [["write_batch", 4, true, null, 1], ["write_batch", 2, true, null, 1]],
  },
  {
    name: "a transient failure and its retries are one report each, the attempt counting up",
    traces: 3,
    fail: (call) => (call <= 2 ? locked() : null),
    run: 1000 + 100 + 200,
    rows: [
      ["write_batch", 3, false, "contention", 1],
      ["write_batch", 3, false, "contention", 2],
      ["write_batch", 3, true, null, 3],
    ],
  },
  {
    name: "a refused batch, then its traces one at a time while the bad one is isolated",
    traces: 3,
    fail: (call, batch) => (call === 1 || (batch.length === 1 && call === 3) ? refused() : null),
    run: 1000,
    rows: [
      ["write_batch", 3, false, "constraint", 1],
      ["write_one", 1, true, null, 1],
      ["write_one", 1, false, "constraint", 1],
      ["write_one", 1, true, null, 1],
    ],
    refusedIndex: 1,
  },
];

for (const c of cases) {
  Deno.test(`writer onBatch: ${c.name}`, async () => {
    const { clock, writer, reports } = setup(c.fail);
    const traces = Array.from({ length: c.traces }, () => makeTrace());
    for (const t of traces) writer.enqueue(t);
    await clock.tickAsync(c.run);
    assert.deepEqual(
      reports.map((r) => [r.operation, r.traces.length, r.ok, r.errorClass, r.attempt]),
      c.rows,
    );
    for (const r of reports) {
      // Wall start plus the store call's monotonic duration.
      assert.equal(r.endMs - r.startMs, callMs);
      assert.ok(r.startMs >= start);
    }
    // The reports name the queued records themselves, in order.
    const written = reports.filter((r) => r.ok).flatMap((r) => r.traces);
    assert.deepEqual(written, traces.filter((_, i) => i !== c.refusedIndex));
    await writer.shutdown(1000);
  });
}

Deno.test("writer onBatch: a report's start is the wall clock when the call began", async () => {
  const { clock, writer, reports } = setup(ok);
  writer.enqueue(makeTrace());
  await clock.tickAsync(1000);
  assert.equal(reports.length, 1);
  assert.equal(reports[0]!.startMs, start + 1000);
  assert.equal(reports[0]!.endMs, start + 1000 + callMs);
});

Deno.test("writer onBatch: an observer that throws changes nothing about writing", async () => {
  const { clock, writer } = setup((call) => (call === 1 ? locked() : null), {
    onBatch: () => {
      throw new Error("observer broke");
    },
  });
  for (let i = 0; i < 4; i++) writer.enqueue(makeTrace());
  await clock.tickAsync(200);
  const s = writer.snapshot();
  assert.equal(s.written, 4);
  assert.equal(s.write_failures_total, 1);
  assert.equal(s.dropped, 0);
  assert.equal(s.store_state, "ok");
});

Deno.test("writer onBatch: without an observer the writer reads no monotonic clock", async () => {
  const { clock, writer, monoReads } = setup(ok, {}, false);
  for (let i = 0; i < 9; i++) writer.enqueue(makeTrace());
  await clock.tickAsync(1000);
  assert.equal(writer.snapshot().written, 9);
  assert.equal(monoReads(), 0);
});
