/**
 * Issue 25's scale check: `ongoingai report --html` over a year of traffic on a million traces.
 * Generates the history once (`report_history.ts`, the store's own writeBatch, rollups included)
 * into a SQLite file kept for the next run, or with `--dsn` into a PostgreSQL database (kept too:
 * a database already holding this history is reused), or with `--postgres` into a throwaway
 * PostgreSQL cluster (bench/postgres.ts, under the system's temp dir, stopped and removed at the
 * end). Then runs the real CLI as a user would, a few times, and prints the wall time of each run,
 * and of each store query the report makes (timed in this process, on the same store, opened
 * read-only), so a slow run says where its time went.
 *
 * Usage: deno run -A bench/report_year.ts [--traces 1000000] [--days 365] [--dir DIR] [--runs 3]
 *   [--dsn postgres://... | --postgres]
 * Figures are printed, not asserted: performance is measured here, never in a test.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import {
  openSqliteStore,
  openStore,
  type StorageConfig,
  type TraceStore,
} from "../src/store/mod.ts";
import { buildReport } from "../src/cli/report_data.ts";
import { startBenchCluster } from "./postgres.ts";
import { writeReportHistory } from "./report_history.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    traces: { type: "string", default: "1000000" },
    days: { type: "string", default: "365" },
    dir: { type: "string", default: "/tmp/ongoingai-report-year" },
    runs: { type: "string", default: "3" },
    dsn: { type: "string" },
    postgres: { type: "boolean", default: false },
  },
});
const traces = Number(values.traces), days = Number(values.days), runs = Number(values.runs);
if (!(traces >= 1 && days >= 1 && runs >= 1 && runs <= 20)) {
  console.error("--traces and --days must be positive, --runs between 1 and 20");
  Deno.exit(2);
}
if (values.dsn !== undefined && values.postgres) {
  console.error("give --dsn (a server of yours) or --postgres (a throwaway one), not both");
  Deno.exit(2);
}
const dir = values.dir;
Deno.mkdirSync(dir, { recursive: true });
const end = Date.UTC(2026, 11, 1);
const progress = (n: number) => {
  if (n % 100_000 === 0) console.error(`generated ${n} traces`);
};

let cluster: { stop(): Promise<void> } | null = null;
let dsn = values.dsn;
if (values.postgres) {
  const started = await startBenchCluster();
  if ("failed" in started) {
    console.error(`--postgres: no throwaway PostgreSQL: ${started.failed}`);
    Deno.exit(1);
  }
  cluster = started;
  dsn = started.dsn;
}

/** The store the report reads, generated first when it is not there yet; its size in bytes. */
async function prepareSqlite(): Promise<{ storage: StorageConfig; size: number; yaml: string }> {
  const db = join(dir, `traces-${traces}-${days}d.db`);
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
    await writeReportHistory(store, { traces, days, end }, progress);
    await store.close();
    Deno.renameSync(`${db}.partial`, db);
    console.log(
      JSON.stringify({ generated: traces, days, seconds: (performance.now() - t) / 1000 }),
    );
  }
  return {
    storage: { driver: "sqlite", path: db } as StorageConfig,
    size: Deno.statSync(db).size,
    yaml: `storage:\n  path: ${db}\n`,
  };
}

/**
 * The same for PostgreSQL: an empty database is filled; one holding exactly this history (its
 * count, its last trace's id, and its first day, which --days sets) is reused; anything else is
 * refused rather than mixed in.
 */
async function preparePostgres(dsn: string) {
  const storage = { driver: "postgres", dsn, pool_max: 10 } as StorageConfig;
  const store = await openStore(storage); // creates and migrates the tables when needed
  const admin = postgres(dsn, { max: 1, onnotice: () => {} });
  try {
    const lastId = (traces - 1).toString(16).padStart(32, "0");
    const [held] = await admin<{ n: string; last: boolean; first: string | null }[]>`
      SELECT count(*)::text AS n, bool_or(id = ${lastId}) AS last,
        (extract(epoch FROM min("timestamp")) * 1000)::text AS first FROM traces`;
    const n = Number(held?.n);
    // The generator moves a trace of a quiet day three days back: the first is near the start.
    const start = end - days * 86_400_000;
    const sameStart = Math.abs(Number(held?.first) - start) < 4 * 86_400_000;
    if (n === 0) {
      const t = performance.now();
      await writeReportHistory(store, { traces, days, end }, progress);
      await admin`ANALYZE`; // as autovacuum would soon: the plans measured are the steady ones
      console.log(
        JSON.stringify({ generated: traces, days, seconds: (performance.now() - t) / 1000 }),
      );
    } else if (n !== traces || held?.last !== true || !sameStart) {
      throw new Error(
        `the database holds ${n} traces, not this history of ${traces} over ${days} days: ` +
          "give --dsn an empty database (or the one this bench filled with the same --traces and --days)",
      );
    }
    const rows: Record<string, number> = {};
    const tables = ["traces", "rollup_hourly", "rollup_daily", "rollup_daily_keys"];
    for (const table of [...tables, "rollup_cost_lines", "rollup_cost_lines_daily"]) {
      const [c] = await admin<{ n: string }[]>`SELECT count(*)::text AS n FROM ${admin(table)}`;
      rows[table] = Number(c?.n);
    }
    const [size] = await admin<{ b: string }[]>`
      SELECT pg_database_size(current_database())::text AS b`;
    console.log(JSON.stringify({ postgres_rows: rows }));
    return {
      storage,
      size: Number(size?.b),
      yaml: `storage:\n  driver: postgres\n  dsn: ${JSON.stringify(dsn)}\n`,
    };
  } finally {
    await admin.end({ timeout: 1 });
    await store.close();
  }
}

const prepared = await (dsn === undefined ? prepareSqlite() : preparePostgres(dsn)).catch(
  async (err) => {
    await cluster?.stop(); // a throwaway cluster is not left running on a failure
    throw err;
  },
);
const { storage, size } = prepared;
Deno.writeTextFileSync(join(dir, "ongoingai.yaml"), prepared.yaml);
const where = storage.driver === "sqlite"
  ? { driver: "sqlite" as const, path: storage.path }
  : { driver: "postgres" as const };

/** A store call as the report made it, to be made again alone. */
type Call = { prop: string; args: unknown[] };

/** The store with every query the report makes timed (and recorded in `calls`). */
function timed(store: TraceStore, times: Map<string, number[]>, calls: Call[] = []): TraceStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        calls.push({ prop: String(prop), args });
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
const calls: Call[] = [];
const store = await openStore(storage, { cwd: dir, readOnly: true });
const t0 = performance.now();
await buildReport(timed(store, times, calls), { limit: 10 }, where);
const inProcess = performance.now() - t0;
// ...but on a small machine every query run together waits for the others (the CPU, and the
// PostgreSQL pool): each made again alone says which ones cost the time.
const alone: [number, string][] = [];
for (const { prop, args } of calls) {
  const t = performance.now();
  await (store[prop as keyof TraceStore] as (...a: unknown[]) => Promise<unknown>)
    .apply(store, args);
  alone.push([Math.round(performance.now() - t), `${prop} ${JSON.stringify(args[0])}`]);
}
// `report --key`: the busiest key's report. Only the daily keys rollup keeps the key, so its
// developer, agent and cost-line queries read that key's traces of the whole year.
const [busiest] = await store.aggregate({ group_by: "api_key_hash", with_key_only: true });
const keyTimes = new Map<string, number[]>();
const t1 = performance.now();
await buildReport(timed(store, keyTimes), { limit: 10, api_key_hash: busiest!.group! }, where);
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
    await cluster?.stop();
    Deno.exit(1);
  }
}
const html = Deno.statSync(join(dir, "r.html")).size;
console.log(JSON.stringify(
  {
    traces,
    days,
    driver: storage.driver,
    db_mb: Math.round(size / 1e5) / 10,
    html_kb: Math.round(html / 100) / 10,
    report_html_wall_ms: wall.map(Math.round),
    build_report_in_process_ms: Math.round(inProcess),
    build_report_one_key: keyed,
    slowest_key_queries_ms: [...keyTimes].map(([q, t]) => [Math.round(Math.max(...t)), q])
      .sort((a, b) => (b[0] as number) - (a[0] as number)).slice(0, 5),
    slowest_queries_ms: [...times].map(([q, t]) => [Math.round(Math.max(...t)), q])
      .sort((a, b) => (b[0] as number) - (a[0] as number)).slice(0, 8),
    queries_alone_total_ms: alone.reduce((n, [ms]) => n + ms, 0),
    slowest_queries_alone_ms: alone.sort((a, b) => b[0] - a[0]).slice(0, 8),
  },
  null,
  2,
));
await cluster?.stop();
