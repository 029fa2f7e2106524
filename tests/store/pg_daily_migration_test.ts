/**
 * Migration postgres/012 on a database that already holds hourly rollups: the daily tables it
 * fills from them (histograms merged bucket by bucket, cost lines summed) equal the ones the
 * write statement keeps up batch by batch, row for row. The written daily rollups themselves are
 * checked against the traces in pg_rollups_test.ts.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { openPostgresStore } from "../../src/store/pg_store.ts";
import type { CostLine, Trace } from "../../src/traces/mod.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";
import { createTestDatabase, skipReason } from "./pg_database.ts";

const line = (dimension: string, quantity: number, usd: number | null): CostLine => ({
  dimension,
  quantity,
  unit: "per_million_tokens",
  unit_price_usd: usd,
  amount_usd: usd === null ? null : quantity * usd / 1e6,
});

/** Deterministic traces over three days, several hours each, with and without cost lines. */
function traces(count: number): Trace[] {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const base = Date.UTC(2026, 2, 1, 20, 0);
  return Array.from({ length: count }, (_, i) => {
    const lines = rnd() < 0.3 ? null : [
      line("input", Math.floor(rnd() * 5000), 3),
      line(pick(["output", "cache_write"]), Math.floor(rnd() * 900), pick([15, null])),
    ];
    return makeTrace({
      id: `d-${i}`,
      timestamp: new Date(base + Math.floor(rnd() * 52 * 3_600_000)).toISOString(),
      provider: pick(["openai", "anthropic"]),
      model: pick(["gpt-4o-mini", "claude-sonnet"]),
      api_key_hash: pick([null, "hash-1"]),
      api_key_last4: pick([null, "abcd", "wxyz"]),
      latency_ms: Math.floor(rnd() * 4000),
      time_to_first_token_us: rnd() < 0.5 ? Math.floor(rnd() * 2_000_000) : null,
      developer: pick([null, "alice"]),
      route: pick([null, "main"]),
      cost_breakdown: lines === null ? null : {
        lines,
        unpriced: lines.filter((l) => l.amount_usd === null).map((l) => l.dimension),
        price_row: {
          source: "built-in anthropic",
          model: "claude-sonnet-4-6",
          valid_from: null,
          service_tier: "standard",
          tier_above_input_tokens: null,
          multiplier: 1,
        },
      },
    });
  });
}

/** Every row of a table as text, in key order; costs to 12 places (sums in another order). */
async function rows(sql: postgres.Sql, table: string): Promise<string[]> {
  const got = await sql.unsafe(`SELECT to_jsonb(t) - 'cost_usd' AS j,
    round(t.cost_usd::numeric, 12)::text AS c FROM ${table} AS t ORDER BY 1`);
  return got.map((r) => `${JSON.stringify(r.j)} ${r.c}`);
}

Deno.test({
  name: "postgres migration 012 fills the daily rollups from the hourly ones, as writes do",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  async fn() {
    const db = await createTestDatabase("ongoingai_pgdaily");
    const sql = postgres(db.dsn, { max: 1, onnotice: () => {} });
    try {
      let store = await openPostgresStore({ dsn: db.dsn, maxConnections: 2 });
      const all = traces(600);
      // Batches of 40: days and hours recur across batches, so the upserts merge rows.
      for (let i = 0; i < all.length; i += 40) await store.writeBatch(all.slice(i, i + 40));
      await store.close();
      const written = await rows(sql, "rollup_daily");
      const writtenLines = await rows(sql, "rollup_cost_lines_daily");
      const [n] = await sql`SELECT (SELECT count(*) FROM rollup_daily)::int AS d,
        (SELECT count(*) FROM rollup_hourly)::int AS h,
        (SELECT sum(request_count) FROM rollup_daily)::int AS r`;
      assert.ok(n!.h > n!.d && n!.d > 10, `hours merged into days: ${JSON.stringify(n)}`);
      assert.equal(n!.r, all.length);
      assert.ok(writtenLines.length > 6, "cost lines per day");

      // The database as before migration 012, its hourly rollups kept; reopening migrates.
      await sql.unsafe(`DROP TABLE rollup_daily, rollup_cost_lines_daily;
        DROP AGGREGATE ongoingai_hist_sum(jsonb);
        DELETE FROM schema_migrations WHERE name = 'postgres/012_daily_rollups.sql'`);
      store = await openPostgresStore({ dsn: db.dsn, maxConnections: 2 });
      await store.close();
      assert.deepStrictEqual(await rows(sql, "rollup_daily"), written);
      assert.deepStrictEqual(await rows(sql, "rollup_cost_lines_daily"), writtenLines);
    } finally {
      await sql.end();
      await db.drop();
    }
  },
});
