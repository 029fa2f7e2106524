/**
 * PostgreSQL rollups after many batches (three instances writing at once, replays, batches that
 * are partly stored already, ids repeated within a batch) equal the rollups recomputed from the
 * stored traces: each trace counted once, by the instance that inserted it. The recomputation is
 * SQL over `traces`, independent of rollups.ts; histograms are rebuilt from the stored values.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { openPostgresStore } from "../../src/store/pg_store.ts";
import { tokenFields } from "../../src/providers/mod.ts";
import { add, encodeHistogram, type Histogram } from "../../src/store/latency_histogram.ts";
import type { Trace } from "../../src/traces/trace.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";
import { createTestDatabase, skipReason } from "./pg_database.ts";

/** Deterministic varied traces over three hours across a day boundary. */
function traces(count: number, prefix: string): Trace[] {
  let seed = 11;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const base = Date.UTC(2026, 2, 1, 22, 30);
  return Array.from({ length: count }, (_, i) => {
    const tokens = rnd() < 0.85 ? Math.floor(rnd() * 5000) : null;
    const priced = rnd() < 0.6;
    return makeTrace({
      id: `${prefix}-${i}`,
      timestamp: new Date(base + Math.floor(rnd() * 3 * 3_600_000)).toISOString(),
      org_id: pick(["default", "org-a"]),
      workspace_id: pick(["default", "ws-1"]),
      provider: pick(["openai", "anthropic"]),
      model: pick(["gpt-4o-mini", "claude-sonnet"]),
      request_path: pick(["/openai/v1/chat/completions", "/anthropic/v1/messages"]),
      gateway_key_id: pick([null, "gk_a"]),
      api_key_hash: pick([null, "hash-1", "hash-2"]),
      api_key_last4: pick([null, "abcd", "wxyz", "ABCD", 'z"\\{']),
      response_status: pick([200, 200, 404, 429, 500]),
      input_tokens: tokens,
      total_tokens: tokens,
      usage_status: tokens === null ? "unknown" : "exact",
      estimated_cost_usd: priced ? Math.round(rnd() * 1e6) / 1e9 : null,
      cost_status: priced ? "priced" : "unpriced",
      latency_ms: Math.floor(rnd() * 4000),
      time_to_first_token_us: rnd() < 0.5 ? Math.floor(rnd() * 2_000_000) : null,
      developer: pick([null, "alice", "bob"]),
      agent: pick([null, "codex"]),
      route: pick([null, "main", "cheap"]),
    });
  });
}

const iso = (e: string) => `to_char(${e} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const dims = "org_id, workspace_id, provider, model, request_path, gateway_key_id, " +
  "api_key_hash, developer, agent, route_name";
const figures = [
  "request_count",
  ...tokenFields,
  "cost_usd",
  "priced_count",
  "unpriced_count",
  "unknown_usage_count",
  "error_count_4xx",
  "error_count_5xx",
  "latency_sum",
  "latency_min",
  "latency_max",
  "ttft_us_sum",
  "ttft_count",
  "first_seen_at",
  "last_seen_at",
  "api_key_last4",
];

/**
 * The rollups from the traces, in the stored rows' shape; `hourly` picks the table's keys (the
 * hourly and daily tables' or the keys table's), `unit` its period.
 */
function recompute(hourly: boolean, unit: "hour" | "day"): string {
  const dim = (column: string, name: string, kept: boolean) =>
    kept ? `coalesce(${column}, '') AS ${name}` : `'' AS ${name}`;
  return `SELECT ${iso(`date_trunc('${unit}', "timestamp" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`)}
      AS period, org_id, workspace_id, provider, model,
    ${hourly ? "request_path" : "'' AS request_path"}, ${
    dim("gateway_key_id", "gateway_key_id", hourly)
  },
    ${dim("api_key_hash", "api_key_hash", !hourly)}, ${dim("developer", "developer", hourly)},
    ${dim("agent", "agent", hourly)}, ${dim("route", "route_name", hourly)},
    count(*)::float8 AS request_count,
    ${tokenFields.map((f) => `coalesce(sum(${f}), 0)::float8 AS ${f}`).join(", ")},
    coalesce(sum(estimated_cost_usd) FILTER (WHERE cost_status = 'priced'), 0) AS cost_usd,
    count(*) FILTER (WHERE cost_status = 'priced')::float8 AS priced_count,
    count(*) FILTER (WHERE cost_status = 'unpriced')::float8 AS unpriced_count,
    count(*) FILTER (WHERE usage_status = 'unknown')::float8 AS unknown_usage_count,
    count(*) FILTER (WHERE response_status BETWEEN 400 AND 499)::float8 AS error_count_4xx,
    count(*) FILTER (WHERE response_status >= 500)::float8 AS error_count_5xx,
    sum(latency_ms)::float8 AS latency_sum, min(latency_ms)::float8 AS latency_min,
    max(latency_ms)::float8 AS latency_max,
    coalesce(sum(time_to_first_token_us), 0)::float8 AS ttft_us_sum,
    count(time_to_first_token_us)::float8 AS ttft_count,
    ${iso('min("timestamp")')} AS first_seen_at, ${iso('max("timestamp")')} AS last_seen_at,
    max(api_key_last4 COLLATE "C") AS api_key_last4,
    array_agg(latency_ms::float8) AS lat, coalesce(array_agg(time_to_first_token_us::float8)
      FILTER (WHERE time_to_first_token_us IS NOT NULL), '{}') AS ttft
  FROM traces GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`;
}

function stored(table: string): string {
  return `SELECT ${iso("period")} AS period, ${dims},
    ${
    figures.map((f) =>
      f.endsWith("_seen_at")
        ? `${iso(f)} AS ${f}`
        : f === "api_key_last4"
        ? f
        : `${f}::float8 AS ${f}`
    ).join(", ")
  }, latency_hist::text AS lh, ttft_hist::text AS th FROM ${table}`;
}

type Row = Record<string, unknown>;
const keyOf = (r: Row) => ["period", ...dims.split(", ")].map((d) => r[d]).join("|");

function histogram(values: readonly number[], scale: number): Histogram {
  const h: Histogram = new Map();
  for (const v of values) add(h, v / scale);
  return h;
}

/** Sorted-key JSON, since jsonb and a JavaScript object order keys differently. */
const canonical = (json: string) =>
  JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(json)).sort()));

async function assertRollupsMatch(
  sql: postgres.Sql,
  table: string,
  hourly: boolean,
  unit: "hour" | "day" = hourly ? "hour" : "day",
) {
  const want = new Map((await sql.unsafe(recompute(hourly, unit))).map((r) => [keyOf(r), r]));
  const got = await sql.unsafe(stored(table));
  assert.equal(got.length, want.size, `${table}: one row per key`);
  for (const g of got) {
    const w = want.get(keyOf(g));
    assert.ok(w, `${table}: no traces for ${keyOf(g)}`);
    for (const f of figures) {
      if (f === "cost_usd") {
        assert.ok(Math.abs((g[f] as number) - (w[f] as number)) < 1e-12, `${table} ${f}`);
      } else assert.equal(g[f], w[f], `${table} ${f} of ${keyOf(g)}`);
    }
    assert.equal(
      canonical(g.lh as string),
      canonical(encodeHistogram(histogram(w.lat as number[], 1))),
    );
    assert.equal(
      canonical(g.th as string),
      canonical(encodeHistogram(histogram(w.ttft as number[], 1000))),
    );
  }
}

Deno.test({
  name: "postgres rollups after concurrent, replayed and overlapping batches equal the traces'",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  async fn() {
    const db = await createTestDatabase("ongoingai_pgrollups");
    const stores = await Promise.all(
      [1, 2, 3].map(() => openPostgresStore({ dsn: db.dsn, maxConnections: 3 })),
    );
    const sql = postgres(db.dsn, { max: 1, onnotice: () => {} });
    try {
      const all = traces(900, "t");
      const batches = Array.from({ length: 12 }, (_, b) => all.slice(b * 50, b * 50 + 50));
      await Promise.all(batches.map((batch, i) => stores[i % 3]!.writeBatch(batch)));
      // Replays, each batch by two instances at once.
      await Promise.all(batches.flatMap((batch, i) => [
        stores[(i + 1) % 3]!.writeBatch(batch),
        stores[(i + 2) % 3]!.writeBatch(batch),
      ]));
      // Half stored, half new, each new trace twice in its batch (the first one counts), and
      // each batch written by two instances at once.
      const fresh = all.slice(600);
      const overlapping = Array.from({ length: 6 }, (_, b) => {
        const news = fresh.slice(b * 50, b * 50 + 50);
        const twins = news.map((t) => ({ ...t, latency_ms: 999_999, model: "twin" }));
        return [...all.slice(b * 50, b * 50 + 25), ...news, ...twins];
      });
      await Promise.all(overlapping.flatMap((batch, i) => [
        stores[i % 3]!.writeBatch(batch),
        stores[(i + 1) % 3]!.writeBatch(batch),
      ]));

      const [count] = await sql`SELECT count(*)::int AS n,
        count(*) FILTER (WHERE model = 'twin')::int AS twins FROM traces`;
      assert.equal(count?.n, 900);
      assert.equal(count?.twins, 0, "the first of two traces with one id is stored");
      await assertRollupsMatch(sql, "rollup_hourly", true);
      await assertRollupsMatch(sql, "rollup_daily_keys", false);
      await assertRollupsMatch(sql, "rollup_daily", true, "day");
      const [sum] = await sql`SELECT sum(request_count)::int AS n FROM rollup_hourly`;
      assert.equal(sum?.n, 900);
    } finally {
      await sql.end();
      await Promise.all(stores.map((s) => s.close()));
      await db.drop();
    }
  },
});

Deno.test({
  name:
    "postgres stores text as written: quotes, backslashes, braces, NULL, blanks, U+0000, surrogate",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  async fn() {
    const db = await createTestDatabase("ongoingai_pgtext");
    const store = await openPostgresStore({ dsn: db.dsn, maxConnections: 2 });
    try {
      const texts = [
        '"',
        "\\",
        '\\"',
        "{a,b}",
        "NULL",
        "",
        "  x\n\ty\r ",
        "é😀",
        "a\u0000b",
        "lone \uD800 surrogate",
      ];
      const written = texts.map((text) =>
        makeTrace({
          model: text,
          request_body: text,
          correlation_id: text,
          // jsonb takes no U+0000 nor a lone surrogate (such a trace fails, as before issue 23).
          metadata: { note: text.replaceAll("\u0000", "").toWellFormed() },
          request_headers: { "x-h": [text.replaceAll("\u0000", "").toWellFormed()] },
        })
      );
      await store.writeBatch(written);
      for (const [i, t] of written.entries()) {
        const read = await store.getTrace(t.id);
        const want = texts[i]!.replaceAll("\u0000", "\uFFFD").toWellFormed();
        assert.equal(read?.model, want);
        assert.equal(read?.request_body, want);
        assert.equal(read?.correlation_id, want);
        assert.deepStrictEqual(read?.metadata, t.metadata);
        assert.deepStrictEqual(read?.request_headers, t.request_headers);
      }
      const [byModel] = await store.aggregate({ group_by: "model", model: '"' });
      assert.equal(byModel?.request_count, 1);
      // Rollup keys are the stored text: the lone surrogate's trace is counted as U+FFFD.
      const all = await store.aggregate({ group_by: "model" });
      assert.equal(all.length, texts.length);
      assert.equal(all.find((r) => r.group === "lone \uFFFD surrogate")?.request_count, 1);
    } finally {
      await store.close();
      await db.drop();
    }
  },
});

Deno.test({
  name: "postgres: a batch the server refuses fails whole, and is not retried as a stored id",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  async fn() {
    const db = await createTestDatabase("ongoingai_pgrefuse");
    const store = await openPostgresStore({ dsn: db.dsn, maxConnections: 2 });
    const sql = postgres(db.dsn, { max: 1, onnotice: () => {} });
    try {
      // Finite in JavaScript, no bigint in PostgreSQL: invalid data (SQLSTATE class 22).
      const batch = [makeTrace(), makeTrace({ latency_ms: 2 ** 70 })];
      await assert.rejects(
        store.writeBatch(batch),
        (e: { code?: string }) => e.code?.startsWith("22") === true,
      );
      const [n] = await sql`SELECT (SELECT count(*) FROM traces)::int AS t,
        (SELECT count(*) FROM rollup_hourly)::int AS r`;
      assert.deepStrictEqual({ ...n }, { t: 0, r: 0 });
    } finally {
      await sql.end();
      await store.close();
      await db.drop();
    }
  },
});
