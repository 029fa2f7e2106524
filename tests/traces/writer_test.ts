import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import fc from "fast-check";
import {
  createTraceWriter,
  type TraceWriter,
  type TraceWriterOptions,
  type WriteFailure,
} from "../../src/traces/writer.ts";
import type { Trace, TraceRecord } from "../../src/traces/trace.ts";
import {
  classifyWriteError,
  isTransient,
  type WriteErrorClass,
} from "../../src/traces/write_errors.ts";
import { pressureState, utilizationPct } from "../../src/traces/writer_stats.ts";
import { openSqliteStore } from "../../src/store/mod.ts";
import { join } from "node:path";
import { makeTrace } from "../testdata/trace_fixture.ts";
import { fakeTimeWriterOptions } from "./writer_fixture.ts";

/** A store whose answers the test decides: fail some calls, or hold them until released. */
class FakeStore {
  calls: string[][] = [];
  stored = new Set<string>();
  fail: (batch: readonly Trace[]) => Error | null = () => null;
  #gate: Promise<void> | null = null;
  #release: (() => void) | null = null;

  block(): void {
    this.#gate = new Promise((resolve) => (this.#release = resolve));
  }

  release(): void {
    this.#release?.();
    this.#gate = null;
  }

  async writeBatch(batch: readonly Trace[]): Promise<void> {
    this.calls.push(batch.map((t) => t.id));
    if (this.#gate) await this.#gate;
    const err = this.fail(batch);
    if (err) throw err;
    for (const t of batch) this.stored.add(t.id);
  }
}

function setup(overrides: Partial<TraceWriterOptions> = {}) {
  const clock = FakeTimers.createClock(Date.UTC(2026, 2, 1));
  const store = new FakeStore();
  const failures: WriteFailure[] = [];
  const writer = createTraceWriter({
    ...fakeTimeWriterOptions(clock),
    store,
    onError: (f) => failures.push(f),
    ...overrides,
  });
  return { clock, store, writer, failures };
}

function assertInvariant(writer: TraceWriter): void {
  const s = writer.snapshot();
  assert.equal(s.accepted, s.written + s.dropped_after_accept + s.queue_depth, "accepted");
  assert.equal(s.dropped, s.rejected + s.dropped_after_accept, "dropped");
  assert.equal(s.rejected, s.dropped_by_reason.queue_full + s.dropped_by_reason.shutdown);
  assert.equal(
    s.dropped_after_accept,
    s.dropped_by_reason.write_failed + s.dropped_by_reason.shutdown_timeout,
  );
}

function enqueueMany(writer: TraceWriter, n: number, overrides: Partial<Trace> = {}): Trace[] {
  const traces = Array.from({ length: n }, () => makeTrace(overrides));
  for (const t of traces) assert.equal(writer.enqueue(t), true);
  return traces;
}

const locked = () => new Error("database is locked");

Deno.test("writer: a full batch is written at once, without waiting for the interval", async () => {
  const { clock, store, writer } = setup();
  const traces = enqueueMany(writer, 4);
  assert.equal(store.calls.length, 0, "enqueue itself never writes");
  await clock.tickAsync(0);
  assert.deepStrictEqual(store.calls, [traces.map((t) => t.id)]);
  assert.equal(writer.snapshot().written, 4);
  assertInvariant(writer);
});

Deno.test("writer: a partial batch is written when the flush interval ends", async () => {
  const { clock, store, writer } = setup();
  enqueueMany(writer, 2);
  await clock.tickAsync(999);
  assert.equal(store.calls.length, 0);
  assert.equal(writer.snapshot().queue_depth, 2);
  await clock.tickAsync(1);
  assert.deepStrictEqual(store.calls.map((c) => c.length), [2]);
  assertInvariant(writer);
});

Deno.test("writer: batches hold at most batchSize traces, in enqueue order", async () => {
  const { clock, store, writer } = setup();
  const traces = enqueueMany(writer, 10);
  await clock.tickAsync(0);
  assert.deepStrictEqual(store.calls.map((c) => c.length), [4, 4]);
  await clock.tickAsync(1000);
  assert.deepStrictEqual(store.calls.flat(), traces.map((t) => t.id));
  assert.equal(writer.snapshot().batches_written, 3);
  assertInvariant(writer);
});

Deno.test("writer: a full queue refuses and counts; the depth includes the write in progress", async () => {
  const { clock, store, writer } = setup({ queueSize: 2, batchSize: 1 });
  store.block();
  enqueueMany(writer, 1);
  await clock.tickAsync(0);
  enqueueMany(writer, 1);
  assert.equal(writer.enqueue(makeTrace()), false);
  const s = writer.snapshot();
  assert.deepStrictEqual(
    {
      capacity: s.queue_capacity,
      depth: s.queue_depth,
      in_flight: s.queue_in_flight,
      watermark: s.queue_depth_high_watermark,
      pressure: s.queue_pressure_state,
      accepted: s.accepted,
      rejected: s.rejected,
      dropped: s.dropped,
      queue_full: s.dropped_by_reason.queue_full,
      last_drop_at: s.last_drop_at,
      last_drop_reason: s.last_drop_reason,
    },
    {
      capacity: 2,
      depth: 2,
      in_flight: 1,
      watermark: 2,
      pressure: "saturated",
      accepted: 2,
      rejected: 1,
      dropped: 1,
      queue_full: 1,
      last_drop_at: "2026-03-01T00:00:00.000Z",
      last_drop_reason: "queue_full",
    },
  );
  assertInvariant(writer);
  store.release();
  await writer.flush();
  assert.equal(writer.snapshot().written, 2);
  assert.equal(writer.snapshot().queue_pressure_state, "ok");
  assert.equal(writer.snapshot().queue_high_watermark_pressure_state, "saturated");
  assertInvariant(writer);
});

Deno.test("writer: transient failures keep the traces and retry with capped backoff", async () => {
  const { clock, store, writer, failures } = setup();
  let failuresLeft = 4;
  store.fail = () => (failuresLeft-- > 0 ? locked() : null);
  const traces = enqueueMany(writer, 4);
  await clock.tickAsync(0);
  assert.equal(writer.snapshot().store_state, "degraded");
  assert.equal(writer.snapshot().queue_depth, 4);
  assertInvariant(writer);
  await clock.tickAsync(100 + 200 + 400 + 400);
  assert.deepStrictEqual(failures.map((f) => f.retry_in_ms), [100, 200, 400, 400]);
  assert.ok(
    failures.every((f) => f.transient && f.dropped === 0 && f.error_class === "contention"),
  );
  assert.equal(store.calls.length, 5);
  assert.deepStrictEqual([...store.stored], traces.map((t) => t.id));
  const s = writer.snapshot();
  assert.equal(s.store_state, "ok");
  assert.equal(s.written, 4);
  assert.equal(s.dropped, 0);
  assert.equal(s.write_failures_by_class.contention, 4);
  assert.equal(s.write_failures_total, 4);
  assertInvariant(writer);
});

Deno.test("writer: during an outage the queue fills, then refuses; nothing accepted is lost", async () => {
  const { clock, store, writer } = setup({ queueSize: 6 });
  let down = true;
  store.fail = () => (down ? new Error("connect ECONNREFUSED 127.0.0.1:5432") : null);
  enqueueMany(writer, 6);
  await clock.tickAsync(0);
  assert.equal(writer.enqueue(makeTrace()), false);
  assert.equal(writer.snapshot().dropped_by_reason.queue_full, 1);
  await clock.tickAsync(5000);
  assertInvariant(writer);
  down = false;
  const flushed = writer.flush();
  await clock.tickAsync(400);
  await flushed;
  const s = writer.snapshot();
  assert.equal(s.written, 6);
  assert.equal(s.dropped_after_accept, 0);
  assert.ok(s.write_failures_by_class.connection > 0);
  assertInvariant(writer);
});

Deno.test("writer: a batch refused for bad data is written one by one; only the bad trace drops", async () => {
  const { clock, store, writer, failures } = setup();
  const bad = makeTrace({ model: "bad" });
  store.fail = (batch) =>
    batch.some((t) => t.model === "bad") ? new Error("NOT NULL constraint failed: traces.x") : null;
  const good = enqueueMany(writer, 3);
  writer.enqueue(bad);
  await clock.tickAsync(0);
  assert.deepStrictEqual([...store.stored].sort(), good.map((t) => t.id).sort());
  const s = writer.snapshot();
  assert.equal(s.written, 3);
  assert.equal(s.dropped_by_reason.write_failed, 1);
  assert.equal(s.write_failures_by_class.constraint, 2);
  assert.deepStrictEqual(
    failures.map((f) => [f.operation, f.batch_size, f.dropped, f.retry_in_ms]),
    [["write_batch", 4, 0, null], ["write_one", 1, 1, null]],
  );
  assertInvariant(writer);
});

Deno.test("writer: a transient failure while isolating retries and keeps the rest", async () => {
  const { clock, store, writer } = setup();
  let calls = 0;
  store.fail = (batch) => {
    calls++;
    if (calls === 1) return new TypeError("Do not know how to serialize a BigInt");
    if (calls === 3) return locked();
    return batch.some((t) => t.model === "bad") ? new TypeError("bad value") : null;
  };
  enqueueMany(writer, 2);
  writer.enqueue(makeTrace({ model: "bad" }));
  enqueueMany(writer, 1);
  await clock.tickAsync(0);
  await clock.tickAsync(100);
  const s = writer.snapshot();
  assert.equal(s.written, 3);
  assert.equal(s.dropped_by_reason.write_failed, 1);
  assert.equal(s.write_failures_by_class.invalid_data, 2);
  assert.equal(s.write_failures_by_class.contention, 1);
  assertInvariant(writer);
});

Deno.test("writer: flush writes at once what was accepted before it", async () => {
  const { store, writer } = setup();
  enqueueMany(writer, 3);
  await writer.flush();
  assert.deepStrictEqual(store.calls.map((c) => c.length), [3]);
  assert.equal(writer.snapshot().queue_depth, 0);
  await writer.flush();
  assertInvariant(writer);
});

Deno.test("writer: shutdown writes everything queued, then refuses new traces", async () => {
  const { store, writer } = setup();
  const traces = enqueueMany(writer, 7);
  assert.deepStrictEqual(await writer.shutdown(5000), { flushed: true });
  assert.equal(store.stored.size, traces.length);
  assert.equal(writer.enqueue(makeTrace()), false);
  const s = writer.snapshot();
  assert.equal(s.state, "stopped");
  assert.equal(s.dropped_by_reason.shutdown, 1);
  assert.deepStrictEqual(await writer.shutdown(1), { flushed: true });
  assertInvariant(writer);
});

Deno.test("writer: shutdown that runs out of time drops what waits and reports it", async () => {
  const { clock, store, writer } = setup({ batchSize: 2 });
  store.block();
  enqueueMany(writer, 3);
  await clock.tickAsync(0);
  const result = writer.shutdown(50);
  await clock.tickAsync(50);
  assert.deepStrictEqual(await result, { flushed: false });
  let s = writer.snapshot();
  assert.equal(s.dropped_by_reason.shutdown_timeout, 1);
  assert.equal(s.queue_depth, 2, "the write in progress is still counted");
  assertInvariant(writer);
  store.release();
  await clock.tickAsync(0);
  s = writer.snapshot();
  assert.deepStrictEqual([s.written, s.queue_depth], [2, 0]);
  assertInvariant(writer);
});

Deno.test("writer: shutdown timeout during a retry backoff drops the batch being retried", async () => {
  const { clock, store, writer } = setup();
  store.fail = locked;
  enqueueMany(writer, 2);
  const result = writer.shutdown(250);
  await clock.tickAsync(250);
  assert.deepStrictEqual(await result, { flushed: false });
  await clock.tickAsync(0);
  const s = writer.snapshot();
  assert.deepStrictEqual([s.queue_depth, s.dropped_by_reason.shutdown_timeout], [0, 2]);
  assert.equal(clock.countTimers(), 0, "no timer left behind");
  assertInvariant(writer);
});

Deno.test("writer: an onError hook that throws does not stop writing", async () => {
  const { clock, store, writer } = setup({
    onError: () => {
      throw new Error("logger broke");
    },
  });
  let fails = 1;
  store.fail = () => (fails-- > 0 ? locked() : null);
  enqueueMany(writer, 4);
  await clock.tickAsync(100);
  assert.equal(writer.snapshot().written, 4);
});

Deno.test("writer: options must be positive integers", () => {
  for (const bad of [{ queueSize: 0 }, { batchSize: 1.5 }, { flushIntervalMs: -1 }]) {
    assert.throws(() => setup(bad), RangeError, JSON.stringify(bad));
  }
});

Deno.test("writer: the accounting invariant holds at every step of random runs", async () => {
  const step = fc.oneof(
    fc.record({ op: fc.constant("enqueue" as const), n: fc.integer({ min: 1, max: 9 }) }),
    fc.record({ op: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 1500 }) }),
    fc.record({
      op: fc.constant("mode" as const),
      mode: fc.constantFrom("ok", "locked", "bad_model", "blocked"),
    }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
      const { clock, store, writer } = setup({ queueSize: 12, batchSize: 3 });
      let mode = "ok";
      store.fail = (batch) => {
        if (mode === "locked") return locked();
        return batch.some((t) => t.model === "bad") ? new Error("CHECK constraint failed") : null;
      };
      for (const s of steps) {
        if (s.op === "enqueue") {
          for (let i = 0; i < s.n; i++) {
            writer.enqueue(makeTrace(mode === "bad_model" && i === 0 ? { model: "bad" } : {}));
          }
        } else if (s.op === "tick") await clock.tickAsync(s.ms);
        else {
          if (mode === "blocked") store.release();
          mode = s.mode;
          if (mode === "blocked") store.block();
        }
        assertInvariant(writer);
      }
      store.release();
      mode = "ok";
      const done = writer.shutdown(60_000);
      await clock.tickAsync(60_000);
      assert.deepStrictEqual(await done, { flushed: true });
      const s = writer.snapshot();
      assert.equal(s.queue_depth, 0);
      assert.equal(s.accepted, s.written + s.dropped_by_reason.write_failed);
      assert.equal(store.stored.size, s.written);
      assertInvariant(writer);
    }),
    { numRuns: 60 },
  );
});

Deno.test("writer: store errors are classified into what the writer does with them", () => {
  const pg = (code: string) => Object.assign(new Error("postgres error"), { code });
  const cases: [unknown, WriteErrorClass][] = [
    [new Error("database is locked"), "contention"],
    [new Error("database table is locked"), "contention"],
    [pg("40001"), "contention"],
    [pg("40P01"), "contention"],
    [pg("55P03"), "contention"],
    [Object.assign(new Error("connect"), { code: "ECONNREFUSED" }), "connection"],
    [Object.assign(new Error("write"), { code: "EPIPE" }), "connection"],
    [Object.assign(new Error("gone"), { code: "CONNECTION_CLOSED" }), "connection"],
    [pg("57P01"), "connection"],
    [pg("08006"), "connection"],
    [pg("53300"), "connection"],
    [new Deno.errors.ConnectionRefused("refused"), "connection"],
    [new Error("Connection terminated unexpectedly"), "connection"],
    [Object.assign(new Error("t"), { code: "ETIMEDOUT" }), "timeout"],
    [pg("57014"), "timeout"],
    [new DOMException("signal timed out", "TimeoutError"), "timeout"],
    [new Error("context deadline exceeded"), "timeout"],
    [new Error("database or disk is full"), "storage"],
    [new Error("disk I/O error"), "storage"],
    [new Error("attempt to write a readonly database"), "storage"],
    [pg("53100"), "storage"],
    [Object.assign(new Error("no space"), { code: "ENOSPC" }), "storage"],
    [new Error("UNIQUE constraint failed: traces.id"), "constraint"],
    [new Error("NOT NULL constraint failed: traces.model"), "constraint"],
    [pg("23505"), "constraint"],
    [new Error("duplicate key value violates unique constraint"), "constraint"],
    [new RangeError('timestamp is not an RFC 3339 timestamp: "x"'), "invalid_data"],
    [new TypeError("Do not know how to serialize a BigInt"), "invalid_data"],
    [new Error("Provided value cannot be bound to SQLite parameter 3."), "invalid_data"],
    [pg("22P02"), "invalid_data"],
    [new Error("something odd"), "unknown"],
    ["a string", "unknown"],
    [null, "unknown"],
  ];
  for (const [err, want] of cases) assert.equal(classifyWriteError(err), want, String(err));
  assert.deepStrictEqual(
    ["contention", "connection", "timeout", "storage", "constraint", "invalid_data", "unknown"].map(
      (c) => isTransient(c as WriteErrorClass),
    ),
    [true, true, true, true, false, false, false],
  );
});

Deno.test("writer: pressure states follow queue utilization", () => {
  const cases: [number, number, number, string][] = [
    [0, 10, 0, "ok"],
    [4, 10, 40, "ok"],
    [5, 10, 50, "elevated"],
    [8, 10, 80, "high"],
    [9, 10, 90, "high"],
    [10, 10, 100, "saturated"],
    [1, 3, 33, "ok"],
  ];
  for (const [depth, cap, pct, state] of cases) {
    assert.equal(utilizationPct(depth, cap), pct);
    assert.equal(pressureState(pct), state);
  }
});

Deno.test("writer: with the real SQLite store, every accepted trace is in the database", async () => {
  const store = await openSqliteStore({ path: join(Deno.makeTempDirSync(), "w.db") });
  try {
    const writer = createTraceWriter({
      store,
      queueSize: 2048,
      batchSize: 512,
      flushIntervalMs: 50,
    });
    const traces = Array.from({ length: 1500 }, () => makeTrace());
    for (const t of traces) assert.equal(writer.enqueue(t), true);
    writer.enqueue(traces[0]!);
    assert.deepStrictEqual(await writer.shutdown(10_000), { flushed: true });
    assert.equal(await store.countTraces(), 1500, "a duplicate id is written once");
    const s = writer.snapshot();
    assert.deepStrictEqual([s.accepted, s.written, s.dropped], [1501, 1501, 0]);
    assertInvariant(writer);
  } finally {
    await store.close();
  }
});

Deno.test("writer: failures and recovery are logged, drops as errors", async () => {
  const lines: string[] = [];
  const log = {
    info: (msg: string) => lines.push(`info ${msg}`),
    warn: (msg: string) => lines.push(`warn ${msg}`),
    error: (msg: string, f?: Record<string, unknown>) =>
      lines.push(`error ${msg} ${f?.failed_count} ${f?.error_class}`),
  };
  const { clock, store, writer } = setup({ log, batchSize: 2 });
  let calls = 0;
  store.fail = (batch) => {
    calls++;
    if (calls === 1) return locked();
    return batch.some((t) => t.model === "bad") ? new Error("CHECK constraint failed") : null;
  };
  enqueueMany(writer, 1);
  writer.enqueue(makeTrace({ model: "bad" }));
  await clock.tickAsync(100);
  assert.deepStrictEqual(lines, [
    "warn trace store write failed; traces kept queued for a retry",
    "warn trace batch refused by the store; writing its traces one by one",
    "info trace store writable again; queued traces are being written",
    "error trace persistence failed; dropped trace records 1 constraint",
  ]);
});

Deno.test("writer: captured bodies beyond the byte budget are dropped from the trace, not the trace", async () => {
  const written: TraceRecord[] = [];
  const writer = createTraceWriter({
    store: { writeBatch: (t) => Promise.resolve(void written.push(...t)) },
    queueSize: 100,
    batchSize: 100,
    flushIntervalMs: 1,
    maxQueuedBodyBytes: 25,
  });
  const withBodies = () =>
    makeTrace({ request_body: "x".repeat(10), response_body: "y".repeat(10) });
  const traces = [withBodies(), withBodies(), withBodies()];
  for (const t of traces) assert.equal(writer.enqueue(t), true);
  await writer.flush();
  assert.equal(written.length, 3);
  assert.equal(written[0]!.request_body, "x".repeat(10));
  assert.equal(written[1]!.request_body, null);
  assert.equal(written[1]!.metadata.bodies_dropped, "queue_memory");
  assert.equal(written[2]!.response_body, null, "the budget frees only when traces are written");
  assert.equal(writer.snapshot().bodies_dropped, 2);
  // Written traces give their budget back.
  const later = withBodies();
  writer.enqueue(later);
  await writer.flush();
  assert.equal(written[3]!.request_body, "x".repeat(10));
  await writer.shutdown(1000);
});

Deno.test("writer: a batch is cut at its body budget, and a full-by-bytes batch goes at once", async () => {
  const batches: TraceRecord[][] = [];
  const writer = createTraceWriter({
    store: { writeBatch: (t) => Promise.resolve(void batches.push([...t])) },
    queueSize: 100,
    batchSize: 100,
    flushIntervalMs: 60_000, // never reached: only full batches and flush() write
    maxBatchBodyBytes: 25,
  });
  const body = (n: number): TraceRecord => ({ ...makeTrace(), request_body: new Uint8Array(n) });
  // 10 + 10 fit; the third would pass 25 bytes and starts the next batch. A trace alone over
  // the budget still goes, alone.
  for (const t of [body(10), body(10), body(10), body(40), body(1)]) writer.enqueue(t);
  await new Promise((r) => setTimeout(r, 10));
  assert.deepStrictEqual(batches.map((b) => b.length), [2, 1, 1], "full batches written at once");
  await writer.flush();
  assert.deepStrictEqual(batches.map((b) => b.length), [2, 1, 1, 1]);
  await writer.shutdown(1000);
});
