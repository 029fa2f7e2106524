/**
 * Analytics at scale: a generated history (1,000,000 traces in a full run) in the gateway's
 * SQLite file, then every analytics endpoint and the trace list's first page timed through the
 * gateway's HTTP API, one request at a time (median of five after one warm-up).
 */
import { join } from "node:path";
import { startGateway } from "../gateway.ts";
import type { BenchContext, Cell, ScenarioResult } from "../context.ts";
import { benchDir, spawnDeno } from "../proc.ts";
import { round1 } from "../stats.ts";

const queries: [name: string, path: string][] = [
  ["usage", "/api/analytics/usage"],
  ["usage_series", "/api/analytics/usage?group_by=provider&bucket=day"],
  ["cost", "/api/analytics/cost"],
  ["cost_series", "/api/analytics/cost?group_by=model&bucket=week"],
  ["models", "/api/analytics/models"],
  ["keys", "/api/analytics/keys"],
  ["latency", "/api/analytics/latency?group_by=model"],
  ["errors", "/api/analytics/errors?group_by=provider&bucket=day"],
  ["summary", "/api/analytics/summary"],
  ["usage_last_day", "/api/analytics/usage?from=2026-10-31&to=2026-10-31&group_by=model"],
  // Bounds that cut hours and days: the edges come from the traces.
  [
    "keys_cut_range",
    "/api/analytics/usage?group_by=api_key_hash&from=2026-10-15T10:30:00Z&to=2026-10-20T14:45:00Z",
  ],
  ["latency_by_key", "/api/analytics/latency?group_by=api_key_hash"],
  ["traces_first_page", "/api/traces?limit=50"],
  ["traces_filtered", "/api/traces?limit=50&model=gpt-4o&status=502"],
];

export async function analyticsScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const n = ctx.settings.analytics.traces;
  const dir = await Deno.makeTempDir({ dir: ctx.tmpDir, prefix: "analytics_" });
  const dbPath = join(dir, "traces.db");
  const gen = spawnDeno("history", join(benchDir, "history.ts"), [
    "--path",
    dbPath,
    "--traces",
    String(n),
  ], { captureStdout: true });
  const code = await gen.status;
  if (code !== 0) throw new Error(`history exited with ${code}:\n${gen.logs().slice(-2000)}`);
  const generated = JSON.parse(await gen.stdout) as { seconds: number };

  const gw = await startGateway("gateway (analytics)", ctx.stubOrigin, ctx.tmpDir, { dbPath });
  const rows: Record<string, Cell>[] = [];
  const figures: Record<string, number | boolean | null> = { traces: n };
  let errors = 0;
  try {
    for (const [name, path] of queries) {
      const times: number[] = [];
      let status = 0;
      for (let k = 0; k < 6; k++) {
        const t = performance.now();
        const res = await fetch(gw.origin + path);
        await res.arrayBuffer();
        status = res.status;
        if (k > 0) times.push(performance.now() - t);
      }
      if (status !== 200) errors++;
      times.sort((a, b) => a - b);
      const median = round1(times[Math.floor(times.length / 2)]!);
      figures[`${name}_ms`] = median;
      rows.push({ query: path, status, "median ms": median, "max ms": round1(times.at(-1)!) });
    }
  } finally {
    await gw.stop();
  }
  const analytics = queries.filter(([q]) => !q.startsWith("traces"));
  figures.slowest_analytics_ms = Math.max(...analytics.map(([q]) => Number(figures[`${q}_ms`])));
  figures.slowest_list_ms = Math.max(
    Number(figures.traces_first_page_ms),
    Number(figures.traces_filtered_ms),
  );
  return {
    id: "analytics",
    title: `Analytics over ${n.toLocaleString("en-US")} traces (SQLite)`,
    status: "ok",
    rows: rows.map((r) => ({ ...r, errors: r.status === 200 ? 0 : 1 })),
    figures,
    notes: [
      `history generated in ${round1(generated.seconds)} s (bench/history.ts: 30 days, 8 models, ` +
      `50 keys, 3% errors); one request at a time, median of 5 after a warm-up`,
      ...(errors > 0 ? [`${errors} queries did not answer 200`] : []),
    ],
  };
}
