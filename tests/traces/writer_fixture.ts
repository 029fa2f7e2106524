/**
 * The writer options the writer tests share: a small queue and batch on fake time, with short
 * retry delays, so each test states only what it is about.
 */
import type FakeTimers from "@sinonjs/fake-timers";
import type { TraceWriterOptions } from "../../src/traces/writer.ts";

export function fakeTimeWriterOptions(
  clock: ReturnType<typeof FakeTimers.createClock>,
): Omit<TraceWriterOptions, "store"> {
  return {
    queueSize: 100,
    batchSize: 4,
    flushIntervalMs: 1000,
    timers: clock,
    now: () => clock.now,
    retry: { initialMs: 100, maxMs: 400 },
  };
}
