/**
 * `deno bench bench/live_window_bench.ts`: what `GET /api/live` costs the hot path. Every trace
 * is offered to the live window (one small entry into a ring, the expired head dropped); the
 * process's offer also reads the clock and samples the writer's drops at most once a second.
 * A query (`ongoingai top` asks once a second) walks the whole window: measured full, at the
 * 50,000-entry cap, with and without a filter.
 */
import { LiveWindow } from "../src/traces/mod.ts";
import { processLive } from "../src/server/live.ts";
import { makeTrace } from "../tests/testdata/trace_fixture.ts";
import { writerSnapshot } from "../tests/testdata/writer_snapshot.ts";

// A few hundred distinct traces, offered in turn: the window copies fields, never the trace.
const traces = Array.from({ length: 512 }, (_, i) =>
  makeTrace({
    model: `model-${i % 12}`,
    api_key_hash: `hash-${i % 7}`,
    session_id: i % 3 === 0 ? `session-${i % 40}` : null,
    org_id: `org-${i % 4}`,
  }));
let now = Date.now();
const clock = () => now;

const window = new LiveWindow({ now: clock, startedAt: now });
let i = 0;
Deno.bench(
  "LiveWindow.offer (window at its cap, each offer evicts one)",
  { baseline: true },
  () => {
    window.offer(traces[i++ & 511]!);
  },
);

const snapshot = writerSnapshot();
const live = processLive({
  now: Date.now,
  startedAt: Date.now(),
  writer: { snapshot: () => snapshot },
  exchanges: () => [],
  relays: () => [],
});
let j = 0;
Deno.bench("processLive().offer (as the gateway's record calls it: clock, drops sample)", () => {
  live.offer!(traces[j++ & 511]!);
});

const full = new LiveWindow({ now: clock, startedAt: now - 60_000 });
for (let k = 0; k < 50_000; k++) {
  now += 1;
  full.offer(traces[k & 511]!);
}
Deno.bench("LiveWindow.query, 50,000 entries, every tenant", { group: "query" }, () => {
  full.query({ scope: null, filter: null, sort: "requests", limit: 10, recent: 20 });
});
Deno.bench("LiveWindow.query, 50,000 entries, one tenant, filter", { group: "query" }, () => {
  full.query({
    scope: { org_id: "org-1", workspace_id: "default" },
    filter: "model-3",
    sort: "cost",
    limit: 10,
    recent: 20,
  });
});
