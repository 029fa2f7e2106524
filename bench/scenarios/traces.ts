/**
 * Traces under sustained saturation with the default queue settings, to SQLite and to
 * PostgreSQL (a private throwaway cluster): every request must become a stored trace, none
 * dropped. Queue depth is sampled during the load.
 */
import { startGatewayTarget } from "../baselines.ts";
import type { BenchContext, ScenarioResult } from "../context.ts";
import type { BenchStorage } from "../gateway.ts";
import { saturate } from "../load.ts";
import { startBenchCluster } from "../postgres.ts";
import { requestFor } from "../targets.ts";
import { round3 } from "../stats.ts";

interface TracesRun {
  rps: number;
  errors: number;
  timeouts: number;
  maxDepth: number;
  capacity: number;
}

async function saturateGateway(
  ctx: BenchContext,
  instance: string,
  storage: BenchStorage | undefined,
): Promise<TracesRun> {
  const s = ctx.settings;
  const gw = await startGatewayTarget(ctx, instance, storage ? { storage } : {});
  const run: TracesRun = { rps: 0, errors: 0, timeouts: 0, maxDepth: 0, capacity: 0 };
  try {
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        try {
          const h = await gw.gateway.health();
          run.maxDepth = Math.max(run.maxDepth, h.depth);
          run.capacity = h.capacity;
        } catch { /* a busy gateway may answer late; the next sample will do */ }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    try {
      const r = await saturate(ctx, requestFor(gw), {
        connections: s.connections,
        duration_s: s.traces_s,
        warmup_s: 0,
      });
      run.rps = r.rps;
      run.errors = r.errors;
      run.timeouts = r.timeouts;
    } finally {
      sampling = false;
      await sampler;
    }
  } finally {
    await gw.stop();
  }
  return run;
}

function tracesResult(
  ctx: BenchContext,
  id: string,
  title: string,
  instance: string,
  run: TracesRun,
  extra: Record<string, number | null>,
  notes: string[],
): ScenarioResult {
  const acc = ctx.accounts.find((a) => a.instance === instance);
  return {
    id,
    title,
    status: "ok",
    rows: [{
      "req/s": run.rps,
      accepted: acc?.accepted ?? null,
      written: acc?.written ?? null,
      dropped: acc?.dropped ?? null,
      "rows in db": acc?.rows ?? null,
      "max queue depth": run.maxDepth,
      "queue capacity": run.capacity,
      errors: run.errors,
      timeouts: run.timeouts,
      ...extra,
    }],
    figures: {
      rps: run.rps,
      accepted: acc?.accepted ?? null,
      written: acc?.written ?? null,
      dropped: acc?.dropped ?? null,
      rows: acc?.rows ?? null,
      max_queue_depth: run.maxDepth,
      all_written: acc?.ok ?? false,
      ...extra,
    },
    notes: ["queue depth sampled from /api/health every 250 ms during the load", ...notes],
  };
}

export async function tracesScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const instance = "gateway (traces)";
  const run = await saturateGateway(ctx, instance, undefined);
  ctx.tracesSqliteRps = run.errors === 0 ? run.rps : null;
  return tracesResult(
    ctx,
    "traces_sqlite",
    `Traces to SQLite after ${ctx.settings.traces_s} s at saturation (default queue settings)`,
    instance,
    run,
    {},
    [],
  );
}

export async function tracesPostgresScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const title = "Traces to PostgreSQL";
  const cluster = await startBenchCluster();
  if ("failed" in cluster) {
    return {
      id: "traces_postgres",
      title,
      status: "skipped",
      reason: `skipped: PostgreSQL is not available (${cluster.failed})`,
      rows: [],
      figures: {},
      notes: [],
    };
  }
  const instance = "gateway (traces, postgres)";
  let run: TracesRun;
  try {
    run = await saturateGateway(ctx, instance, { driver: "postgres", dsn: cluster.dsn });
  } finally {
    await cluster.stop();
  }
  const sqlite = ctx.tracesSqliteRps;
  return tracesResult(
    ctx,
    "traces_postgres",
    `${title} after ${ctx.settings.traces_s} s at saturation (default queue settings)`,
    instance,
    run,
    { ratio_vs_sqlite: sqlite ? round3(run.rps / sqlite) : null },
    [
      `${cluster.version}, a private cluster on 127.0.0.1 (fsync and synchronous_commit off, as in tests); the gateway's pool of 10 connections`,
      sqlite
        ? "ratio_vs_sqlite: req/s of this run / req/s of traces_sqlite in the same run"
        : "ratio_vs_sqlite: empty, traces_sqlite did not run (or failed) in this run",
    ],
  );
}
