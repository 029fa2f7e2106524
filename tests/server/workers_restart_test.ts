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
import type { TraceWriterSnapshot } from "../../src/traces/mod.ts";
import { poll } from "../support/process.ts";

Deno.test("a serving worker that fails is started again, at most 3 times a minute", async () => {
  const lines: string[] = [];
  const record = (level: string) => (msg: string) => void lines.push(`${level} ${msg}`);
  const log: Logger = {
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
  };
  const writer = {
    enqueue: () => true,
    snapshot: () => ({ queue_depth: 0 }) as TraceWriterSnapshot,
  };
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
  }, {
    store: { driver: "sqlite", close: () => Promise.resolve() } as unknown as TraceStore,
    writer,
    counters: new MemoryCounters(),
    metrics: createGatewayMetrics(writer),
    routing: new MemoryRoutingState(),
    refreshKeys: () => Promise.resolve(),
    stateMap: new MemoryStateMap(),
    sealKey: "k".repeat(43),
  });
  const count = (text: string) => lines.filter((l) => l.includes(text)).length;
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
    await pool.shutdown();
    pool.terminate();
  }
});
