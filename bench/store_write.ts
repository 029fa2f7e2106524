/**
 * The trace store alone: `writeBatch` of fixed-size batches into a fresh SQLite file, and into
 * PostgreSQL when a DSN is given (an empty database), timed around the store call only (traces
 * are built before the clock starts). Run as its own process so that nothing else shares its
 * event loop.
 *
 * Usage: deno run -A bench/store_write.ts --dir DIR --traces N --batch B [--dsn postgres://...]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openPostgresStore, openSqliteStore, type TraceStore } from "../src/store/mod.ts";
import type { Trace } from "../src/traces/trace.ts";
import { makeTrace } from "../tests/testdata/trace_fixture.ts";
import { type Percentiles, percentiles, round1 } from "./stats.ts";

export interface StoreWriteResult {
  case: string;
  traces: number;
  batch: number;
  seconds: number;
  traces_per_s: number;
  batch_ms: Percentiles;
}

async function measure(
  open: () => Promise<TraceStore>,
  label: string,
  total: number,
  batch: number,
  overrides: Partial<Trace>,
): Promise<StoreWriteResult> {
  const store = await open();
  const batchMs: number[] = [];
  let written = 0;
  try {
    while (written < total) {
      const n = Math.min(batch, total - written);
      const traces = Array.from({ length: n }, () => makeTrace(overrides));
      const t = performance.now();
      await store.writeBatch(traces);
      batchMs.push(performance.now() - t);
      written += n;
    }
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
    },
  });
  const dir = values.dir ?? await Deno.makeTempDir();
  const total = Number(values.traces ?? 100_000);
  const batch = Number(values.batch ?? 512);
  const body = JSON.stringify({ text: "z".repeat(2000) });
  const bodies = { request_body: body, response_body: body };
  const sqlite = (name: string) => () => openSqliteStore({ path: join(dir, name) });
  const results = [
    await measure(sqlite("plain.db"), "no bodies", total, batch, {}),
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
    const pg = () => openPostgresStore({ dsn });
    results.push(await measure(pg, "postgres, no bodies", total, batch, {}));
    results.push(
      await measure(
        pg,
        "postgres, 2 KB request + 2 KB response body",
        Math.ceil(total / 4),
        batch,
        bodies,
      ),
    );
  }
  console.log(JSON.stringify(results));
}
