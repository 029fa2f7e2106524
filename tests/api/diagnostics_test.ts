import assert from "node:assert/strict";
import {
  traceDiagnosticsBody,
  traceDiagnosticsResponseSchema,
  traceDiagnosticsSchema,
} from "../../src/api/mod.ts";
import { createTraceWriter } from "../../src/traces/mod.ts";
import { apiFixture, json } from "./api_fixture.ts";
import { writerSnapshot } from "../testdata/writer_snapshot.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const now = Date.UTC(2026, 2, 1, 10, 0, 0, 5);

Deno.test("traceDiagnosticsBody maps the writer snapshot to the v1 names", () => {
  const cases: [string, Parameters<typeof writerSnapshot>[0], Record<string, unknown>][] = [
    ["totals and the split of drops", {}, {
      enqueue_accepted_total: 120,
      written_total: 117,
      enqueue_dropped_total: 3,
      write_dropped_total: 1,
      total_dropped_total: 4,
      dropped_by_reason: { queue_full: 3, shutdown: 0, write_failed: 1, shutdown_timeout: 0 },
      last_drop_at: "2026-03-01T09:00:30.000Z",
      last_drop_reason: "write_failed",
    }],
    ["queue and pressure", {
      queue_depth: 16_384,
      queue_utilization_pct: 100,
      queue_pressure_state: "saturated",
    }, {
      queue_capacity: 16_384,
      queue_depth: 16_384,
      queue_in_flight: 1,
      queue_depth_high_watermark: 9_000,
      queue_utilization_pct: 100,
      queue_high_watermark_utilization_pct: 54,
      queue_pressure_state: "saturated",
      queue_high_watermark_pressure_state: "elevated",
    }],
    ["failures by class, every class present", { store_state: "degraded" }, {
      store_state: "degraded",
      write_failures_total: 3,
      write_failures_by_class: {
        contention: 2,
        connection: 0,
        timeout: 0,
        storage: 0,
        constraint: 1,
        invalid_data: 0,
        unknown: 0,
      },
    }],
    ["nothing dropped: nulls, not missing fields", {
      last_drop_at: null,
      last_drop_reason: null,
      state: "stopping",
    }, { last_drop_at: null, last_drop_reason: null, writer_state: "stopping" }],
    ["the rest", {}, {
      store_driver: "sqlite",
      batches_written_total: 12,
      bodies_dropped_total: 5,
    }],
  ];
  for (const [name, overrides, want] of cases) {
    const body = traceDiagnosticsBody({
      snapshot: writerSnapshot(overrides),
      storeDriver: "sqlite",
      now,
    });
    assert.equal(body.schema_version, "trace-pipeline-diagnostics.v1", name);
    assert.equal(body.generated_at, "2026-03-01T10:00:00.005Z", name);
    traceDiagnosticsResponseSchema.parse(body);
    const picked = Object.fromEntries(
      Object.keys(want).map((k) => [k, (body.diagnostics as Record<string, unknown>)[k]]),
    );
    assert.deepStrictEqual(picked, want, name);
    assert.deepStrictEqual(
      Object.keys(body.diagnostics).sort(),
      Object.keys(traceDiagnosticsSchema.shape).sort(),
      `${name}: every field, always`,
    );
  }
});

Deno.test("traceDiagnosticsBody reads a real writer's snapshot", async () => {
  const writer = createTraceWriter({
    store: { writeBatch: () => Promise.resolve() },
    queueSize: 4,
    batchSize: 10,
    flushIntervalMs: 1000,
    now: () => now,
  });
  for (let i = 0; i < 6; i++) writer.enqueue(makeTrace());
  const { diagnostics } = traceDiagnosticsBody({
    snapshot: writer.snapshot(),
    storeDriver: "sqlite",
    now,
  });
  assert.equal(diagnostics.queue_depth, 4);
  assert.equal(diagnostics.queue_pressure_state, "saturated");
  assert.equal(diagnostics.enqueue_dropped_total, 2);
  assert.equal(diagnostics.dropped_by_reason.queue_full, 2);
  assert.equal(diagnostics.last_drop_at, new Date(now).toISOString());
  await writer.shutdown(1000);
  const after = traceDiagnosticsBody({ snapshot: writer.snapshot(), storeDriver: "sqlite", now });
  assert.equal(after.diagnostics.written_total, 4);
  assert.equal(after.diagnostics.writer_state, "stopped");
});

Deno.test("GET /api/diagnostics/trace-pipeline answers the writer's figures, uncached", async () => {
  const fx = await apiFixture([]);
  try {
    const res = await fx.get("/api/diagnostics/trace-pipeline");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const body = await json(res);
    assert.deepStrictEqual(
      body,
      traceDiagnosticsBody({
        snapshot: writerSnapshot(),
        storeDriver: "sqlite",
        now: Date.UTC(2026, 2, 1, 9, 0, 42, 900),
      }),
    );
    traceDiagnosticsResponseSchema.parse(body);
    const post = await fx.get("/api/diagnostics/trace-pipeline", { method: "POST" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
  } finally {
    await fx.close();
  }
});
