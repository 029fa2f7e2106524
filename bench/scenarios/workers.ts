/**
 * `server.workers`: non-streaming chat at saturation with one serving isolate and with two, on
 * this machine's cores, alternated (1 2 1 2 in a full run) because the machine is shared. CPU
 * per request (the whole process: every isolate and the store worker) is the figure that carries
 * to other machines: N cores give the gateway at most N x 1e6 / (CPU µs per request) requests a
 * second, less what the load generator and the upstream take from the same cores.
 */
import type { BenchContext, Cell, ScenarioResult } from "../context.ts";
import { cpuMicrosPerRequest, cpuSeconds } from "../cpu.ts";
import { startGatewayTarget } from "../baselines.ts";
import { settledHealth } from "../gateway.ts";
import { saturate } from "../load.ts";
import { round1 } from "../stats.ts";
import { requestFor } from "../targets.ts";
import { ratio } from "./chat.ts";

interface Run {
  workers: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  cpuUs: number | null;
}

async function runOnce(ctx: BenchContext, workers: number, round: number): Promise<Run> {
  const gw = await startGatewayTarget(ctx, `gateway (workers ${workers}, round ${round})`, {
    workers,
  });
  let before: number | null = null, after: number | null = null;
  let load;
  try {
    before = cpuSeconds(gw.gateway.pid);
    load = await saturate(ctx, requestFor(gw), {
      connections: ctx.settings.connections,
      duration_s: ctx.settings.duration_s,
      warmup_s: ctx.settings.warmup_s,
    });
    await settledHealth(gw.gateway.health);
    after = cpuSeconds(gw.gateway.pid);
  } finally {
    await gw.stop();
  }
  const accepted = ctx.accounts.at(-1)?.accepted ?? 0;
  return {
    workers,
    rps: load.rps,
    p50: load.latency_ms.p50,
    p99: load.latency_ms.p99,
    errors: load.errors,
    cpuUs: cpuMicrosPerRequest(before, after, accepted),
  };
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function workersScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const order = ctx.settings.mode === "smoke" ? [1, 2] : [1, 2, 1, 2];
  const runs: Run[] = [];
  for (const [i, w] of order.entries()) runs.push(await runOnce(ctx, w, Math.floor(i / 2) + 1));
  const rows: Record<string, Cell>[] = runs.map((r, i) => ({
    target: `gateway, server.workers ${r.workers} (round ${Math.floor(i / 2) + 1})`,
    "req/s": r.rps,
    "p50 ms": r.p50,
    "p99 ms": r.p99,
    "CPU µs/req": r.cpuUs,
    errors: r.errors,
  }));
  const of = (w: number, pick: (r: Run) => number | null) =>
    median(runs.filter((r) => r.workers === w).flatMap((r) => pick(r) ?? []));
  const rps1 = of(1, (r) => r.rps), rps2 = of(2, (r) => r.rps);
  const cpu1 = of(1, (r) => r.cpuUs), cpu2 = of(2, (r) => r.cpuUs);
  const cores = navigator.hardwareConcurrency;
  const ceiling = (cpu: number | null, n: number) =>
    cpu === null ? null : Math.round(n * 1e6 / cpu);
  const notes = [
    `${cores} cores here, shared with the load generator and the stub: the 2-isolate figure is ` +
    "bounded by them, not by the gateway alone.",
    `Scaling: on N cores the gateway's own ceiling is about N x 1e6 / (CPU µs per request); at ` +
    `${cpu2 ?? "?"} µs (workers 2) that is ${ceiling(cpu2, 1) ?? "?"} req/s per core, ` +
    `${ceiling(cpu2, 4) ?? "?"} on 4 cores, ${ceiling(cpu2, 8) ?? "?"} on 8, with ` +
    "server.workers set to the core count and the load generator elsewhere.",
  ];
  if (runs.some((r) => r.errors > 0)) notes.push("some runs had errors: see the rows");
  return {
    id: "workers",
    title: "server.workers: chat throughput and CPU per request, 1 vs 2 isolates",
    status: "ok",
    rows,
    figures: {
      workers1_rps: rps1,
      workers2_rps: rps2,
      speedup_2_over_1: ratio(rps2 ?? undefined, rps1 ?? undefined),
      workers1_cpu_us_per_request: cpu1 === null ? null : round1(cpu1),
      workers2_cpu_us_per_request: cpu2 === null ? null : round1(cpu2),
      ceiling_rps_per_core_workers2: ceiling(cpu2, 1),
    },
    notes,
  };
}
