/**
 * The trace store alone: `writeBatch` of fixed-size batches into a fresh SQLite file, and into
 * PostgreSQL when a DSN is given (an empty database), timed around the store call only (traces
 * are built before the clock starts). Run as its own process so that nothing else shares its
 * event loop. CPU is counted around the same calls: this process's (encoding, the driver), and
 * for PostgreSQL the server processes' of the store's connections, from /proc, so a busy machine
 * slows the wall clock without changing the CPU a trace costs.
 *
 * Usage: deno run -A bench/store_write.ts --dir DIR --traces N --batch B [--dsn postgres://...]
 *   [--cost-lines N] (each trace's cost lines, default 3 as a priced chat trace; 0 for none)
 */
import { join } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { openPostgresStore, openSqliteStore, type TraceStore } from "../src/store/mod.ts";
import type { Trace } from "../src/traces/trace.ts";
import { makeTrace } from "../tests/testdata/trace_fixture.ts";
import { cpuSeconds } from "./cpu.ts";
import { type Percentiles, percentiles, round1 } from "./stats.ts";

export interface StoreWriteResult {
  case: string;
  traces: number;
  batch: number;
  seconds: number;
  traces_per_s: number;
  batch_ms: Percentiles;
  /** This process's CPU during the store calls, per trace. */
  client_cpu_us_per_trace: number;
  /** The PostgreSQL server's CPU for the store's connections, per trace; null for SQLite or unreadable. */
  server_cpu_us_per_trace: number | null;
}

/** CPU seconds of a set of processes, or null when one cannot be read. */
type ServerCpu = () => Promise<number | null>;

async function measure(
  open: () => Promise<TraceStore>,
  label: string,
  total: number,
  batch: number,
  overrides: Partial<Trace>,
  serverCpu: ServerCpu | null = null,
): Promise<StoreWriteResult> {
  const store = await open();
  const batchMs: number[] = [];
  let written = 0;
  let clientUs = 0;
  let server: number | null = null;
  try {
    const serverBefore = serverCpu === null ? null : await serverCpu();
    while (written < total) {
      const n = Math.min(batch, total - written);
      const traces = Array.from({ length: n }, () => makeTrace(overrides));
      const cpu = process.cpuUsage();
      const t = performance.now();
      await store.writeBatch(traces);
      batchMs.push(performance.now() - t);
      const used = process.cpuUsage(cpu);
      clientUs += used.user + used.system;
      written += n;
    }
    const serverAfter = serverCpu === null ? null : await serverCpu();
    if (serverBefore !== null && serverAfter !== null) server = serverAfter - serverBefore;
  } finally {
    await store.close();
  }
  const seconds = batchMs.reduce((a, b) => a + b, 0) / 1000;
  return {
    case: label,
    traces: written,
    batch,
    seconds: Math.round(seconds * 1000) / 1000,
    traces_per_s: round1(written / seconds),
    batch_ms: percentiles(batchMs),
    client_cpu_us_per_trace: round1(clientUs / written),
    server_cpu_us_per_trace: server === null ? null : round1(server * 1e6 / written),
  };
}

/**
 * CPU of the server processes serving the store's connections (application_name of
 * pg_connect.ts), read from /proc: the server must be on this machine, as the bench's cluster is.
 */
function postgresServerCpu(admin: postgres.Sql): ServerCpu {
  return async () => {
    const rows = await admin<{ pid: number }[]>`SELECT pid FROM pg_stat_activity
      WHERE application_name = 'ongoingai-gateway'`;
    if (rows.length === 0) return null;
    let sum = 0;
    for (const { pid } of rows) {
      const s = cpuSeconds(pid);
      if (s === null) return null;
      sum += s;
    }
    return sum;
  };
}

/**
 * A priced trace's cost lines as the gateway writes them (traces/cost_breakdown.ts): a chat
 * request has input, cache reads and output; `lines` of them (0: a trace without a breakdown, as
 * traces stored before issue 24).
 */
function costBreakdown(lines: number): Partial<Trace> {
  if (lines === 0) return { cost_breakdown: null };
  const dims = ["input", "cached_input", "output", "reasoning", "cache_write", "cache_write_1h"];
  return {
    cost_breakdown: {
      lines: dims.slice(0, lines).map((dimension, i) => ({
        dimension,
        quantity: 1000 + i,
        unit: "per_million_tokens",
        unit_price_usd: 2.5,
        amount_usd: 0.0025025,
      })),
      unpriced: [],
      price_row: {
        source: "built-in openai",
        model: "gpt-4o-mini",
        valid_from: null,
        service_tier: "standard",
        tier_above_input_tokens: null,
        multiplier: 1,
      },
    },
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      dir: { type: "string" },
      traces: { type: "string" },
      batch: { type: "string" },
      dsn: { type: "string" },
      "cost-lines": { type: "string" },
    },
  });
  const dir = values.dir ?? await Deno.makeTempDir();
  const total = Number(values.traces ?? 100_000);
  const batch = Number(values.batch ?? 512);
  const body = JSON.stringify({ text: "z".repeat(2000) });
  const priced = costBreakdown(Number(values["cost-lines"] ?? 3));
  const bodies = { ...priced, request_body: body, response_body: body };
  const sqlite = (name: string) => () => openSqliteStore({ path: join(dir, name) });
  const results = [
    await measure(sqlite("plain.db"), "no bodies", total, batch, priced),
    await measure(
      sqlite("bodies.db"),
      "2 KB request + 2 KB response body",
      Math.ceil(total / 4),
      batch,
      bodies,
    ),
  ];
  const dsn = values.dsn;
  if (dsn !== undefined) {
    // Both cases go to the same database: the second one's table already holds the first's rows.
    // One connection: the server CPU is that of one process, which keeps its pid throughout.
    const pg = () => openPostgresStore({ dsn, maxConnections: 1 });
    const admin = postgres(dsn, { max: 1, onnotice: () => {} });
    const server = postgresServerCpu(admin);
    try {
      results.push(await measure(pg, "postgres, no bodies", total, batch, priced, server));
      results.push(
        await measure(
          pg,
          "postgres, 2 KB request + 2 KB response body",
          Math.ceil(total / 4),
          batch,
          bodies,
          server,
        ),
      );
    } finally {
      await admin.end();
    }
  }
  console.log(JSON.stringify(results));
}
