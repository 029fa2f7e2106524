/**
 * `ongoingai report --html FILE` opened in a real headless Chromium with no network: the page
 * loads, logs nothing (no script error, no refused request: its CSP forbids every request),
 * draws every chart, and the numbers in its tables equal the API's for the same traces.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openSqliteStore } from "../../src/store/mod.ts";
import { analyticsHistory } from "../store/conformance_analytics.ts";
import { days, trace } from "../testdata/reconcile_month.ts";
import { apiFixture, json } from "../api/api_fixture.ts";
import { analyticsBodies, analyticsSessions } from "../../src/api/mod.ts";
import { dimensionsSchema as costDimensionsSchema } from "../../src/api/analytics_dimensions.ts";
import { failoversSchema } from "../../src/api/analytics_failovers.ts";
import { runCliProcess } from "../support/process.ts";
import { chromiumPath, openPage } from "../support/chromium.ts";
import { routedHistory } from "../store/conformance_attempts.ts";

/**
 * Eight months with gaps (March, then November: a week axis with empty weeks), priced Anthropic
 * traffic with cache reads in two agent sessions, and routed traffic that failed over.
 */
const traces = [
  ...analyticsHistory(),
  ...days.flatMap((d) =>
    [0, 1, 2].map((i) => ({
      ...trace(d, i),
      session_id: `session-${i % 2}`,
      agent: "claude-code",
      developer: i === 0 ? "alice" : "bob",
    }))
  ),
  ...routedHistory(),
];

/** `data-value` of every cell of one chart's table, row by row, with the row's header. */
function table(dom: string, chart: string): [string, string[]][] {
  const start = dom.indexOf(`data-chart="${chart}"`);
  assert.ok(start > 0, `table of ${chart}`);
  const body = dom.slice(start, dom.indexOf("</table>", start));
  return [...body.matchAll(/<tr><th scope="row">([^<]*)<\/th>(.*?)<\/tr>/g)].map((m) => [
    m[1]!,
    [...m[2]!.matchAll(/data-value="([^"]*)"/g)].map((v) => v[1]!),
  ]);
}

Deno.test({
  name: "report --html: a self-contained page, every chart drawn, its numbers the API's",
  ignore: chromiumPath() === null && Deno.env.get("CI") === undefined,
  async fn() {
    const dir = Deno.makeTempDirSync({ prefix: "ongoingai-report-html-" });
    Deno.writeTextFileSync(join(dir, "ongoingai.yaml"), "storage:\n  path: traces.db\n");
    const store = await openSqliteStore({ path: join(dir, "traces.db") });
    await store.writeBatch(traces);
    await store.close();
    const fx = await apiFixture(traces);
    try {
      const run = await runCliProcess(["report", "--html", "report.html"], { cwd: dir });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /wrote report\.html/);
      const page = await openPage(join(dir, "report.html"));
      assert.deepStrictEqual(page.console, [], "no console message, no refused request");
      assert.match(page.dom, /<title>OngoingAI Gateway report<\/title>/);
      const drawn = [...page.dom.matchAll(/<svg class="chart" id="([^"]+)-svg"/g)].map((m) => m[1]);
      assert.deepStrictEqual(drawn, [
        "cost-over-time",
        "tokens-over-time",
        "cost-by-model-over-time",
        "tokens-by-model-over-time",
        "error-rate-over-time",
        "latency-over-time",
        "ttft-over-time",
        "cache-savings-over-time",
        "cost-by-model",
        "cost-by-dimension",
        "cost-by-developer",
        "cost-by-agent",
        "cost-by-workspace",
        "cost-by-session",
        "cost-by-key",
        "failovers-by-route",
      ]);
      const get = async (path: string) => await json(await fx.get(path));
      // March to November is longer than 120 days: by week, every week a row, traffic or not.
      const weeks = table(page.dom, "error-rate-over-time");
      assert.equal(weeks.length, 36);
      assert.equal(weeks[0]![0], "2026-03-02");
      assert.equal(weeks[2]![0], "2026-03-16");
      assert.match(page.dom, /<td data-value="null">no requests<\/td>/);
      const row = new Map(weeks.map(([week, cells]) => [week, cells]));
      const errors = analyticsBodies.errorsSchema.parse(
        await get("/api/analytics/errors?bucket=week"),
      );
      for (const i of errors.items) {
        const want = [i.error_rate, i.total_requests, i.error_count_4xx + i.error_count_5xx];
        assert.deepStrictEqual(row.get(i.bucket_start!.slice(0, 10)), want.map(String));
      }
      assert.equal(weeks.filter(([, c]) => c[0] !== "null").length, errors.items.length);
      // Latency and TTFT percentiles per week: the API's latency view with bucket=week.
      const latency = analyticsBodies.latencySchema.parse(
        await get("/api/analytics/latency?bucket=week"),
      );
      const lat = new Map(table(page.dom, "latency-over-time"));
      const ttft = new Map(table(page.dom, "ttft-over-time"));
      for (const i of latency.items) {
        const week = i.bucket_start!.slice(0, 10);
        assert.deepStrictEqual(
          lat.get(week),
          [i.p50_ms, i.p95_ms, i.p99_ms, i.request_count].map(String),
        );
        const t = i.ttft_ms;
        assert.deepStrictEqual(ttft.get(week), [t.p50, t.p95, t.p99, t.count].map(String));
      }
      // Cost per week by provider: each cell is the API's total_cost_usd of that week and provider.
      const api = analyticsBodies.costSeriesSchema.parse(
        await get("/api/analytics/cost?group_by=provider&bucket=week"),
      );
      const expected = new Map<string, number | null>(
        api.items.map((i) => [`${i.bucket_start?.slice(0, 10)} ${i.group}`, i.total_cost_usd]),
      );
      const providers = [...new Set(api.items.map((i) => i.group))].sort();
      for (const [week, cells] of table(page.dom, "cost-over-time")) {
        providers.forEach((p, k) => {
          const want = expected.has(`${week} ${p}`) ? expected.get(`${week} ${p}`)! : 0;
          assert.equal(cells[k], String(want), `${week} ${p}`);
        });
      }
      // The same by model: the six costliest each a series, the seventh in "1 other model".
      const byModelApi = analyticsBodies.costSeriesSchema.parse(
        await get("/api/analytics/cost?group_by=model&bucket=week"),
      );
      const modelCost = new Map<string, number | null>(
        byModelApi.items.map((
          i,
        ) => [`${i.bucket_start?.slice(0, 10)} ${i.group}`, i.total_cost_usd]),
      );
      const modelNames = [...new Set(byModelApi.items.map((i) => i.group!))];
      const head = page.dom.slice(page.dom.indexOf('data-chart="cost-by-model-over-time"'));
      const drawnModels = [
        ...head.slice(0, head.indexOf("</thead>")).matchAll(
          /<th scope="col">([^<]+) \(USD\)<\/th>/g,
        ),
      ].map((m) => m[1]!).filter((n) => n !== "total");
      assert.equal(modelNames.length, 7);
      assert.equal(drawnModels.at(-1), "1 other model");
      const tail = modelNames.filter((m) => !drawnModels.includes(m));
      assert.equal(tail.length, 1);
      for (const [week, cells] of table(page.dom, "cost-by-model-over-time")) {
        const want = (m: string) =>
          modelCost.has(`${week} ${m}`) ? modelCost.get(`${week} ${m}`)! : 0;
        drawnModels.forEach((m, k) => {
          assert.equal(cells[k], String(want(k === 6 ? tail[0]! : m)), `${week} ${m}`);
        });
      }
      // What caching saved: from the cost lines by model (dimensions), worked out here.
      const dims = costDimensionsSchema.parse(
        await get("/api/analytics/dimensions?group_by=model&bucket=week"),
      );
      const saved = new Map(table(page.dom, "cache-savings-over-time"));
      const weeksWithCache = new Set(
        dims.items.filter((d) => d.dimension === "cached_input").map((d) => d.bucket_start!),
      );
      assert.equal(weeksWithCache.size, 1);
      for (const week of weeksWithCache) {
        const line = (dimension: string) =>
          dims.items.find((d) => d.bucket_start === week && d.dimension === dimension)!;
        const input = line("input"), cached = line("cached_input");
        const uncached = cached.quantity * input.cost_usd / input.quantity;
        const cells = saved.get(week.slice(0, 10))!.map(Number);
        assert.ok(Math.abs(cells[0]! - cached.cost_usd) < 1e-9, "paid");
        assert.ok(Math.abs(cells[1]! - (uncached - cached.cost_usd)) < 1e-9, "saved");
        assert.deepStrictEqual(cells.slice(3), [cached.quantity, 0]);
      }
      // Unknown is said, never drawn as zero: claude-x was seen and could not be priced.
      assert.match(page.dom, /unpriced \(not in the cost\)/);
      const models = analyticsBodies.modelsSchema.parse(await get("/api/analytics/models"));
      const byModel = new Map(table(page.dom, "cost-by-model").map(([m, c]) => [m, c]));
      for (const m of models.items) {
        assert.deepStrictEqual(
          byModel.get(m.model),
          [
            m.total_cost_usd,
            m.request_count,
            m.partial_count,
            m.unpriced_count,
            m.unknown_usage_count,
          ]
            .map(String),
          m.model,
        );
      }
      // Provider keys: each row's whole fingerprint (what `report --key` takes) and cost are the
      // keys view's.
      const apiKeys = analyticsBodies.keysSchema.parse(await get("/api/analytics/keys"));
      const keyRows = [...page.dom.slice(page.dom.indexOf('data-chart="cost-by-key"'))
        .split("</table>")[0]!.matchAll(
          /<td class="detail">([^<]+)<\/td><td data-value="([^"]*)"/g,
        )]
        .map((m) => [m[1], m[2]]);
      assert.ok(keyRows.length > 0, "the key table names each key's fingerprint");
      assert.deepStrictEqual(
        keyRows.sort(),
        apiKeys.items.map((k) => [k.api_key_hash, String(k.total_cost_usd)]).sort(),
      );
      // Workspaces: the cost view grouped by workspace.
      const ws = analyticsBodies.costSeriesSchema.parse(
        await get("/api/analytics/cost?group_by=workspace&bucket=week"),
      );
      const wsCost = new Map<string, number>();
      for (const i of ws.items) {
        wsCost.set(i.group!, (wsCost.get(i.group!) ?? 0) + (i.total_cost_usd ?? 0));
      }
      const wsRows = table(page.dom, "cost-by-workspace");
      assert.deepStrictEqual(wsRows.map(([w]) => w).sort(), [...wsCost.keys()].sort());
      for (const [w, cells] of wsRows) {
        assert.ok(Math.abs(Number(cells[0]) - wsCost.get(w)!) < 1e-9, w);
      }
      // Sessions: the sessions view's figures, costliest first.
      // The sessions chart reads the period's last 30 days; its note says which.
      const range = page.dom.match(/with a request from (\S+) to (\S+) \(the period's last 30/);
      assert.ok(range, "the sessions' range");
      const sessions = analyticsSessions.sessionsSchema.parse(
        await get(`/api/analytics/sessions?limit=500&from=${range[1]}&to=${range[2]}`),
      );
      assert.equal(sessions.items.length, 2);
      assert.deepStrictEqual(
        table(page.dom, "cost-by-session").map(([name, c]) => [name, c[0], c[1]]),
        [...sessions.items].sort((a, b) => (b.total_cost_usd ?? -1) - (a.total_cost_usd ?? -1))
          .map((
            i,
          ) => [
            `${i.agent} ${i.developer} ${i.session_id}`,
            String(i.total_cost_usd),
            String(i.request_count),
          ]),
      );
      // Failovers per route: the failover view's targets summed.
      const failovers = failoversSchema.parse(await get("/api/analytics/failovers?limit=1000"));
      const routes = new Map<string, number[]>();
      for (const f of failovers.items) {
        const r = routes.get(f.route) ?? [0, 0, 0];
        routes.set(f.route, [
          r[0]! + f.request_count - f.failover_count,
          r[1]! + f.failover_count,
          r[2]! + f.error_count,
        ]);
      }
      const drawnRoutes = table(page.dom, "failovers-by-route");
      assert.ok(drawnRoutes.length >= 2);
      for (const [route, cells] of drawnRoutes) {
        const [first, over, errs] = routes.get(route)!;
        assert.deepStrictEqual(cells, [first, over, first! + over!, errs].map(String), route);
      }
      // The page says what it was made with.
      assert.match(page.dom, /<dt>--provider<\/dt><dd>\(all\)<\/dd>/);
      assert.match(page.dom, /<dt>time axis<\/dt><dd>per week, 36 slots<\/dd>/);

      // Two days with filters: by hour, every hour a row, the filters on the page, and the
      // latency per hour the API's for the same range and provider.
      const from = "2026-11-02", to = "2026-11-03";
      const short = await runCliProcess(
        ["report", "--from", from, "--to", to, "--provider", "anthropic", "--format", "html"],
        { cwd: dir },
      );
      assert.equal(short.code, 0, short.stderr);
      Deno.writeTextFileSync(join(dir, "short.html"), short.stdout);
      const hours = await openPage(join(dir, "short.html"));
      assert.deepStrictEqual(hours.console, []);
      assert.match(hours.dom, /<dt>--from<\/dt><dd>2026-11-02T00:00:00.000Z<\/dd>/);
      assert.match(hours.dom, /<dt>--provider<\/dt><dd>anthropic<\/dd>/);
      assert.match(hours.dom, /<dt>time axis<\/dt><dd>per hour, 48 slots<\/dd>/);
      const hourly = table(hours.dom, "latency-over-time");
      assert.equal(hourly.length, 48);
      assert.equal(hourly[10]![0], "2026-11-02 10:00");
      const q = `from=${from}T00:00:00.000Z&to=${to}T23:59:59.999Z&provider=anthropic`;
      const perHour = analyticsBodies.latencySchema.parse(
        await get(`/api/analytics/latency?bucket=hour&${q}`),
      );
      assert.ok(perHour.items.length >= 6);
      const byHour = new Map(hourly);
      for (const i of perHour.items) {
        const hour = `${i.bucket_start!.slice(0, 10)} ${i.bucket_start!.slice(11, 16)}`;
        assert.deepStrictEqual(
          byHour.get(hour),
          [i.p50_ms, i.p95_ms, i.p99_ms, i.request_count].map(String),
        );
      }
      assert.equal(hourly.filter(([, c]) => c[0] !== "null").length, perHour.items.length);
    } finally {
      await fx.close();
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
