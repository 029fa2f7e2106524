/**
 * Issue 25's scale check: `ongoingai report --html` over a year of traffic on a million traces.
 * Generates the history once into a SQLite file (`report_history.ts`, the store's own writeBatch,
 * rollups included; kept for the next run), then runs the real CLI as a user would, a few times,
 * and prints the wall time of each run, and of each store query the report makes (timed in this
 * process, on the same file, opened read-only), so a slow run says where its time went.
 *
 * Usage: deno run -A bench/report_year.ts [--traces 1000000] [--days 365] [--dir DIR] [--runs 3]
 * Figures are printed, not asserted: performance is measured here, never in a test.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openSqliteStore, openStore, type TraceStore } from "../src/store/mod.ts";
import { buildReport } from "../src/cli/report_data.ts";
import { writeReportHistory } from "./report_history.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    traces: { type: "string", default: "1000000" },
    days: { type: "string", default: "365" },
    dir: { type: "string", default: "/tmp/ongoingai-report-year" },
    runs: { type: "string", default: "3" },
  },
});
const traces = Number(values.traces), days = Number(values.days), runs = Number(values.runs);
if (!(traces >= 1 && days >= 1 && runs >= 1 && runs <= 20)) {
  console.error("--traces and --days must be positive, --runs between 1 and 20");
  Deno.exit(2);
}
const dir = values.dir;
const db = join(dir, `traces-${traces}-${days}d.db`);
Deno.mkdirSync(dir, { recursive: true });
Deno.writeTextFileSync(join(dir, "ongoingai.yaml"), `storage:\n  path: ${db}\n`);
const end = Date.UTC(2026, 11, 1);

const exists = (() => {
  try {
    return Deno.statSync(db).isFile;
  } catch {
    return false;
  }
})();
if (!exists) {
  const t = performance.now();
  const store = await openSqliteStore({ path: `${db}.partial` });
  await writeReportHistory(store, { traces, days, end }, (n) => {
    if (n % 100_000 === 0) console.error(`generated ${n} traces`);
  });
  await store.close();
  Deno.renameSync(`${db}.partial`, db);
  console.log(
    JSON.stringify({ generated: traces, days, seconds: (performance.now() - t) / 1000 }),
  );
}
const size = Deno.statSync(db).size;

/** The store with every query the report makes timed. */
function timed(store: TraceStore, times: Map<string, number[]>): TraceStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        const t = performance.now();
        const out = await value.apply(target, args);
        const name = `${String(prop)} ${JSON.stringify(args[0])}`;
        times.set(name, [...(times.get(name) ?? []), performance.now() - t]);
        return out;
      };
    },
  });
}

// The queries one at a time would be misleading (the report runs them together): timed as run.
const times = new Map<string, number[]>();
const store = await openStore({ driver: "sqlite", path: db } as never, {
  cwd: dir,
  readOnly: true,
});
const t0 = performance.now();
await buildReport(timed(store, times), { limit: 10 }, { driver: "sqlite", path: db });
const inProcess = performance.now() - t0;
// `report --key`: the busiest key's report. Only the daily keys rollup keeps the key, so its
// developer, agent and cost-line queries read that key's traces of the whole year.
const [busiest] = await store.aggregate({ group_by: "api_key_hash", with_key_only: true });
const keyTimes = new Map<string, number[]>();
const t1 = performance.now();
await buildReport(timed(store, keyTimes), { limit: 10, api_key_hash: busiest!.group! }, {
  driver: "sqlite",
  path: db,
});
const keyed = { requests: busiest!.request_count, ms: Math.round(performance.now() - t1) };
await store.close();

const wall: number[] = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(import.meta.dirname!, "../src/main.ts"), "report", "--html", "r.html"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  wall.push(performance.now() - t);
  if (!out.success) {
    console.error(new TextDecoder().decode(out.stderr));
    Deno.exit(1);
  }
}
const html = Deno.statSync(join(dir, "r.html")).size;
console.log(JSON.stringify(
  {
    traces,
    days,
    db_mb: Math.round(size / 1e5) / 10,
    html_kb: Math.round(html / 100) / 10,
    report_html_wall_ms: wall.map(Math.round),
    build_report_in_process_ms: Math.round(inProcess),
    build_report_one_key: keyed,
    slowest_key_queries_ms: [...keyTimes].map(([q, t]) => [Math.round(Math.max(...t)), q])
      .sort((a, b) => (b[0] as number) - (a[0] as number)).slice(0, 5),
    slowest_queries_ms: [...times].map(([q, t]) => [Math.round(Math.max(...t)), q])
      .sort((a, b) => (b[0] as number) - (a[0] as number)).slice(0, 8),
  },
  null,
  2,
));
