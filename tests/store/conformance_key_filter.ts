/**
 * Key-filter cases of the store conformance suite (`api_key_hash` on the analytics query, issue
 * 25's `report --key`): aggregates, latency percentiles, cost lines, sessions and failovers of one
 * provider key equal the sums of that key's traces only, on any range, bucket and group, though
 * the hourly and daily rollups do not keep the key (key_filter_oracle.ts works them out).
 */
import assert from "node:assert/strict";
import {
  type AnalyticsQuery,
  costLineGroups,
  failoverLimits,
  type GroupBy,
  sessionLimits,
  type TraceStore,
} from "../../src/store/mod.ts";
import {
  costLinesOf,
  figuresOf,
  groupsOf,
  keyA,
  keyB,
  keyedHistory,
  matches,
  p50,
  round,
  rowFigures,
  rowKey,
} from "./key_filter_oracle.ts";

/** Ranges that cut hours and days, whole days, and none. */
const ranges: Pick<AnalyticsQuery, "from" | "to">[] = [
  {},
  { from: "2026-03-02T10:30:00.000Z", to: "2026-03-04T10:44:59.999Z" },
  { from: "2026-03-03T00:00:00.000Z", to: "2026-03-04T23:59:59.999Z" },
  { from: "2026-03-02T05:00:00.000Z" },
];
const buckets = [undefined, "hour", "day", "week"] as const;
const groups: (GroupBy | undefined)[] = [
  undefined,
  "provider",
  "model",
  "api_key_hash",
  "workspace",
  "developer",
  "agent",
  "route_name",
  "route",
];

/** Every range, bucket and group, for each key and with a provider too. */
function queries(): AnalyticsQuery[] {
  const out: AnalyticsQuery[] = [];
  for (const key of [keyA, keyB]) {
    for (const range of ranges) {
      for (const bucket of buckets) {
        for (const group_by of groups) {
          const q: AnalyticsQuery = { ...range, api_key_hash: key };
          if (bucket !== undefined) q.bucket = bucket;
          if (group_by !== undefined) q.group_by = group_by;
          out.push(q);
        }
      }
    }
  }
  out.push({ api_key_hash: keyA, provider: "openai", group_by: "model", bucket: "day" });
  out.push({ api_key_hash: keyA, scope: { org_id: "default", workspace_id: "default" } });
  return out;
}

const label = (q: AnalyticsQuery) => JSON.stringify(q);

export const keyFilterCases: { name: string; run(store: TraceStore): Promise<void> }[] = [
  {
    name: "aggregates of one key are the sums of its traces only, on any range and group",
    async run(store) {
      const history = keyedHistory();
      await store.writeBatch(history);
      for (const q of queries()) {
        const want = new Map(
          [...groupsOf(history, q)].map(([k, ts]) => [k, figuresOf(ts)]),
        );
        const got = new Map(
          (await store.aggregate(q)).map((r) => [rowKey(r.bucket_start, r.group), rowFigures(r)]),
        );
        assert.deepStrictEqual(got, want, label(q));
      }
      // The filter matters: the two keys and the keyless traces add up to the whole.
      const count = async (q: AnalyticsQuery) => (await store.aggregate(q))[0]?.request_count;
      assert.equal(await count({}), 20);
      assert.deepStrictEqual([
        await count({ api_key_hash: keyA }),
        await count({
          api_key_hash: keyB,
        }),
      ], [10, 5]);
      assert.deepStrictEqual(await store.aggregate({ api_key_hash: "c".repeat(64) }), []);
    },
  },
  {
    name: "latency percentiles of one key count and rank its traces only",
    async run(store) {
      const history = keyedHistory();
      await store.writeBatch(history);
      for (const q of queries()) {
        const want = groupsOf(history, q);
        const got = await store.percentiles(q);
        assert.deepStrictEqual(
          new Map(got.map((r) => [rowKey(r.bucket_start, r.group), r.latency_ms.count])),
          new Map([...want].map(([k, ts]) => [k, ts.length])),
          label(q),
        );
        for (const r of got) {
          const median = p50(want.get(rowKey(r.bucket_start, r.group))!);
          const p = r.latency_ms.p50!;
          assert.ok(Math.abs(p - median) <= median * 0.01, `${label(q)}: ${p} vs ${median}`);
        }
      }
    },
  },
  {
    name: "cost lines of one key come from its traces' own lines",
    async run(store) {
      const history = keyedHistory();
      await store.writeBatch(history);
      for (const q of queries()) {
        if (q.group_by !== undefined && !costLineGroups.some((g) => g === q.group_by)) continue;
        const got = new Map(
          (await store.costLines(q)).map((r) => [
            `${rowKey(r.bucket_start, r.group)} | ${r.dimension}`,
            [r.quantity, round(r.cost_usd), r.unpriced_quantity, r.trace_count],
          ]),
        );
        assert.deepStrictEqual(got, costLinesOf(history, q), label(q));
      }
    },
  },
  {
    name: "sessions and failovers of one key count its traces only",
    async run(store) {
      const history = keyedHistory();
      await store.writeBatch(history);
      for (const key of [keyA, keyB]) {
        for (const range of ranges) {
          const q = { ...range, api_key_hash: key };
          const mine = history.filter((t) => matches(t, q));
          const sessions = new Map<string, [number, number]>();
          for (const t of mine) {
            const k = `${t.org_id}/${t.workspace_id}/${t.session_id}`;
            const [n, tokens] = sessions.get(k) ?? [0, 0];
            sessions.set(k, [n + 1, tokens + (t.total_tokens ?? 0)]);
          }
          const got = await store.sessions({ ...q, limit: sessionLimits.maxLimit });
          assert.deepStrictEqual(
            new Map(got.map((s) => [
              `${s.org_id}/${s.workspace_id}/${s.session_id}`,
              [s.request_count, s.total_tokens],
            ])),
            sessions,
            label(q),
          );
          const routed = mine.filter((t) => t.route !== null);
          const failovers = await store.failovers({ ...q, limit: failoverLimits.maxLimit });
          const sum = (f: (r: (typeof failovers)[number]) => number) =>
            failovers.reduce((n, r) => n + f(r), 0);
          assert.deepStrictEqual(
            [
              sum((r) => r.request_count),
              sum((r) => r.failover_count),
              sum((r) => r.target_attempt_count),
            ],
            [
              routed.length,
              routed.filter((t) => t.attempt_count > 1).length,
              routed.reduce((n, t) => n + (t.attempts?.length ?? 0), 0),
            ],
            label(q),
          );
        }
      }
    },
  },
];
