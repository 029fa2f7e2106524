/**
 * The same traces in SQLite and PostgreSQL give the same analytics and the same export, for every
 * grouping and bucket and for ranges that cut hours and days (rollups plus raw edges on both).
 */
import assert from "node:assert/strict";
import {
  type AnalyticsQuery,
  buckets,
  type GroupBy,
  groupColumns,
  openSqliteStore,
  type TraceStore,
} from "../../src/store/mod.ts";
import { openPostgresStore } from "../../src/store/pg_store.ts";
import type { Trace } from "../../src/traces/trace.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";
import { createTestDatabase, skipReason } from "./pg_database.ts";
import { routedAttempts } from "./conformance_attempts.ts";

/** Deterministic pseudo-random traces over nine days, several tenants, keys and statuses. */
function traces(count: number): Trace[] {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const base = Date.UTC(2026, 2, 1, 0);
  return Array.from({ length: count }, () => {
    const priced = rnd() < 0.6;
    const streamed = rnd() < 0.5;
    const tokens = rnd() < 0.9 ? Math.floor(rnd() * 5000) : null;
    const route = pick([null, null, "gpt-main", "cheap", "Gpt-main"]);
    const attempts = route === null ? 1 : pick([1, 1, 1, 2, 3, 40]);
    return makeTrace({
      timestamp: new Date(base + Math.floor(rnd() * 9 * 86_400_000)).toISOString(),
      org_id: pick(["default", "org-a"]),
      workspace_id: pick(["default", "ws-1", "ws-2"]),
      provider: pick(["openai", "anthropic"]),
      model: pick(["gpt-4o-mini", "gpt-4o", "claude-sonnet"]),
      request_path: pick(["/openai/v1/chat/completions", "/anthropic/v1/messages"]),
      gateway_key_id: pick([null, "gk_a", "gk_b"]),
      api_key_hash: pick([null, "hash-1", "hash-2", "hash-3"]),
      api_key_last4: pick([null, "abcd", "wxyz", "ABCD"]),
      response_status: pick([200, 200, 200, 201, 400, 429, 500, 503]),
      input_tokens: tokens,
      output_tokens: tokens === null ? null : Math.floor(tokens / 3),
      total_tokens: tokens === null ? null : tokens + Math.floor(tokens / 3),
      usage_status: tokens === null ? "unknown" : "exact",
      estimated_cost_usd: priced ? Math.round(rnd() * 1e6) / 1e9 : null,
      cost_status: priced ? "priced" : "unpriced",
      latency_ms: Math.floor(rnd() * 4000),
      streaming: streamed,
      time_to_first_token_us: streamed ? Math.floor(rnd() * 2_000_000) : null,
      time_to_first_token_ms: null,
      agent: pick([null, "codex", "claude-code"]),
      developer: pick([null, "alice", "bob", "Alice", "carol@example.com"]),
      session_id: pick([null, "s-1", "s-2", "S-3", "s-4", "01a24c4c-221f-7292"]),
      route,
      attempt_count: attempts,
      attempts: route === null ? null : routedAttempts().slice(0, Math.min(attempts, 3)),
    });
  });
}

/** Costs are float sums added in a different order by each database. */
function rounded(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(
      value,
      (k, v) => k === "total_cost_usd" && v !== null ? Math.round(v * 1e12) / 1e12 : v,
    ),
  );
}

Deno.test({
  name: "postgres and sqlite answer analytics and exports identically for the same traces",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  async fn() {
    const db = await createTestDatabase("ongoingai_pgparity");
    const stores: TraceStore[] = [];
    try {
      stores.push(await openSqliteStore({ path: ":memory:" }));
      stores.push(await openPostgresStore({ dsn: db.dsn, maxConnections: 4 }));
      const all = traces(3000);
      for (let i = 0; i < all.length; i += 250) {
        for (const s of stores) await s.writeBatch(all.slice(i, i + 250));
      }
      const ranges: Pick<AnalyticsQuery, "from" | "to">[] = [
        {},
        { from: "2026-03-02T10:30:00.000Z", to: "2026-03-06T17:15:59.999Z" },
        { from: "2026-03-03T00:00:00.000Z", to: "2026-03-04T23:59:59.999Z" },
      ];
      const groups: (GroupBy | undefined)[] = [
        undefined,
        ...Object.keys(groupColumns) as GroupBy[],
      ];
      for (const range of ranges) {
        for (const group_by of groups) {
          for (const bucket of [undefined, ...buckets]) {
            for (
              const extra of [{}, { with_key_only: true }, {
                scope: { org_id: "org-a", workspace_id: "ws-1" },
              }]
            ) {
              const q: AnalyticsQuery = { ...range, ...extra };
              if (group_by) q.group_by = group_by;
              if (bucket) q.bucket = bucket;
              const [a, b] = await Promise.all(stores.map((s) => s.aggregate(q)));
              assert.deepStrictEqual(rounded(b), rounded(a), JSON.stringify(q));
              const [pa, pb] = await Promise.all(stores.map((s) => s.percentiles(q)));
              assert.deepStrictEqual(pb, pa, JSON.stringify(q));
            }
          }
        }
      }
      for (const range of ranges) {
        for (
          const extra of [{}, { developer: "alice" }, { agent: "codex", limit: 2 }, {
            scope: { org_id: "org-a", workspace_id: "ws-1" },
          }]
        ) {
          const q = { limit: 10, ...range, ...extra };
          const [a, b] = await Promise.all(stores.map((s) => s.sessions(q)));
          assert.ok(a!.length > 0, JSON.stringify(q));
          assert.deepStrictEqual(rounded(b), rounded(a), JSON.stringify(q));
        }
      }
      for (const range of ranges) {
        for (
          const extra of [{}, { route: "gpt-main" }, { provider: "openai", limit: 3 }, {
            scope: { org_id: "org-a", workspace_id: "ws-1" },
          }]
        ) {
          const q = { limit: 100, ...range, ...extra };
          const [a, b] = await Promise.all(stores.map((s) => s.failovers(q)));
          assert.ok(a!.length > 0 && a!.some((r) => r.failover_count > 0), JSON.stringify(q));
          assert.deepStrictEqual(b, a, JSON.stringify(q));
        }
      }
      // Review L6: unscoped, a session is (org, workspace, id): five ids in six tenants are 30
      // sessions, not five merged across tenants; both stores agree on them.
      const [ua, ub] = await Promise.all(stores.map((s) => s.sessions({ limit: 500 })));
      assert.deepStrictEqual(rounded(ub), rounded(ua));
      assert.equal(new Set(ua!.map((r) => r.session_id)).size, 5);
      assert.equal(ua!.length, 30);
      assert.equal(
        new Set(ua!.map((r) => `${r.org_id}/${r.workspace_id}/${r.session_id}`)).size,
        ua!.length,
      );
      for (
        const filter of [{}, { provider: "openai", min_status: 400 }, {
          from: "2026-03-04T00:00:00Z",
        }]
      ) {
        const pages = await Promise.all(stores.map(async (s) => {
          const out: Trace[] = [];
          let cursor: string | undefined;
          do {
            const page = await s.exportTraces({
              ...filter,
              limit: 500,
              ...(cursor ? { cursor } : {}),
            });
            out.push(...page.items);
            cursor = page.next_cursor ?? undefined;
          } while (cursor);
          return out;
        }));
        assert.deepStrictEqual(pages[1], pages[0], JSON.stringify(filter));
      }
    } finally {
      for (const s of stores) await s.close();
      await db.drop();
    }
  },
});
