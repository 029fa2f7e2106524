/**
 * Route and attempt cases of the store conformance suite (issue 19): the attempt records stored
 * and read back as written (JSON list, or null when unrouted), the `route` filter of the list,
 * count and export, and the failover view per route and target (answered requests, attempts,
 * failures by outcome and reason, failovers away). Both stores run them,
 * so their numbers must agree.
 */
import assert from "node:assert/strict";
import type { FailoverQuery, TraceStore } from "../../src/store/mod.ts";
import type { AttemptRecord, Trace } from "../../src/traces/trace.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const attempt = (over: Partial<AttemptRecord>): AttemptRecord => ({
  n: 1,
  provider: "openai",
  model: "gpt-main",
  key_id: null,
  outcome: "success",
  status: 200,
  reason: null,
  timeout_phase: null,
  waited_ms: 0,
  started_ms: 0,
  first_byte_ms: 120,
  duration_ms: 900,
  committed: true,
  ...over,
});

/** A 429, a header timeout on the next target, then the answer: three attempts. */
export function routedAttempts(): AttemptRecord[] {
  return [
    attempt({
      outcome: "status",
      status: 429,
      reason: "retry_after_too_long",
      key_id: "k1",
      committed: false,
      duration_ms: 40,
    }),
    attempt({
      n: 2,
      provider: "azure-eu",
      outcome: "timeout",
      timeout_phase: "first_byte",
      status: null,
      reason: 'connection failed: héllo "quoted", comma',
      first_byte_ms: null,
      waited_ms: 250,
      started_ms: 290,
      committed: false,
    }),
    attempt({ n: 3, provider: "anthropic", model: "claude-main", started_ms: 700 }),
  ];
}

const scope = { org_id: "org-r", workspace_id: "ws-r" };

/** Routed traffic of one tenant over two routes, unrouted traffic, and another tenant's. */
export function routedHistory(): Trace[] {
  const t = (timestamp: string, o: Partial<Trace>) => makeTrace({ timestamp, ...scope, ...o });
  const once = (provider: string, model: string) => ({
    attempt_count: 1,
    attempts: [attempt({ provider, model })],
    provider,
    model,
  });
  const failedOver = (count: number) => ({
    attempt_count: count,
    attempts: routedAttempts(),
    provider: "anthropic",
    model: "claude-main",
  });
  return [
    t("2026-03-02T10:05:00.000Z", { route: "gpt-main", ...once("openai", "gpt-main") }),
    t("2026-03-02T10:06:00.000Z", { route: "gpt-main", ...once("openai", "gpt-main") }),
    t("2026-03-02T10:07:00.000Z", { route: "gpt-main", ...failedOver(3) }),
    // More attempts than the records kept: attempt_count counts them all.
    t("2026-03-02T11:07:00.000Z", {
      route: "gpt-main",
      ...failedOver(40),
      response_status: 503,
    }),
    t("2026-03-02T12:00:00.000Z", { route: "cheap", ...once("openai", "gpt-mini") }),
    // Unrouted: never in the failover view.
    t("2026-03-02T10:30:00.000Z", {}),
    // Another tenant's routed traffic.
    makeTrace({
      timestamp: "2026-03-02T10:08:00.000Z",
      route: "gpt-main",
      ...failedOver(2),
    }),
  ];
}

/** route, provider, model; requests, failovers, attempts, errors; target attempts, failures, away. */
type Row = [string, string, string, number, number, number, number, number, number, number];

async function rows(store: TraceStore, q: Omit<FailoverQuery, "limit">, limit = 100) {
  return (await store.failovers({ limit, ...q })).map((r): Row => [
    r.route,
    r.provider,
    r.model,
    r.request_count,
    r.failover_count,
    r.attempt_count,
    r.error_count,
    r.target_attempt_count,
    r.target_failure_count,
    r.failed_over_from_count,
  ]);
}

export const attemptCases: { name: string; run(store: TraceStore): Promise<void> }[] = [
  {
    name: "group_by route_name from rollups or raw edges; route still means the request path",
    async run(store) {
      await store.writeBatch(routedHistory());
      // Ties by request count list the null group (unrouted) first, as every grouping does.
      // from 10:06 cuts the first hour: its part comes from the traces, the rest from rollups.
      for (const from of [undefined, "2026-03-02T10:06:00.000Z"]) {
        const q = from === undefined ? { scope } : { scope, from };
        const got = (await store.aggregate({ ...q, group_by: "route_name" }))
          .map((r) => [r.group, r.request_count, r.error_count_5xx]);
        assert.deepStrictEqual(
          got,
          from === undefined
            ? [["gpt-main", 4, 1], [null, 1, 0], ["cheap", 1, 0]]
            : [["gpt-main", 3, 1], [null, 1, 0], ["cheap", 1, 0]],
          String(from),
        );
        const byDay = await store.aggregate({ ...q, group_by: "route_name", bucket: "day" });
        assert.deepStrictEqual(byDay.map((r) => r.group), ["gpt-main", null, "cheap"]);
      }
      const paths = await store.aggregate({ scope, group_by: "route" });
      assert.deepStrictEqual(paths.map((r) => r.group), ["/openai/v1/chat/completions"]);
    },
  },
  {
    name: "attempt records read back as written; unrouted traces keep null and one attempt",
    async run(store) {
      const history = routedHistory();
      await store.writeBatch(history);
      for (const trace of history) {
        assert.deepStrictEqual(await store.getTrace(trace.id), trace);
      }
      const page = await store.exportTraces({ limit: 100 });
      assert.deepStrictEqual(
        new Map(page.items.map((t) => [t.id, t.attempts])),
        new Map(history.map((t) => [t.id, t.attempts])),
      );
      const listed = (await store.listTraces({ limit: 100 })).items;
      assert.ok(listed.every((t) => !("attempts" in t)), "the list leaves the records out");
      const unrouted = listed.find((t) => t.route === null)!;
      assert.equal(unrouted.attempt_count, 1);
      assert.equal((await store.getTrace(unrouted.id))?.attempts, null);
    },
  },
  {
    name: "route filters the list, the count and the export",
    async run(store) {
      await store.writeBatch(routedHistory());
      const ids = async (route: string, s?: typeof scope) =>
        (await store.listTraces({ limit: 100, route, ...(s ? { scope: s } : {}) })).items
          .map((t) => t.route);
      assert.deepStrictEqual(await ids("gpt-main"), Array(5).fill("gpt-main"));
      assert.deepStrictEqual(await ids("gpt-main", scope), Array(4).fill("gpt-main"));
      assert.deepStrictEqual(await ids("cheap"), ["cheap"]);
      assert.deepStrictEqual(await ids("nope"), []);
      assert.equal(await store.countTraces({ route: "gpt-main", min_status: 500 }), 1);
      const exported = await store.exportTraces({ limit: 100, route: "cheap" });
      assert.deepStrictEqual(exported.items.map((t) => t.model), ["gpt-mini"]);
    },
  },
  {
    name: "failovers per route and target, scoped, filtered and limited",
    async run(store) {
      await store.writeBatch(routedHistory());
      assert.deepStrictEqual(await rows(store, { scope }), [
        ["gpt-main", "anthropic", "claude-main", 2, 2, 43, 1, 2, 0, 0],
        ["gpt-main", "openai", "gpt-main", 2, 0, 2, 0, 4, 2, 2],
        ["cheap", "openai", "gpt-mini", 1, 0, 1, 0, 1, 0, 0],
        // Tried in two requests, never answered: failed over from both times.
        ["gpt-main", "azure-eu", "gpt-main", 0, 0, 0, 0, 2, 2, 2],
      ]);
      // Unscoped: the other tenant's request joins its route and targets.
      assert.deepStrictEqual((await rows(store, {}))[0], [
        "gpt-main",
        "anthropic",
        "claude-main",
        3,
        3,
        45,
        1,
        3,
        0,
        0,
      ]);
      assert.deepStrictEqual(await rows(store, { scope, route: "cheap" }), [
        ["cheap", "openai", "gpt-mini", 1, 0, 1, 0, 1, 0, 0],
      ]);
      assert.deepStrictEqual(
        await rows(store, { scope, from: "2026-03-02T10:06:00Z", to: "2026-03-02T11:00:00Z" }),
        [
          ["gpt-main", "anthropic", "claude-main", 1, 1, 3, 0, 1, 0, 0],
          ["gpt-main", "openai", "gpt-main", 1, 0, 1, 0, 2, 1, 1],
          ["gpt-main", "azure-eu", "gpt-main", 0, 0, 0, 0, 1, 1, 1],
        ],
      );
      assert.deepStrictEqual(await rows(store, { scope, provider: "openai", model: "gpt-mini" }), [
        ["cheap", "openai", "gpt-mini", 1, 0, 1, 0, 1, 0, 0],
      ]);
      // provider filters the target: its attempts too, where it never answered.
      assert.deepStrictEqual(await rows(store, { scope, provider: "azure-eu" }), [
        ["gpt-main", "azure-eu", "gpt-main", 0, 0, 0, 0, 2, 2, 2],
      ]);
      // Ties (two rows of 2 requests) are ordered by route, provider, model on both stores.
      assert.deepStrictEqual(await rows(store, { scope }, 2), [
        ["gpt-main", "anthropic", "claude-main", 2, 2, 43, 1, 2, 0, 0],
        ["gpt-main", "openai", "gpt-main", 2, 0, 2, 0, 4, 2, 2],
      ]);
      assert.deepStrictEqual(await rows(store, { scope: { org_id: "x", workspace_id: "y" } }), []);
    },
  },
  {
    name: "failovers: failures by outcome and by reason, reasons kept as written",
    async run(store) {
      await store.writeBatch(routedHistory());
      const got = await store.failovers({ scope, limit: 100 });
      const of = (provider: string) => got.find((r) => r.provider === provider)!;
      assert.deepStrictEqual(of("openai").failures_by_outcome, { status: 2 });
      assert.deepStrictEqual(of("openai").failures_by_reason, { retry_after_too_long: 2 });
      assert.deepStrictEqual(of("azure-eu").failures_by_outcome, { timeout: 2 });
      assert.deepStrictEqual(of("azure-eu").failures_by_reason, {
        'connection failed: héllo "quoted", comma': 2,
      });
      assert.deepStrictEqual(of("anthropic").failures_by_outcome, {});
      assert.deepStrictEqual(of("anthropic").failures_by_reason, {});
    },
  },
  {
    name: "failovers: a retry on the same target is no failover away from it; the last target none",
    async run(store) {
      const base = routedAttempts();
      const retried = [
        { ...base[0]!, n: 1 },
        { ...base[0]!, n: 2, reason: "status_503_overloaded" },
        { ...base[2]!, n: 3 },
      ];
      const gaveUp = [{ ...base[0]!, n: 1 }, { ...base[1]!, n: 2, reason: "no_target_left" }];
      await store.writeBatch([
        makeTrace({
          ...scope,
          timestamp: "2026-03-04T10:00:00.000Z",
          route: "r",
          attempt_count: 3,
          attempts: retried,
          provider: "anthropic",
          model: "claude-main",
        }),
        makeTrace({
          ...scope,
          timestamp: "2026-03-04T10:01:00.000Z",
          route: "r",
          attempt_count: 2,
          attempts: gaveUp,
          provider: "azure-eu",
          model: "gpt-main",
          response_status: 502,
        }),
      ]);
      assert.deepStrictEqual(await rows(store, { scope, route: "r" }), [
        ["r", "anthropic", "claude-main", 1, 1, 3, 0, 1, 0, 0],
        ["r", "azure-eu", "gpt-main", 1, 1, 2, 1, 1, 1, 0],
        ["r", "openai", "gpt-main", 0, 0, 0, 0, 3, 3, 2],
      ]);
      const openai =
        (await store.failovers({ scope, route: "r", provider: "openai", limit: 1 }))[0]!;
      assert.deepStrictEqual(openai.failures_by_reason, {
        retry_after_too_long: 2,
        status_503_overloaded: 1,
      });
    },
  },
];
