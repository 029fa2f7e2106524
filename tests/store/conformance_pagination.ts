/**
 * Pagination cases of the store conformance suite: keyset order, ties, and inserts between pages.
 */
import assert from "node:assert/strict";
import type { TraceListQuery, TraceStore } from "../../src/store/mod.ts";
import type { Trace } from "../../src/traces/trace.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const base = Date.UTC(2026, 2, 1, 10);
const iso = (ms: number) => new Date(base + ms).toISOString();

/** Newest first, as the store must list them. */
function expectedOrder(traces: readonly Trace[]): string[] {
  return [...traces]
    .sort((x, y) =>
      x.created_at === y.created_at
        ? (x.id < y.id ? 1 : -1)
        : (x.created_at < y.created_at ? 1 : -1)
    )
    .map((t) => t.id);
}

async function readAll(
  store: TraceStore,
  query: TraceListQuery,
  between?: (page: number) => Promise<void>,
): Promise<{ ids: string[]; pageSizes: number[] }> {
  const ids: string[] = [];
  const pageSizes: number[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const res = await store.listTraces(cursor === undefined ? query : { ...query, cursor });
    ids.push(...res.items.map((t) => t.id));
    pageSizes.push(res.items.length);
    if (res.next_cursor === null) return { ids, pageSizes };
    cursor = res.next_cursor;
    await between?.(page);
  }
  throw new Error("pagination did not end");
}

export const paginationCases: { name: string; run(store: TraceStore): Promise<void> }[] = [
  {
    name: "pages cover every trace once, in order, with a null cursor on the last page",
    async run(store) {
      const traces = Array.from({ length: 25 }, (_, i) => makeTrace({ created_at: iso(i * 10) }));
      await store.writeBatch(traces);
      const { ids, pageSizes } = await readAll(store, { limit: 10 });
      assert.deepStrictEqual(ids, expectedOrder(traces));
      assert.deepStrictEqual(pageSizes, [10, 10, 5]);
    },
  },
  {
    name: "an exactly full last page has no next cursor",
    async run(store) {
      const traces = Array.from({ length: 4 }, (_, i) => makeTrace({ created_at: iso(i) }));
      await store.writeBatch(traces);
      const { pageSizes } = await readAll(store, { limit: 2 });
      assert.deepStrictEqual(pageSizes, [2, 2]);
    },
  },
  {
    name: "traces with equal created_at are ordered by id, also across page boundaries",
    async run(store) {
      const traces = [
        ...Array.from({ length: 5 }, () => makeTrace({ created_at: iso(500) })),
        makeTrace({ created_at: iso(400) }),
        makeTrace({ created_at: iso(600) }),
      ];
      await store.writeBatch([...traces].reverse());
      for (const limit of [1, 2, 3]) {
        const { ids } = await readAll(store, { limit });
        assert.deepStrictEqual(ids, expectedOrder(traces), `limit ${limit}`);
      }
    },
  },
  {
    name: "inserts between pages cause no duplicates and no skipped older traces",
    async run(store) {
      const initial = Array.from({ length: 12 }, (_, i) => makeTrace({ created_at: iso(i * 100) }));
      await store.writeBatch(initial);
      const newer: Trace[] = [];
      const older: Trace[] = [];
      const { ids } = await readAll(store, { limit: 4 }, async (page) => {
        // Newer than anything listed: belongs before page 1, must not appear later.
        const n = makeTrace({ created_at: iso(10_000 + page) });
        // Older than everything listed so far: must show up on a later page.
        const o = makeTrace({ created_at: iso(-1 - page) });
        newer.push(n);
        older.push(o);
        await store.writeBatch([n, o]);
      });
      assert.equal(new Set(ids).size, ids.length, "no duplicates");
      for (const t of [...initial, ...older]) assert.ok(ids.includes(t.id), `missing ${t.id}`);
      for (const t of newer) assert.ok(!ids.includes(t.id), `newer ${t.id} listed`);
      assert.deepStrictEqual(ids, expectedOrder([...initial, ...older]));
    },
  },
  {
    name: "filters apply on every page",
    async run(store) {
      const traces = Array.from(
        { length: 9 },
        (_, i) => makeTrace({ created_at: iso(i), provider: i % 3 === 0 ? "anthropic" : "openai" }),
      );
      await store.writeBatch(traces);
      const { ids } = await readAll(store, { limit: 2, provider: "openai" });
      assert.deepStrictEqual(ids, expectedOrder(traces.filter((t) => t.provider === "openai")));
    },
  },
  {
    name: "an empty store lists nothing",
    async run(store) {
      assert.deepStrictEqual(await store.listTraces({ limit: 5 }), {
        items: [],
        next_cursor: null,
      });
    },
  },
];
