/**
 * GC figures from V8's `--trace-gc-nvp` lines: scavenges and full collections summed apart, what a
 * window saw, cut lines counted and never guessed at.
 */
import assert from "node:assert/strict";
import { GcTrace, perRequest } from "../../bench/gc_trace.ts";

const line = (gc: Record<string, unknown>, isolate = "0x55d1") =>
  `[4242:${isolate}:0]      1200 ms: GC: ${JSON.stringify(gc)}`;

const scavenge = { gc: "s", pause: 2.5, allocated: 4096, new_space_survived: 1024, promoted: 512 };
const markCompact = { gc: "mc", pause: 10, allocated: 2048, new_space_survived: 0, promoted: 0 };

const cases: { name: string; lines: string[]; expected: Record<string, number> }[] = [
  {
    name: "a scavenge",
    lines: [line(scavenge)],
    expected: { scavenges: 1, scavengeMs: 2.5, allocatedBytes: 4096, survivedBytes: 1536 },
  },
  {
    name: "a full collection counts apart, its allocation too",
    lines: [line(scavenge), line(markCompact)],
    expected: { scavenges: 1, fullGcs: 1, fullGcMs: 10, allocatedBytes: 6144 },
  },
  {
    name: "two isolates (the store worker) add up",
    lines: [line(scavenge), line(scavenge, "0x7f00")],
    expected: { scavenges: 2, scavengeMs: 5, survivedBytes: 3072 },
  },
  {
    name: "a line cut by another thread's output is counted, not read",
    lines: [line(scavenge).slice(0, 60) + "[4242:0x7f00:0] 5 ms: Memory pool", line(scavenge)],
    expected: { scavenges: 1, unreadable: 1 },
  },
  {
    name: "other output (logs, V8's other trace lines) is ignored",
    lines: ['{"level":"info","msg":"listening"}', "[4242:0x55d1:0] 3 ms: Memory pool: Removed"],
    expected: { scavenges: 0, fullGcs: 0, unreadable: 0 },
  },
];

for (const c of cases) {
  Deno.test(`gc trace: ${c.name}`, () => {
    const trace = new GcTrace();
    for (const l of c.lines) trace.feed(l);
    const totals = trace.totals() as unknown as Record<string, number>;
    for (const [key, value] of Object.entries(c.expected)) assert.equal(totals[key], value, key);
  });
}

Deno.test("gc trace: a window sees only what came after it opened", () => {
  const trace = new GcTrace();
  trace.feed(line(scavenge));
  const close = trace.window();
  trace.feed(line(scavenge));
  trace.feed(line(markCompact));
  const seen = close();
  assert.equal(seen.scavenges, 1);
  assert.equal(seen.fullGcs, 1);
  assert.equal(seen.allocatedBytes, 6144);
  assert.deepEqual(perRequest(seen, 2), {
    alloc_kb_per_request: 3,
    gc_pause_ms_per_1k_requests: 6250,
    survived_kb_per_scavenge: 1.5,
    scavenges: 1,
    full_gcs: 1,
    unreadable_gc_lines: 0,
  });
  assert.equal(perRequest(seen, 0), null);
});
