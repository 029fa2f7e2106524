/**
 * The live window (`GET /api/live`'s core), with a fake clock: what each window counts, the entry
 * cap and what it says when it cut a window, tenant scope, the filter, the busiest lists' order
 * and ties, unknown usage and unpriced requests kept out of the sums, and rates.
 */
import assert from "node:assert/strict";
import {
  DropSamples,
  type LiveQuery,
  LiveWindow,
  openIn,
  tallyOpen,
  type Trace,
} from "../../src/traces/mod.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const t0 = Date.parse("2026-03-01T10:00:00Z");

/** A window on a clock the test moves; the process started at `t0`. */
function windowAt(maxEntries?: number) {
  let now = t0;
  const w = new LiveWindow({
    now: () => now,
    startedAt: t0,
    ...(maxEntries === undefined ? {} : { maxEntries }),
  });
  return {
    w,
    at(ms: number) {
      now = t0 + ms;
    },
    offer(ms: number, over: Partial<Trace> = {}) {
      now = t0 + ms;
      w.offer(makeTrace(over));
    },
  };
}

const all: LiveQuery = { scope: null, filter: null, sort: "requests", limit: 10, recent: 20 };

Deno.test("windows: the last 10 s and the last minute count what ended within them", () => {
  const cases: { name: string; offers: number[]; at: number; short: number; minute: number }[] = [
    { name: "nothing yet", offers: [], at: 5_000, short: 0, minute: 0 },
    { name: "all recent", offers: [1_000, 2_000], at: 5_000, short: 2, minute: 2 },
    { name: "one past 10 s", offers: [20_000, 70_000], at: 75_000, short: 1, minute: 2 },
    { name: "one past the minute", offers: [1_000, 30_000], at: 61_001, short: 0, minute: 1 },
    { name: "exactly a minute old is out", offers: [10_000], at: 70_000, short: 0, minute: 0 },
  ];
  for (const c of cases) {
    const x = windowAt();
    for (const ms of c.offers) x.offer(ms);
    x.at(c.at);
    const v = x.w.query(all);
    assert.equal(v.last_10s.requests, c.short, c.name);
    assert.equal(v.last_minute.requests, c.minute, c.name);
  }
});

Deno.test("windows: seconds covered are less while the process is younger than the window", () => {
  const x = windowAt();
  x.offer(4_000);
  x.at(5_000);
  let v = x.w.query(all);
  assert.equal(v.last_10s.seconds, 5);
  assert.equal(v.last_minute.seconds, 5);
  assert.equal(v.last_minute.requests_per_second, 1 / 5);
  x.at(100_000);
  v = x.w.query(all);
  assert.equal(v.last_10s.seconds, 10);
  assert.equal(v.last_minute.seconds, 60);
  assert.equal(v.last_minute.truncated, false);
  assert.equal(x.w.size, 0, "expired entries are dropped");
});

Deno.test("cap: the oldest go first, and a window the cap cut says so with its real span", () => {
  const x = windowAt(3);
  for (const ms of [61_000, 62_000, 100_000, 110_000, 115_000]) x.offer(ms);
  x.at(118_000);
  const v = x.w.query(all);
  assert.equal(x.w.size, 3);
  // The entries of 61 s and 62 s went for the cap; the newest of them (62 s) was in the minute.
  assert.deepEqual(v.last_minute, {
    ...v.last_minute,
    requests: 3,
    truncated: true,
    seconds: 56,
  });
  // The last 10 s (108 s on) lost nothing.
  assert.equal(v.last_10s.truncated, false);
  assert.equal(v.last_10s.seconds, 10);
  assert.equal(v.last_10s.requests, 2);
  // Once the evicted ones would have expired anyway, the minute is whole again.
  x.at(123_000);
  assert.equal(x.w.query(all).last_minute.truncated, false);
});

Deno.test("cap: the ring wraps many times and keeps the newest, newest first", () => {
  const x = windowAt(4);
  for (let i = 0; i < 23; i++) x.offer(1_000 + i, { id: `t${i}` });
  const v = x.w.query({ ...all, recent: 10 });
  assert.deepEqual(v.recent.map((r) => r.trace_id), ["t22", "t21", "t20", "t19"]);
});

Deno.test("scope: a tenant sees its own traces only; null sees every tenant's", () => {
  const x = windowAt();
  x.offer(1_000, { org_id: "a", workspace_id: "w1" });
  x.offer(1_000, { org_id: "a", workspace_id: "w2" });
  x.offer(1_000, { org_id: "b", workspace_id: "w1" });
  const cases: [LiveQuery["scope"], number][] = [
    [null, 3],
    [{ org_id: "a", workspace_id: "w1" }, 1],
    [{ org_id: "b", workspace_id: "w1" }, 1],
    [{ org_id: "c", workspace_id: "w1" }, 0],
  ];
  for (const [scope, n] of cases) {
    const v = x.w.query({ ...all, scope });
    assert.equal(v.last_minute.requests, n, JSON.stringify(scope));
    assert.equal(v.recent.length, n);
  }
});

Deno.test("filter: case-insensitive within provider, model, key label, agent, session, developer", () => {
  const x = windowAt();
  x.offer(1_000, { provider: "anthropic", model: "claude-sonnet-4-5", api_key_last4: "AbCd" });
  x.offer(1_000, { agent: "claude-code", session_id: "sess-42", developer: "Alice" });
  x.offer(1_000, { model: "gpt-4o", api_key_hash: "secret-looking-hash", api_key_last4: null });
  const cases: [string, number][] = [
    ["ANTHROPIC", 1],
    ["claude", 2],
    ["...abcd", 1],
    ["sess-4", 1],
    ["alice", 1],
    ["gpt", 2],
    ["secret-looking", 0],
    ["nothing-like-it", 0],
  ];
  for (const [filter, n] of cases) {
    assert.equal(x.w.query({ ...all, filter }).last_minute.requests, n, filter);
  }
});

Deno.test("unknown is never zero: unknown usage and unpriced requests are counted apart", () => {
  const x = windowAt();
  x.offer(1_000); // 12 in, 30 out, 42 total, priced 0.0000198
  x.offer(1_000, {
    usage_status: "unknown",
    input_tokens: null,
    output_tokens: null,
    total_tokens: null,
    estimated_cost_usd: null,
    cost_status: "unknown_usage",
  });
  x.offer(1_000, { estimated_cost_usd: null, cost_status: "unpriced" });
  x.offer(1_000, { estimated_cost_usd: 0.001, cost_status: "partial" });
  x.at(2_000);
  const v = x.w.query(all);
  const m = v.last_minute;
  assert.equal(m.requests, 4);
  assert.equal(m.total_tokens, 42 * 3);
  assert.equal(m.input_tokens, 12 * 3);
  assert.equal(m.output_tokens, 30 * 3);
  assert.equal(m.unknown_usage_count, 1);
  assert.equal(m.unpriced_count, 1);
  assert.equal(m.partial_count, 1);
  assert.ok(Math.abs(m.cost_usd - (0.0000198 + 0.001)) < 1e-12);
  assert.equal(m.tokens_per_second, 126 / 2);
  assert.ok(Math.abs(m.cost_usd_per_minute - m.cost_usd * 30) < 1e-12);
  const byStatus = Object.fromEntries(v.recent.map((r) => [r.cost_status, r]));
  assert.equal(byStatus.unknown_usage!.total_tokens, null);
  assert.equal(byStatus.unknown_usage!.cost_usd, null);
  assert.equal(byStatus.unpriced!.cost_usd, null);
  assert.equal(byStatus.partial!.cost_usd, 0.001);
  const model = v.busiest.models[0]!;
  assert.equal(model.unknown_usage_count, 1);
  assert.equal(model.unpriced_count, 1);
  assert.equal(model.partial_count, 1);
  assert.equal(model.total_tokens, 126);
});

Deno.test("errors: a status >= 400, an error code, or no status at all", () => {
  const cases: [Partial<Trace>, boolean][] = [
    [{ response_status: 200 }, false],
    [{ response_status: 399 }, false],
    [{ response_status: 400 }, true],
    [{ response_status: 503 }, true],
    [{ response_status: 0, error_code: "client_aborted" }, true],
    [{ response_status: 0 }, true],
    [{ response_status: 200, error_code: "upstream_unreachable" }, true],
  ];
  for (const [over, error] of cases) {
    const x = windowAt();
    x.offer(1_000, over);
    const m = x.w.query(all).last_minute;
    assert.equal(m.errors, error ? 1 : 0, JSON.stringify(over));
    assert.equal(m.error_rate, error ? 1 : 0);
  }
  assert.equal(windowAt().w.query(all).last_minute.error_rate, null, "no requests: no rate");
});

Deno.test("busiest: by each sort, largest first, ties by name, at most limit", () => {
  const x = windowAt();
  const send = (n: number, over: Partial<Trace>) => {
    for (let i = 0; i < n; i++) x.offer(1_000, over);
  };
  send(3, { model: "m-b", total_tokens: 10 });
  send(3, { model: "m-a", total_tokens: 10 });
  send(1, { model: "m-c", total_tokens: 500, estimated_cost_usd: 2 });
  send(2, { model: "m-d", response_status: 500, total_tokens: 0, estimated_cost_usd: 0 });
  const names = (sort: LiveQuery["sort"], limit = 10) =>
    x.w.query({ ...all, sort, limit }).busiest.models.map((m) => m.name);
  assert.deepEqual(names("requests"), ["m-a", "m-b", "m-d", "m-c"]);
  assert.deepEqual(names("requests", 2), ["m-a", "m-b"]);
  assert.deepEqual(names("tokens"), ["m-c", "m-a", "m-b", "m-d"]);
  assert.deepEqual(names("cost"), ["m-c", "m-a", "m-b", "m-d"]);
  assert.deepEqual(names("errors"), ["m-d", "m-a", "m-b", "m-c"]);
});

Deno.test("busiest: keys by fingerprint with the last four as label, sessions with agent and developer", () => {
  const x = windowAt();
  x.offer(1_000, { api_key_hash: "h1", api_key_last4: "1111", session_id: "s1", agent: "codex" });
  x.offer(1_000, { api_key_hash: "h1", api_key_last4: "1111", session_id: "s1", agent: "codex" });
  x.offer(1_000, {
    api_key_hash: null,
    api_key_last4: null,
    session_id: "s2",
    agent: "claude-code",
    developer: "bob",
  });
  const v = x.w.query(all);
  assert.deepEqual(
    v.busiest.keys.map((k) => [k.name, k.provider, k.label, k.requests]),
    [["h1", "openai", "...1111", 2], ["unknown", "openai", null, 1]],
  );
  assert.deepEqual(
    v.busiest.sessions.map((s) => [s.name, s.provider, s.label, s.requests]),
    [["s1", null, "codex", 2], ["s2", null, "claude-code / bob", 1]],
  );
});

Deno.test("recent: newest first, at most `recent`, none with 0", () => {
  const x = windowAt();
  for (let i = 0; i < 5; i++) x.offer(1_000 + i, { id: `r${i}`, streaming: i % 2 === 0 });
  assert.deepEqual(x.w.query({ ...all, recent: 3 }).recent.map((r) => r.trace_id), [
    "r4",
    "r3",
    "r2",
  ]);
  assert.deepEqual(x.w.query({ ...all, recent: 0 }).recent, []);
  const r = x.w.query({ ...all, recent: 1 }).recent[0]!;
  assert.equal(r.key, "...wxyz");
  assert.equal(r.streaming, true);
  assert.equal(r.ended_at, "2026-03-01T10:00:01.250Z");
});

Deno.test("open requests and relays: tallied per tenant, summed over isolates within a scope", () => {
  const a = { org_id: "a", workspace_id: "w" };
  const b = { org_id: "b", workspace_id: "w" };
  const c = { org_id: "c", workspace_id: "w" };
  const here = tallyOpen([
    { tenant: a, streaming: true },
    { tenant: a, streaming: false },
    { tenant: b, streaming: false },
  ], [a, c]);
  const worker = tallyOpen([{ tenant: a, streaming: true }], [a]);
  const open = (requests: number, streams: number, websockets: number) => ({
    requests,
    streams,
    websockets,
  });
  assert.deepEqual(openIn([here, worker], null), open(4, 2, 3));
  assert.deepEqual(openIn([here, worker], a), open(3, 2, 2));
  assert.deepEqual(openIn([here, worker], b), open(1, 0, 0));
  assert.deepEqual(openIn([here, worker], c), open(0, 0, 1), "a tenant with a relay alone");
  assert.deepEqual(openIn([], a), open(0, 0, 0));
});

Deno.test("drops in the last minute: the total now minus the total a minute ago", () => {
  const cases: {
    name: string;
    samples: [number, number][];
    at: number;
    total: number;
    want: number;
  }[] = [
    { name: "young process: every drop since start", samples: [], at: 30_000, total: 7, want: 7 },
    {
      name: "a sample a minute old is the base",
      samples: [[10_000, 5], [40_000, 8], [80_000, 9]],
      at: 100_000,
      total: 12,
      want: 4,
    },
    {
      name: "samples less than a second apart keep the first",
      samples: [[10_000, 5], [10_500, 6]],
      at: 70_400,
      total: 6,
      want: 1,
    },
    {
      name: "no sample that old in an old process: from the oldest kept",
      samples: [[200_000, 3]],
      at: 230_000,
      total: 4,
      want: 1,
    },
  ];
  for (const c of cases) {
    const d = new DropSamples(t0);
    for (const [ms, total] of c.samples) d.observe(t0 + ms, total);
    assert.equal(d.lastMinute(t0 + c.at, c.total), c.want, c.name);
  }
  // Bounded: a day of samples a second keeps about a minute of them.
  const d = new DropSamples(t0);
  for (let s = 0; s < 86_400; s++) d.observe(t0 + s * 1_000, s);
  assert.equal(d.lastMinute(t0 + 86_400_000, 86_400), 60);
});
