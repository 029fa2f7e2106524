/**
 * The TraceStore contract as tests. Every store implementation runs this suite:
 * `runTraceStoreConformance("sqlite", () => openSqliteStore(...))`.
 */
import assert from "node:assert/strict";
import { InvalidCursorError, type TraceStore, type TraceSummary } from "../../src/store/mod.ts";
import type { Trace } from "../../src/traces/trace.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";
import { paginationCases } from "./conformance_pagination.ts";
import { filterCases } from "./conformance_filters.ts";
import { analyticsCases } from "./conformance_analytics.ts";
import { attributionCases } from "./conformance_attribution.ts";
import { costLineCases, providerReportCases } from "./conformance_cost_lines.ts";
import { attemptCases, routedAttempts } from "./conformance_attempts.ts";
import { keyFilterCases } from "./conformance_key_filter.ts";

export type OpenFreshStore = () => Promise<TraceStore>;

export interface ConformanceOptions {
  /** Deno.test `ignore`, with the reason logged, e.g. when no PostgreSQL is available. */
  ignore?: string;
}

export function summaryOf(trace: Trace): TraceSummary {
  const {
    request_headers: _rh,
    request_body: _rb,
    response_headers: _sh,
    response_body: _sb,
    attempts: _a,
    cost_breakdown: _c,
    metadata: _m,
    ...summary
  } = trace;
  return summary;
}

export async function withStore(
  open: OpenFreshStore,
  fn: (store: TraceStore) => Promise<void>,
): Promise<void> {
  const store = await open();
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

export function at(ms: number): string {
  return new Date(Date.UTC(2026, 2, 1, 10) + ms).toISOString();
}

const everyFieldSet = (): Trace =>
  makeTrace({
    trace_group_id: "group-1",
    org_id: "org-a",
    workspace_id: "ws-a",
    gateway_key_id: "gk_0123456789abcdef",
    request_headers: { "Content-Type": ["application/json"], "X-Multi": ["a", "b"] },
    request_body: '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"héllo 👋"}]}',
    request_body_truncated: true,
    response_status: 201,
    response_headers: { "Content-Type": ["text/event-stream"] },
    response_body: "data: {}\n\ndata: [DONE]\n\n",
    response_body_truncated: true,
    input_tokens: 1000,
    output_tokens: 250,
    total_tokens: 1250,
    cached_input_tokens: 600,
    cache_write_tokens: 100,
    reasoning_tokens: 50,
    estimated_cost_usd: 0.000123456789,
    cost_status: "partial",
    cost_breakdown: {
      lines: [
        {
          dimension: "input",
          quantity: 250,
          unit: "per_million_tokens",
          unit_price_usd: 0.493827156,
          amount_usd: 0.000123456789,
        },
        {
          dimension: "web_search",
          quantity: 2,
          unit: "per_use",
          unit_price_usd: null,
          amount_usd: null,
        },
      ],
      unpriced: ["web_search", "inference_geo.us"],
      price_row: {
        source: "pricing.sources[0]: prices.json",
        model: 'm-\u00e9"quoted"',
        valid_from: "2026-12-01T00:00:00.000Z",
        service_tier: "priority",
        tier_above_input_tokens: 200000,
        multiplier: 1.1,
      },
    },
    streaming: true,
    error_code: "client_aborted",
    client_aborted: true,
    request_bytes: 2_000_000,
    response_bytes: 3,
    agent: "codex",
    agent_version: "0.171.0",
    session_id: "01a24c4c-221f-7292-8afe-3e9679c05007",
    agent_thread_id: "01a24c4c-221f-7292-8afe-3e9679c05007",
    agent_turn_id: "01a24c4c-2241-7801-8305-bde9c6c7c4c4",
    agent_request_kind: "turn",
    developer: "gk_0123456789abcdef",
    route: "gpt-main",
    attempt_count: 3,
    attempts: routedAttempts(),
    metadata: {
      lineage_thread_id: "thread-1",
      lineage_run_id: "run-1",
      lineage_checkpoint_seq: 2,
      redaction_counts: { email: 1 },
      nested: [1, "two", null, { three: true }],
    },
  });

const everyNullableNull = (): Trace =>
  makeTrace({
    trace_group_id: null,
    gateway_key_id: null,
    request_body: null,
    response_body: null,
    input_tokens: null,
    output_tokens: null,
    total_tokens: null,
    cached_input_tokens: null,
    cache_write_tokens: null,
    reasoning_tokens: null,
    usage_status: "unknown",
    time_to_first_token_ms: null,
    time_to_first_token_us: null,
    api_key_hash: null,
    api_key_last4: null,
    estimated_cost_usd: null,
    cost_status: "unknown_usage",
    error_code: null,
    request_headers: {},
    response_headers: {},
    metadata: {},
  });

export function runTraceStoreConformance(
  name: string,
  open: OpenFreshStore,
  options: ConformanceOptions = {},
): void {
  const test = (title: string, fn: (store: TraceStore) => Promise<void>) =>
    Deno.test({
      name: `${name} store: ${title}`,
      ignore: options.ignore !== undefined,
      fn: () => withStore(open, fn),
    });
  if (options.ignore !== undefined) {
    console.warn(`${name} store conformance skipped: ${options.ignore}`);
  }

  test("round-trips every field when all are set", async (store) => {
    const trace = everyFieldSet();
    await store.writeBatch([trace]);
    assert.deepStrictEqual(await store.getTrace(trace.id), trace);
    const page = await store.listTraces({ limit: 10 });
    assert.deepStrictEqual(page.items, [summaryOf(trace)]);
  });

  test("round-trips every nullable field as null, and false booleans", async (store) => {
    const trace = everyNullableNull();
    await store.writeBatch([trace]);
    assert.deepStrictEqual(await store.getTrace(trace.id), trace);
    assert.deepStrictEqual((await store.listTraces({ limit: 1 })).items, [summaryOf(trace)]);
  });

  test("captured bodies given as UTF-8 bytes are stored as text", async (store) => {
    const utf8 = new TextEncoder();
    const trace = makeTrace({ request_body: null, response_body: null });
    await store.writeBatch([{
      ...trace,
      request_body: utf8.encode('{"prompt":"héllo, wörld 👋"}'),
      response_body: new Uint8Array([0x6f, 0x6b, 0xff]), // invalid UTF-8 becomes U+FFFD
    }]);
    const got = await store.getTrace(trace.id);
    assert.equal(got?.request_body, '{"prompt":"héllo, wörld 👋"}');
    assert.equal(got?.response_body, "ok\uFFFD");
  });

  test("a captured body with NUL characters is stored, each NUL as U+FFFD", async (store) => {
    const trace = makeTrace({ request_body: null, response_body: "a\u0000b" });
    await store.writeBatch([{ ...trace, request_body: new Uint8Array([0x78, 0x00, 0x79]) }]);
    const got = await store.getTrace(trace.id);
    assert.equal(got?.request_body, "x\uFFFDy");
    assert.equal(got?.response_body, "a\uFFFDb");
  });

  test("JSON columns keep U+FFFD for a lone surrogate or a NUL, and literal text as it is", async (store) => {
    const trace = makeTrace({
      metadata: {
        usage_tier: "\ud800",
        note: "a\u0000b",
        pair: "😀",
        literal: "\\ud800 and \\u0000 typed out",
        nested: [{ deep: "x\udfffy" }],
      },
      response_headers: { "x-odd": ["\udbff"] },
    });
    await store.writeBatch([trace]);
    const got = await store.getTrace(trace.id);
    assert.deepEqual(got?.metadata, {
      usage_tier: "\uFFFD",
      note: "a\uFFFDb",
      pair: "😀",
      literal: "\\ud800 and \\u0000 typed out",
      nested: [{ deep: "x\uFFFDy" }],
    });
    assert.deepEqual(got?.response_headers, { "x-odd": ["\uFFFD"] });
  });

  test("normalizes RFC 3339 timestamps to UTC milliseconds", async (store) => {
    const trace = makeTrace({
      timestamp: "2026-03-01T12:00:00.123456+02:00",
      created_at: "2026-03-01T10:00:01Z",
    });
    await store.writeBatch([trace]);
    const got = await store.getTrace(trace.id);
    assert.equal(got?.timestamp, "2026-03-01T10:00:00.123Z");
    assert.equal(got?.created_at, "2026-03-01T10:00:01.000Z");
  });

  test("writes are idempotent: an id already stored keeps its first version", async (store) => {
    const first = makeTrace({ model: "first" });
    const other = makeTrace();
    await store.writeBatch([first, other]);
    await store.writeBatch([first, other]);
    await store.writeBatch([{ ...first, model: "second" }]);
    assert.equal(await store.countTraces(), 2);
    assert.equal((await store.getTrace(first.id))?.model, "first");
  });

  test("an empty batch is a no-op", async (store) => {
    await store.writeBatch([]);
    assert.equal(await store.countTraces(), 0);
  });

  test("a batch with one unstorable trace writes nothing", async (store) => {
    const good = makeTrace();
    const bad = makeTrace({ timestamp: "yesterday" });
    await assert.rejects(store.writeBatch([good, bad]));
    assert.equal(await store.countTraces(), 0);
    await store.writeBatch([good]);
    assert.equal(await store.countTraces(), 1);
  });

  test("getTrace returns null for an unknown id", async (store) => {
    assert.equal(await store.getTrace("does-not-exist"), null);
  });

  test("tenant scope isolates reads", async (store) => {
    const a = makeTrace({ org_id: "org-a", workspace_id: "ws-a", created_at: at(1) });
    const b = makeTrace({ org_id: "org-b", workspace_id: "ws-b", created_at: at(2) });
    const crossed = makeTrace({ org_id: "org-a", workspace_id: "ws-b", created_at: at(3) });
    await store.writeBatch([a, b, crossed]);
    const scopeA = { org_id: "org-a", workspace_id: "ws-a" };
    assert.equal((await store.getTrace(a.id, scopeA))?.id, a.id);
    assert.equal(await store.getTrace(b.id, scopeA), null);
    assert.equal(await store.getTrace(crossed.id, scopeA), null);
    assert.equal(await store.getTrace(a.id, { org_id: "org-b", workspace_id: "ws-a" }), null);
    const page = await store.listTraces({ limit: 10, scope: scopeA });
    assert.deepStrictEqual(page.items.map((t) => t.id), [a.id]);
    assert.equal(await store.countTraces({ scope: scopeA }), 1);
    assert.equal(await store.countTraces({ scope: scopeA, provider: "anthropic" }), 0);
    assert.equal(await store.countTraces(), 3);
  });

  Deno.test({
    name: `${name} store: a tenant's pages and cursors do not depend on other tenants' traffic`,
    ignore: options.ignore !== undefined,
    fn: async () => {
      // The same traces of tenant A, once alone and once with tenant B's traffic between them.
      // A cursor that carried the global insert sequence would differ, and its gaps would count
      // B's requests.
      const scopeA = { org_id: "org-a", workspace_id: "ws-a" };
      const mine = [1, 2, 3].map((i) => makeTrace({ ...scopeA, created_at: at(i) }));
      const theirs = () =>
        Array.from({ length: 5 }, () => makeTrace({ org_id: "org-b", workspace_id: "ws-b" }));
      const views: string[][] = [];
      for (const interleave of [false, true]) {
        await withStore(open, async (store) => {
          for (const t of mine) {
            await store.writeBatch([t]);
            if (interleave) await store.writeBatch(theirs());
          }
          const view: string[] = [];
          let cursor: string | undefined;
          do {
            const q = { limit: 1, scope: scopeA };
            const page = await store.listTraces(cursor === undefined ? q : { ...q, cursor });
            view.push(...page.items.map((t) => t.id), String(page.next_cursor));
            cursor = page.next_cursor ?? undefined;
          } while (cursor !== undefined);
          views.push(view);
        });
      }
      assert.deepStrictEqual(views[1], views[0]);
      // Another tenant's cursor is no position in mine.
      await withStore(open, async (store) => {
        await store.writeBatch(mine);
        const page = await store.listTraces({ limit: 1, scope: scopeA });
        await assert.rejects(
          store.listTraces({
            limit: 1,
            scope: { org_id: "org-b", workspace_id: "ws-b" },
            cursor: page.next_cursor!,
          }),
          InvalidCursorError,
        );
      });
    },
  });

  for (const c of filterCases) test(`filter ${c.name}`, (store) => c.run(store));
  for (const c of analyticsCases) test(`analytics: ${c.name}`, (store) => c.run(store));
  for (const c of attributionCases) test(`attribution: ${c.name}`, (store) => c.run(store));
  for (const c of costLineCases) test(`cost lines: ${c.name}`, (store) => c.run(store));
  for (const c of providerReportCases) test(`provider reports: ${c.name}`, (store) => c.run(store));
  for (const c of attemptCases) test(`attempts: ${c.name}`, (store) => c.run(store));
  for (const c of keyFilterCases) test(`key filter: ${c.name}`, (store) => c.run(store));
  for (const c of paginationCases) test(`pagination: ${c.name}`, (store) => c.run(store));

  test("exportTraces pages whole traces in list order, with the list's cursors", async (store) => {
    const traces = [everyFieldSet(), everyNullableNull()];
    for (let i = 0; i < 9; i++) traces.push(makeTrace({ created_at: at(-i), model: `m-${i % 2}` }));
    await store.writeBatch(traces.slice(0, 4));
    await store.writeBatch(traces.slice(4));
    const exported: Trace[] = [];
    const pageSizes: number[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await store.exportTraces(
        cursor === undefined ? { limit: 4 } : { limit: 4, cursor },
      );
      const listed = await store.listTraces(
        cursor === undefined ? { limit: 4 } : { limit: 4, cursor },
      );
      assert.deepStrictEqual(page.items.map(summaryOf), listed.items, "same page as the list");
      assert.equal(page.next_cursor, listed.next_cursor);
      exported.push(...page.items);
      pageSizes.push(page.items.length);
      if (page.next_cursor === null) break;
      cursor = page.next_cursor;
    }
    assert.deepStrictEqual(pageSizes, [4, 4, 3]);
    assert.deepStrictEqual(exported, [...traces].reverse(), "every field, newest stored first");
  });

  test("exportTraces applies filters and scope, and refuses a bad cursor or limit", async (store) => {
    const scopeA = { org_id: "org-a", workspace_id: "ws-a" };
    const a1 = makeTrace({ ...scopeA, model: "x" });
    const a2 = makeTrace({ ...scopeA, model: "y" });
    const b1 = makeTrace({ org_id: "org-b", workspace_id: "ws-b", model: "x" });
    await store.writeBatch([a1, a2, b1]);
    const ids = async (q: Parameters<TraceStore["exportTraces"]>[0]) =>
      (await store.exportTraces(q)).items.map((t) => t.id);
    assert.deepStrictEqual(await ids({ limit: 10, model: "x" }), [b1.id, a1.id]);
    assert.deepStrictEqual(await ids({ limit: 10, scope: scopeA }), [a2.id, a1.id]);
    assert.deepStrictEqual(await ids({ limit: 10, scope: scopeA, model: "x" }), [a1.id]);
    assert.deepStrictEqual(await ids({ limit: 10, model: "z" }), []);
    await assert.rejects(store.exportTraces({ limit: 5, cursor: "!!!" }), InvalidCursorError);
    await assert.rejects(store.exportTraces({ limit: 0 }), /limit/);
  });

  test("an invalid cursor is refused with InvalidCursorError", async (store) => {
    await store.writeBatch([makeTrace()]);
    const bad = [
      "!!!",
      "a",
      btoa("abc"), // base64url, but not a position
      btoa("0").replace(/=+$/, ""),
      btoa("-5").replace(/=+$/, ""),
      // The created_at keyset form of earlier development builds.
      btoa("2026-03-01T10:00:00.000Z|0123456789abcdef").replace(/=+$/, ""),
    ];
    for (const cursor of bad) {
      await assert.rejects(store.listTraces({ limit: 5, cursor }), InvalidCursorError, cursor);
    }
  });

  test("stats names the driver", async (store) => {
    const stats = await store.stats();
    assert.equal(stats.driver, store.driver);
  });
}
