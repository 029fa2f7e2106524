/**
 * Pagination cases of the store conformance suite. The contract (TraceStore.listTraces): the
 * list is newest-stored first, in the order traces were written, whatever their `created_at`,
 * `timestamp` or id; paging lists every trace stored before the first page exactly once and
 * never one stored after it.
 */
import assert from "node:assert/strict";
import type { TraceListQuery, TraceStore } from "../../src/store/mod.ts";
import type { Trace } from "../../src/traces/trace.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const base = Date.UTC(2026, 2, 1, 10);
const iso = (ms: number) => new Date(base + ms).toISOString();

/** The list order of traces written in this order: the last written first. */
function newestStoredFirst(written: readonly Trace[]): string[] {
  return written.map((t) => t.id).reverse();
}

/** Writes one batch per inner array, in order. */
async function writeInBatches(store: TraceStore, batches: readonly Trace[][]): Promise<Trace[]> {
  for (const batch of batches) await store.writeBatch(batch);
  return batches.flat();
}

async function readAll(
  store: TraceStore,
  query: TraceListQuery,
  between?: (page: number, pageIds: string[]) => Promise<void>,
): Promise<{ ids: string[]; pageSizes: number[] }> {
  const ids: string[] = [];
  const pageSizes: number[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const res = await store.listTraces(cursor === undefined ? query : { ...query, cursor });
    const pageIds = res.items.map((t) => t.id);
    ids.push(...pageIds);
    pageSizes.push(res.items.length);
    if (res.next_cursor === null) return { ids, pageSizes };
    cursor = res.next_cursor;
    await between?.(page, pageIds);
  }
  throw new Error("pagination did not end");
}

export const paginationCases: { name: string; run(store: TraceStore): Promise<void> }[] = [
  {
    name: "pages cover every trace once, newest stored first, with a null cursor on the last page",
    async run(store) {
      // created_at runs backwards: the list must not follow it.
      const traces = Array.from({ length: 25 }, (_, i) => makeTrace({ created_at: iso(-i * 10) }));
      const written = await writeInBatches(store, [
        traces.slice(0, 7),
        traces.slice(7, 8),
        traces.slice(8),
      ]);
      const { ids, pageSizes } = await readAll(store, { limit: 10 });
      assert.deepStrictEqual(ids, newestStoredFirst(written));
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
    name: "order is the write order, not created_at, timestamp or id, also across page boundaries",
    async run(store) {
      const sameInstant = Array.from(
        { length: 4 },
        () => makeTrace({ created_at: iso(500), timestamp: iso(400) }),
      );
      const early = makeTrace({ created_at: iso(-5000), timestamp: iso(-6000) });
      const late = makeTrace({ created_at: iso(9000), timestamp: iso(8000) });
      // Ids grow in creation order; writing in reverse shows the id plays no part either.
      const written = await writeInBatches(store, [
        [late, ...sameInstant.toReversed()],
        [early],
        [makeTrace({ created_at: iso(500), timestamp: iso(400) })],
      ]);
      for (const limit of [1, 2, 3, 10]) {
        const { ids } = await readAll(store, { limit });
        assert.deepStrictEqual(ids, newestStoredFirst(written), `limit ${limit}`);
      }
    },
  },
  {
    name: "writing a stored trace again keeps its place",
    async run(store) {
      const [a, b, c] = [makeTrace(), makeTrace(), makeTrace()] as [Trace, Trace, Trace];
      await store.writeBatch([a, b, c]);
      await store.writeBatch([{ ...a, created_at: iso(99_999) }]);
      await store.writeBatch([b]);
      const { ids } = await readAll(store, { limit: 2 });
      assert.deepStrictEqual(ids, [c.id, b.id, a.id]);
    },
  },
  {
    name: "writes between pages, whatever their created_at, are neither skipped nor listed later",
    async run(store) {
      const initial = Array.from({ length: 12 }, (_, i) => makeTrace({ created_at: iso(i * 100) }));
      await store.writeBatch(initial);
      const served = new Map(initial.map((t) => [t.id, t]));
      const late: Trace[] = [];
      const { ids } = await readAll(store, { limit: 4 }, async (page, pageIds) => {
        const last = served.get(pageIds.at(-1) ?? "");
        assert.ok(last, "a page lists only traces stored before the first page");
        // Stamped when their requests ended, stored only now (a flush, a writer retry): newer
        // and older than everything, inside the span already served, and equal to the cursor's.
        const batch = [iso(50_000 + page), iso(-1 - page), iso(1050 - page * 400), last.created_at]
          .map((created_at) => makeTrace({ created_at, timestamp: created_at }));
        late.push(...batch);
        await store.writeBatch(batch);
      });
      assert.deepStrictEqual(ids, newestStoredFirst(initial), "each initial trace once, in order");
      // A client starting over sees the late ones first: nothing was lost, only newer.
      const again = await readAll(store, { limit: 5 });
      assert.deepStrictEqual(again.ids, newestStoredFirst([...initial, ...late]));
    },
  },
  {
    name: "filters apply on every page, also with matching writes between pages",
    async run(store) {
      const traces = Array.from(
        { length: 9 },
        (_, i) => makeTrace({ created_at: iso(i), provider: i % 3 === 0 ? "anthropic" : "openai" }),
      );
      await store.writeBatch(traces);
      const { ids } = await readAll(store, { limit: 2, provider: "openai" }, async (page) => {
        await store.writeBatch([makeTrace({ created_at: iso(-100 - page), provider: "openai" })]);
      });
      assert.deepStrictEqual(ids, newestStoredFirst(traces.filter((t) => t.provider === "openai")));
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
