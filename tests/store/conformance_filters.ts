/**
 * Filter cases of the store conformance suite: each filter alone, combined, and with nulls.
 */
import assert from "node:assert/strict";
import type { TraceFilter, TraceStore } from "../../src/store/mod.ts";
import type { Trace } from "../../src/traces/trace.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const base = Date.UTC(2026, 2, 1, 10);
const iso = (ms: number) => new Date(base + ms).toISOString();

/**
 * Five traces, written in key order, so the list order is e, d, c, b, a. Their `created_at`
 * values are deliberately in another order (b, e, a, d, c): the list follows the writes.
 */
function seed(): Record<"a" | "b" | "c" | "d" | "e", Trace> {
  return {
    a: makeTrace({
      timestamp: iso(0),
      created_at: iso(3100),
      provider: "openai",
      model: "gpt-4o-mini",
      response_status: 200,
      total_tokens: 10,
      api_key_hash: "hash-1",
      trace_group_id: "group-1",
      metadata: { lineage_thread_id: "thread-1", lineage_run_id: "run-1" },
    }),
    b: makeTrace({
      timestamp: iso(1000),
      created_at: iso(1100),
      provider: "anthropic",
      model: "claude-haiku",
      response_status: 500,
      total_tokens: 60,
      api_key_hash: "hash-2",
      metadata: { lineage_thread_id: "thread-2" },
    }),
    c: makeTrace({
      timestamp: iso(2000),
      created_at: iso(4100),
      provider: "openai",
      model: "gpt-4o",
      response_status: 429,
      total_tokens: 100,
      api_key_hash: "hash-1",
      trace_group_id: "group-1",
      metadata: { lineage_thread_id: "thread-1", lineage_run_id: "run-2" },
    }),
    d: makeTrace({
      timestamp: iso(3000),
      created_at: iso(3150),
      provider: "groq",
      model: "llama-3.1-8b",
      response_status: 200,
      input_tokens: null,
      output_tokens: null,
      total_tokens: null,
      usage_status: "unknown",
      api_key_hash: null,
      metadata: {},
    }),
    e: makeTrace({
      // Arrived before c, written last: `from`/`to` bound timestamp; the list follows writes.
      timestamp: iso(1500),
      created_at: iso(2100),
      provider: "openai",
      model: "gpt-4o-mini",
      response_status: 200,
      total_tokens: 0,
      api_key_hash: "hash-3",
      trace_group_id: "group-2",
      metadata: { lineage_run_id: "run-1" },
    }),
  };
}

type Key = keyof ReturnType<typeof seed>;

const table: { name: string; filter: TraceFilter; expect: Key[] }[] = [
  { name: "none returns everything newest first", filter: {}, expect: ["e", "d", "c", "b", "a"] },
  { name: "provider", filter: { provider: "openai" }, expect: ["e", "c", "a"] },
  { name: "provider with no match", filter: { provider: "mistral" }, expect: [] },
  { name: "model", filter: { model: "gpt-4o-mini" }, expect: ["e", "a"] },
  { name: "model is exact, not a prefix", filter: { model: "gpt-4o" }, expect: ["c"] },
  { name: "status", filter: { status: 200 }, expect: ["e", "d", "a"] },
  { name: "status 500", filter: { status: 500 }, expect: ["b"] },
  { name: "min_status is inclusive", filter: { min_status: 429 }, expect: ["c", "b"] },
  { name: "api_key_hash", filter: { api_key_hash: "hash-1" }, expect: ["c", "a"] },
  { name: "from is inclusive", filter: { from: iso(2000) }, expect: ["d", "c"] },
  { name: "to is inclusive", filter: { to: iso(1000) }, expect: ["b", "a"] },
  {
    name: "from and to together",
    filter: { from: iso(1000), to: iso(2000) },
    expect: ["e", "c", "b"],
  },
  {
    name: "from with a non-UTC offset",
    filter: { from: "2026-03-01T12:00:02+02:00" },
    expect: ["d", "c"],
  },
  { name: "trace_group_id", filter: { trace_group_id: "group-1" }, expect: ["c", "a"] },
  {
    name: "thread_id matches lineage metadata",
    filter: { thread_id: "thread-1" },
    expect: ["c", "a"],
  },
  { name: "run_id matches lineage metadata", filter: { run_id: "run-1" }, expect: ["e", "a"] },
  { name: "min_tokens is inclusive", filter: { min_tokens: 60 }, expect: ["c", "b"] },
  { name: "max_tokens is inclusive", filter: { max_tokens: 10 }, expect: ["e", "a"] },
  { name: "max_tokens 0 matches zero, not unknown", filter: { max_tokens: 0 }, expect: ["e"] },
  {
    name: "token bounds together",
    filter: { min_tokens: 10, max_tokens: 60 },
    expect: ["b", "a"],
  },
  {
    name: "several filters are ANDed",
    filter: { provider: "openai", api_key_hash: "hash-1", thread_id: "thread-1", run_id: "run-2" },
    expect: ["c"],
  },
  {
    name: "scope with filters",
    filter: { provider: "openai", scope: { org_id: "default", workspace_id: "default" } },
    expect: ["e", "c", "a"],
  },
  {
    name: "scope of another tenant",
    filter: { provider: "openai", scope: { org_id: "default", workspace_id: "other" } },
    expect: [],
  },
];

export const filterCases = table.map((c) => ({
  name: `${c.name}`,
  async run(store: TraceStore): Promise<void> {
    const traces = seed();
    await store.writeBatch(Object.values(traces));
    const want = c.expect.map((k) => traces[k].id);
    const page = await store.listTraces({ ...c.filter, limit: 50 });
    assert.deepStrictEqual(page.items.map((t) => t.id), want);
    assert.equal(page.next_cursor, null);
    assert.equal(await store.countTraces(c.filter), want.length);
  },
}));
