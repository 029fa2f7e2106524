/**
 * Span exporter back-pressure at shutdown: a full buffer and a collector that is down or slow
 * must not hold the exit for one export timeout per batch. Collectors are fetch functions that
 * honour the abort signal; the clock is injected, so nothing here depends on timing.
 */
import assert from "node:assert/strict";
import { OtlpTraceExporter } from "../../src/telemetry/mod.ts";
import { createLogger } from "../../src/log/mod.ts";
import { spanData } from "../testdata/span_data.ts";

const span = spanData;

function exporter(fetch: typeof globalThis.fetch, monotonic: () => number) {
  return new OtlpTraceExporter({
    endpoint: "http://127.0.0.1:9",
    insecure: true,
    timeoutMs: 5000,
    resource: { serviceName: "gw-test", serviceVersion: "0.0.0-test" },
    log: createLogger({ format: "json", write: () => {} }),
    fetch,
    batchSize: 100,
    intervalMs: 60_000,
    monotonic,
  });
}

Deno.test("span exporter shutdown: a collector that fails stops the drain; the rest is dropped and counted", async () => {
  let calls = 0;
  // Unreachable: every request fails (as a closed port or a timeout would).
  const fetch: typeof globalThis.fetch = () => {
    calls++;
    return Promise.reject(new TypeError("connection refused"));
  };
  const e = exporter(fetch, () => 0);
  for (let i = 0; i < 4; i++) e.add(Array.from({ length: 100 }, (_, j) => span(i * 100 + j)));
  await e.shutdown();
  assert.equal(calls, 1, "one failed request, not one per batch");
  const stats = e.stats();
  assert.equal(stats.failed_spans, 100);
  assert.equal(stats.dropped, 300);
  assert.equal(stats.buffered, 0);
});

Deno.test("span exporter shutdown: a slow collector gets one export timeout in all, not one per batch", async () => {
  let now = 0;
  let shutdownAt: number | null = null;
  let calls = 0;
  // Accepts every batch but takes 3 s of the (injected) clock to answer; a request that would
  // end past shutdown's 5 s budget is cut there, as its abort signal would.
  const fetch: typeof globalThis.fetch = () => {
    calls++;
    const budgetEnd = shutdownAt === null ? Infinity : shutdownAt + 5000;
    if (now + 3000 > budgetEnd) {
      now = budgetEnd;
      return Promise.reject(new DOMException("timed out", "TimeoutError"));
    }
    now += 3000;
    return Promise.resolve(new Response("{}", { status: 200 }));
  };
  const e = exporter(fetch, () => now);
  // The first batch goes out at once (a full batch starts a flush); three more wait.
  for (let i = 0; i < 4; i++) e.add(Array.from({ length: 100 }, (_, j) => span(i * 100 + j)));
  shutdownAt = now;
  await e.shutdown();
  // Batch 1 (under way), batch 2 (within the budget), batch 3 cut at the budget's end; batch 4
  // is not attempted.
  assert.equal(calls, 3);
  const stats = e.stats();
  assert.deepEqual(
    [stats.exported, stats.failed_spans, stats.dropped, stats.buffered],
    [200, 100, 100, 0],
  );
});

Deno.test("span exporter: outside shutdown a failed batch does not drop the others", async () => {
  const statuses = [503, 200, 200];
  const fetch: typeof globalThis.fetch = () =>
    Promise.resolve(new Response("{}", { status: statuses.shift() ?? 200 }));
  const e = exporter(fetch, () => 0);
  try {
    for (let i = 0; i < 3; i++) e.add(Array.from({ length: 100 }, (_, j) => span(i * 100 + j)));
    await e.flush();
    const stats = e.stats();
    assert.deepEqual([stats.failed_spans, stats.exported, stats.dropped], [100, 200, 0]);
  } finally {
    await e.shutdown();
  }
});
