/**
 * Trace write throughput of the stores alone, outside the gateway (bench/store_write.ts): SQLite,
 * and PostgreSQL on a private throwaway cluster when one can be started.
 */
import { join } from "node:path";
import type { BenchContext, ScenarioResult } from "../context.ts";
import { startBenchCluster } from "../postgres.ts";
import { benchDir, spawnDeno } from "../proc.ts";
import { round1, round3 } from "../stats.ts";
import type { StoreWriteResult } from "../store_write.ts";

export async function storeScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const st = ctx.settings.store;
  const dir = await Deno.makeTempDir({ dir: ctx.tmpDir, prefix: "store_" });
  const cluster = await startBenchCluster();
  const notes = [
    "SQLite: batch time is time the gateway's event loop is blocked per batch (node:sqlite is synchronous)",
  ];
  let results: StoreWriteResult[];
  try {
    const child = spawnDeno("store_write", join(benchDir, "store_write.ts"), [
      "--dir",
      dir,
      "--traces",
      String(st.traces),
      "--batch",
      String(st.batch),
      ...("failed" in cluster ? [] : ["--dsn", cluster.dsn]),
    ], { captureStdout: true });
    const code = await child.status;
    const out = await child.stdout;
    if (code !== 0) {
      throw new Error(`store_write exited with ${code}:\n${child.logs().slice(-2000)}`);
    }
    results = JSON.parse(out) as StoreWriteResult[];
  } finally {
    if (!("failed" in cluster)) await cluster.stop();
  }
  if ("failed" in cluster) {
    notes.push(`PostgreSQL cases skipped: PostgreSQL is not available (${cluster.failed})`);
  } else {
    notes.push(
      `PostgreSQL: ${cluster.version}, a private cluster on 127.0.0.1 (fsync and synchronous_commit off); one INSERT statement (one round trip) per batch; batch time includes the server's work, during which the event loop waits on the socket and is not blocked`,
      "CPU µs/trace: the bench process's CPU during the store calls (client), plus for PostgreSQL the server process of the store's one connection (server), from /proc; postgres_cpu_ratio_vs_sqlite is SQLite's CPU per trace over PostgreSQL's client + server CPU per trace, the write-rate ratio a machine with a free core for each would show",
    );
  }
  const sqlite = results[0]?.traces_per_s ?? null;
  const pg = results[2]?.traces_per_s ?? null;
  const sqliteCpu = results[0]?.client_cpu_us_per_trace ?? null;
  const pgServer = results[2]?.server_cpu_us_per_trace ?? null;
  const pgCpu = pgServer === null ? null : round1(results[2]!.client_cpu_us_per_trace + pgServer);
  return {
    id: "store_write",
    title: `Trace stores alone: writeBatch of ${st.batch} traces`,
    status: "ok",
    rows: results.map((r) => ({
      case: r.case.startsWith("postgres") ? r.case : `sqlite, ${r.case}`,
      traces: r.traces,
      "traces/s": r.traces_per_s,
      "batch p50 ms": r.batch_ms.p50,
      "batch p99 ms": r.batch_ms.p99,
      "batch max ms": r.batch_ms.max,
      "client CPU µs/trace": r.client_cpu_us_per_trace,
      "server CPU µs/trace": r.server_cpu_us_per_trace ?? "–",
    })),
    figures: {
      traces_per_s: sqlite,
      traces_per_s_with_bodies: results[1]?.traces_per_s ?? null,
      batch_p99_ms: results[0]?.batch_ms.p99 ?? null,
      postgres_traces_per_s: pg,
      postgres_traces_per_s_with_bodies: results[3]?.traces_per_s ?? null,
      postgres_batch_p99_ms: results[2]?.batch_ms.p99 ?? null,
      postgres_ratio_vs_sqlite: pg !== null && sqlite ? round3(pg / sqlite) : null,
      sqlite_cpu_us_per_trace: sqliteCpu,
      postgres_cpu_us_per_trace: pgCpu,
      postgres_cpu_ratio_vs_sqlite: pgCpu !== null && sqliteCpu !== null && pgCpu > 0
        ? round3(sqliteCpu / pgCpu)
        : null,
    },
    notes,
  };
}
