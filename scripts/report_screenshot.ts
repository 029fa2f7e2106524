/**
 * The HTML report's screenshot in the docs (issue 25): a month of generated team traffic
 * (bench/report_history.ts: several providers and models, developers, agents and sessions,
 * errors, an unpriced model, cache reads, a route that fails over) written into a temporary
 * SQLite store, `ongoingai report --html` run on it as a user would, and the page captured by
 * headless Chromium with no network.
 *
 * Usage: deno run -A scripts/report_screenshot.ts [--out docs/report-screenshot.png]
 *   [--height 11200] [--traces 6000]
 * The page's height depends on its charts: look at the PNG and give --height to fit.
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { openSqliteStore } from "../src/store/mod.ts";
import { writeReportHistory } from "../bench/report_history.ts";
import { openPage } from "../tests/support/chromium.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    out: { type: "string", default: "docs/report-screenshot.png" },
    height: { type: "string", default: "11200" },
    traces: { type: "string", default: "6000" },
  },
});
const height = Number(values.height), traces = Number(values.traces);
if (!(height >= 400 && height <= 20_000 && traces >= 1 && traces <= 200_000)) {
  console.error("--height must be 400 to 20000 and --traces 1 to 200000");
  Deno.exit(2);
}
const out = resolve(values.out);
const dir = await Deno.makeTempDir({ prefix: "ongoingai-report-screenshot-" });
try {
  Deno.writeTextFileSync(join(dir, "ongoingai.yaml"), "storage:\n  path: traces.db\n");
  const store = await openSqliteStore({ path: join(dir, "traces.db") });
  // November 2026, to its last day.
  await writeReportHistory(store, { traces, days: 30, end: Date.UTC(2026, 11, 1) - 1 });
  await store.close();
  const run = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      join(import.meta.dirname!, "../src/main.ts"),
      "report",
      "--from",
      "2026-11-01",
      "--to",
      "2026-11-30",
      "--html",
      "report.html",
    ],
    cwd: dir,
  }).output();
  if (!run.success) Deno.exit(1);
  const page = await openPage(join(dir, "report.html"), { path: out, size: `1040,${height}` });
  if (page.console.length > 0) console.error(page.console.join("\n"));
  console.log(`wrote ${out} (${Deno.statSync(out).size} bytes)`);
} finally {
  await Deno.remove(dir, { recursive: true });
}
