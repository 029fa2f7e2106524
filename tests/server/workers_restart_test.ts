/**
 * A serving worker whose isolate ends (an uncaught error) is started again, a bounded number of
 * times, and the pool goes on without it after that. The worker is a stand-in speaking the real
 * protocol (tests/support/serve_worker_crash.ts); the main side is the real one.
 */
import assert from "node:assert/strict";
import { startServeWorkers } from "../../src/server/serve_workers.ts";
import { MemoryCounters } from "../../src/limits/mod.ts";
import { MemoryRoutingState } from "../../src/routing/mod.ts";
import { MemoryStateMap } from "../../src/providers/mod.ts";
import { createGatewayMetrics } from "../../src/telemetry/mod.ts";
import type { GatewayConfig } from "../../src/config/mod.ts";
import type { Logger } from "../../src/log/mod.ts";
import type { TraceStore } from "../../src/store/mod.ts";
import { createTraceWriter } from "../../src/traces/mod.ts";
import type { MetricFamily } from "../../src/telemetry/mod.ts";
import { poll } from "../support/process.ts";
import {
  countingWorkerDrops,
  WorkerFigures,
  writerFamily,
} from "../../src/server/worker_figures.ts";
import { droppedByEach, servedByEach } from "../support/serve_worker_crash_figures.ts";

function recordingLog() {
  const lines: string[] = [];
  const record = (level: string) => (msg: string) => void lines.push(`${level} ${msg}`);
  const log: Logger = {
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
  };
  const count = (text: string) => lines.filter((l) => l.includes(text)).length;
  return { lines, log, count };
}

async function startStandIns(log: Logger, heartbeat?: { everyMs: number; hungAfterMs: number }) {
  const figures = new WorkerFigures(writerFamily);
  const writer = countingWorkerDrops(
    createTraceWriter({
      store: { writeBatch: () => Promise.resolve() },
      queueSize: 10,
      batchSize: 10,
      flushIntervalMs: 10,
    }),
    figures,
  );
  const pool = await startServeWorkers({
    count: 1,
    moduleUrl: new URL("../support/serve_worker_crash.ts", import.meta.url).href,
    config: { server: { host: "127.0.0.1", workers: 2 } } as GatewayConfig,
    port: 1,
    configSource: null,
    cwd: Deno.cwd(),
    env: {},
    keyHashSecret: "s".repeat(32),
    startedAt: Date.now(),
    log,
    ...(heartbeat === undefined ? {} : { heartbeat }),
  }, {
    store: { driver: "sqlite", close: () => Promise.resolve() } as unknown as TraceStore,
    figures,
    writer,
    counters: new MemoryCounters(),
    metrics: createGatewayMetrics(writer),
    routing: new MemoryRoutingState(),
    refreshKeys: () => Promise.resolve(),
    stateMap: new MemoryStateMap(),
    sealKey: "k".repeat(43),
  });
  return { pool, figures, writer };
}

const served = async (pool: { families(): Promise<MetricFamily[]> }) => {
  const family = (await pool.families()).find((f) => f.name === "stub_requests_total");
  return family?.type === "counter" ? family.points[0]?.value : undefined;
};

Deno.test("a serving worker that fails is started again, at most 3 times a minute", async () => {
  const { lines, log, count } = recordingLog();
  const { pool, writer } = await startStandIns(log);
  try {
    for (let restart = 1; restart <= 3; restart++) {
      pool.reload();
      await poll(
        `restart ${restart}`,
        () => Promise.resolve(count("serving worker started again") === restart ? true : undefined),
      );
    }
    pool.reload();
    await poll(
      "the fourth failure in a minute",
      () => Promise.resolve(count("it is not started again") === 1 ? true : undefined),
    );
    assert.equal(count("a serving worker failed"), 4 + 1, lines.join("\n"));
    assert.equal(count("serving worker started again"), 3);
  } finally {
    await pool.shutdown(5_000);
    pool.terminate();
    await writer.shutdown(1_000);
  }
});

Deno.test("a hung worker is stopped and started again; what it counted stays counted", async () => {
  const { lines, log, count } = recordingLog();
  const { pool, figures, writer } = await startStandIns(log, { everyMs: 50, hungAfterMs: 500 });
  try {
    assert.equal(await served(pool), servedByEach);
    assert.deepEqual(figures.drops(), droppedByEach);
    const writerDrops = (await pool.families()).find((f) =>
      f.name === "ongoingai_trace_queue_dropped_total"
    );
    assert.deepEqual(
      writerDrops?.points.map((p) => [p.labelValues[0], "value" in p ? p.value : null]),
      [["queue_full", 2], ["shutdown", 0], ["write_failed", 1], ["shutdown_timeout", 0]],
      "the main writer's figures count what the worker dropped",
    );
    // Its event loop blocks: a scrape meanwhile answers within its limit, from its last figures.
    void pool.refreshKeys();
    assert.equal(await served(pool), servedByEach, "the last figures of a worker that hangs");
    await poll(
      "the hung worker started again",
      () => Promise.resolve(count("serving worker started again") === 1 ? true : undefined),
    );
    assert.match(lines.join("\n"), /a serving worker failed/);
    assert.equal(await served(pool), 2 * servedByEach, "the ended worker's counter is kept");
    assert.deepEqual(figures.drops(), {
      queue_full: 2 * droppedByEach.queue_full,
      write_failed: 2 * droppedByEach.write_failed,
      bodies_dropped: 0,
    });
  } finally {
    await pool.shutdown(5_000);
    pool.terminate();
    await writer.shutdown(1_000);
  }
});
