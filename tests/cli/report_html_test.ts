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
import { analyticsBodies } from "../../src/api/mod.ts";
import { runCliProcess } from "../support/process.ts";
import { chromiumPath, openPage } from "../support/chromium.ts";

const traces = [...analyticsHistory(), ...days.flatMap((d) => [0, 1, 2].map((i) => trace(d, i)))];

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
        "cost-by-day",
        "tokens-by-day",
        "cost-by-model",
        "cost-by-dimension",
        "error-rate-by-day",
        "cost-by-developer",
        "cost-by-agent",
        "cost-by-key",
      ]);
      // Error rate per day: the API's errors view, bucketed by day.
      const errors = analyticsBodies.errorsSchema.parse(
        await json(await fx.get("/api/analytics/errors?bucket=day")),
      );
      assert.deepStrictEqual(
        table(page.dom, "error-rate-by-day"),
        errors.items.map((i) => [i.bucket_start!.slice(0, 10), [String(i.error_rate)]]),
      );
      // Cost per day by provider: each cell is the API's total_cost_usd of that day and provider.
      const api = analyticsBodies.costSeriesSchema.parse(
        await json(await fx.get("/api/analytics/cost?group_by=provider&bucket=day")),
      );
      const expected = new Map<string, number | null>(
        api.items.map((i) => [`${i.bucket_start?.slice(0, 10)} ${i.group}`, i.total_cost_usd]),
      );
      const providers = ["anthropic", "openai"];
      for (const [day, cells] of table(page.dom, "cost-by-day")) {
        providers.forEach((p, k) => {
          const want = expected.has(`${day} ${p}`) ? expected.get(`${day} ${p}`)! : 0;
          assert.equal(cells[k], String(want), `${day} ${p}`);
        });
      }
      // Unknown is said, never drawn as zero: claude-x was seen and could not be priced.
      assert.match(page.dom, /unpriced \(not in the cost\)/);
      const models = analyticsBodies.modelsSchema.parse(
        await json(await fx.get("/api/analytics/models")),
      );
      const byModel = new Map(table(page.dom, "cost-by-model").map(([m, c]) => [m, c[0]]));
      for (const m of models.items) {
        assert.equal(byModel.get(m.model), String(m.total_cost_usd), m.model);
      }
    } finally {
      await fx.close();
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
