/**
 * Added latency at a moderate load: every system gets the same request rate (about half of the
 * gateway's saturation rate from `chat`), and its latency percentiles are compared with
 * direct-to-stub. Two instruments, when wrk is installed:
 *
 * - wrk, paced (the goal's figure): 16 connections, each waiting an exponentially distributed
 *   think time before every request, so that the total rate is about the target. wrk costs a
 *   few microseconds a request, so on a 2-core machine the system under test keeps its cores.
 *   A closed loop: a stall delays the next request instead of piling them up, so a long stall
 *   shows once in the percentiles, not as every request queued behind it.
 * - the Deno client, open loop: requests sent on a fixed schedule whatever the answers take,
 *   so queueing is counted in full. It costs far more CPU a request than wrk, and on 2 cores it
 *   competes with the system it measures; its figures are kept to show that effect.
 *
 * Without wrk, the open-loop figures are the goal's.
 */
import { baselineTargets, nginxNote, startBaselines, startGatewayTarget } from "../baselines.ts";
import type { OpenResult } from "../client.ts";
import type { BenchContext, Cell, ScenarioResult } from "../context.ts";
import { runClientProcess, saturate } from "../load.ts";
import { type Percentiles, round1, round3 } from "../stats.ts";
import { requestFor, type Target } from "../targets.ts";
import { runWrk } from "../wrk.ts";
import { cpuMicrosPerRequest, cpuSeconds } from "../cpu.ts";
import { perRequest } from "../gc_trace.ts";

const pacedConnections = 16;

const behind = (r: OpenResult) => r.overload > 0 || r.rate_achieved < 0.95 * r.rate_target;

interface Measured {
  latency: Percentiles;
  achieved: number;
  errors: number;
  /** CPU of the target's process (every thread) per request during the run; null if unknown. */
  cpuMicros?: number | null;
  /** Its garbage collection per request during the run (every isolate); null if not traced. */
  gc?: ReturnType<typeof perRequest>;
}

export async function latencyScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const s = ctx.settings;
  const notes: string[] = [];
  const rows: Record<string, Cell>[] = [];
  const open: Record<string, OpenResult> = {};
  const paced: Record<string, Measured> = {};
  const usePaced = ctx.wrk !== null && s.latency.duration_s >= 1;
  // GC traced on both Deno processes: allocation per request is the tail's lever (issue 23).
  const base = await startBaselines(ctx, { nginx: true, gcTrace: true });
  let rate = 0;
  let saturationUsed = 0;
  try {
    const gw = await startGatewayTarget(ctx, "gateway (latency)", { gcTrace: true });
    const targets = [...baselineTargets(base), ["gateway", gw] as const];
    try {
      let saturation = ctx.gatewayRps;
      if (saturation === null) {
        saturation = (await saturate(ctx, requestFor(gw), {
          connections: s.connections,
          duration_s: s.duration_s >= 1 ? Math.min(3, s.duration_s) : s.duration_s,
          warmup_s: 0,
        })).rps;
        notes.push(`gateway saturation measured here (chat did not run): ${saturation} req/s`);
      }
      saturationUsed = saturation;
      rate = Math.max(10, Math.round(saturation / 2));

      if (usePaced) {
        const thinkMs = round3(pacedConnections * 1000 / rate);
        for (const [key, target] of targets) {
          const run = (duration_s: number) =>
            runWrk({
              req: requestFor(target),
              connections: pacedConnections,
              duration_s,
              tmpDir: ctx.tmpDir,
              thinkMs,
            });
          if (s.latency.warmup_s > 0) await run(s.latency.warmup_s);
          const cpuBefore = target.pid === null ? null : cpuSeconds(target.pid);
          const gcWindow = target.gc?.window();
          const r = await run(s.latency.duration_s);
          const cpuAfter = target.pid === null ? null : cpuSeconds(target.pid);
          const gc = gcWindow === undefined ? null : perRequest(gcWindow(), r.requests);
          paced[key] = {
            latency: r.latency_ms,
            achieved: r.rps,
            errors: r.errors + r.timeouts,
            cpuMicros: cpuMicrosPerRequest(cpuBefore, cpuAfter, r.requests),
            gc,
          };
          rows.push(row(target, `wrk paced, ${pacedConnections} connections`, rate, paced[key]!));
        }
      }

      const runOpen = (target: Target, at: number) =>
        runClientProcess<OpenResult>({
          mode: "open",
          req: requestFor(target),
          rate: at,
          duration_s: s.latency.duration_s,
          warmup_s: s.latency.warmup_s,
        });
      // The gateway first: this client costs CPU that wrk did not, so the gateway may not keep
      // up with half its wrk rate on a small machine. Then the rate is halved (at most twice)
      // and every system is measured at a rate the gateway sustains.
      let openRate = rate;
      let g = await runOpen(gw, openRate);
      for (let i = 0; i < 2 && behind(g) && openRate >= 20; i++) {
        notes.push(
          `open loop: the gateway fell behind at ${openRate} req/s (achieved ` +
            `${g.rate_achieved}, ${g.overload} sends skipped); measured again at ` +
            `${Math.round(openRate / 2)} req/s`,
        );
        openRate = Math.round(openRate / 2);
        g = await runOpen(gw, openRate);
      }
      open.gateway = g;
      for (const [key, target] of baselineTargets(base)) {
        open[key] = await runOpen(target, openRate);
      }
      for (const [key, target] of targets) {
        const r = open[key]!;
        rows.push({
          ...row(target, "open loop, Deno client", openRate, {
            latency: r.latency_ms,
            achieved: r.rate_achieved,
            errors: r.errors,
          }),
          overload: r.overload,
          "send lag p99 ms": r.dispatch_lag_ms.p99,
        });
        if (behind(r)) {
          notes.push(
            `open loop: ${target.name} fell behind: achieved ${r.rate_achieved} of ` +
              `${openRate} req/s, ${r.overload} sends skipped; its latency is queueing, ` +
              `not overhead`,
          );
        }
      }
    } finally {
      await gw.stop();
    }
  } finally {
    await base.stop();
  }
  const addedIn =
    (source: Record<string, { latency: Percentiles } | undefined>) =>
    (key: string, p: "p50" | "p99") => {
      const a = source[key]?.latency, d = source.direct?.latency;
      if (!a || !d || a.count === 0 || d.count === 0) return null;
      return round3(a[p] - d[p]);
    };
  const openAdded = addedIn(
    Object.fromEntries(Object.entries(open).map(([k, r]) => [k, { latency: r.latency_ms }])),
  );
  const pacedAdded = addedIn(paced);
  const added = usePaced ? pacedAdded : openAdded;
  notes.unshift(
    usePaced
      ? `the added figures (and the goals) are from wrk, paced; open_loop_* from the Deno client`
      : `no wrk (or a run under 1 s): the added figures are from the open-loop Deno client`,
  );
  const nn = nginxNote(ctx);
  if (nn) notes.push(nn);
  return {
    id: "latency",
    title: `Added latency at about ${rate} req/s`,
    status: "ok",
    rows,
    figures: {
      rate,
      rate_share_of_saturation: saturationUsed > 0 ? round3(rate / saturationUsed) : null,
      goal_from_wrk_paced: usePaced,
      gateway_added_p50_ms: added("gateway", "p50"),
      gateway_added_p99_ms: added("gateway", "p99"),
      passthrough_added_p50_ms: added("passthrough", "p50"),
      passthrough_added_p99_ms: added("passthrough", "p99"),
      nginx_added_p50_ms: added("nginx", "p50"),
      nginx_added_p99_ms: added("nginx", "p99"),
      gateway_paced_rate_achieved: paced.gateway ? round1(paced.gateway.achieved) : null,
      ...cpuFigures(paced),
      ...gcFigures(paced),
      open_loop_gateway_added_p50_ms: openAdded("gateway", "p50"),
      open_loop_gateway_added_p99_ms: openAdded("gateway", "p99"),
      open_loop_passthrough_added_p50_ms: openAdded("passthrough", "p50"),
      open_loop_passthrough_added_p99_ms: openAdded("passthrough", "p99"),
    },
    notes,
  };
}

/**
 * CPU per request at the same paced rate, every thread of the process counted (the gateway's
 * store worker too): the trace's cost as a figure the machine's other load cannot fake.
 */
function cpuFigures(paced: Record<string, Measured>): Record<string, Cell> {
  const of = (key: string) => paced[key]?.cpuMicros ?? null;
  const gateway = of("gateway"), passthrough = of("passthrough");
  return {
    gateway_cpu_us_per_request: gateway,
    passthrough_cpu_us_per_request: passthrough,
    gateway_cpu_us_added_per_request: gateway === null || passthrough === null
      ? null
      : round1(gateway - passthrough),
  };
}

/** Garbage collection per request at the same paced rate, the gateway's and the pass-through's. */
function gcFigures(paced: Record<string, Measured>): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  for (const key of ["gateway", "passthrough"]) {
    const gc = paced[key]?.gc ?? null;
    out[`${key}_alloc_kb_per_request`] = gc?.alloc_kb_per_request ?? null;
    out[`${key}_gc_pause_ms_per_1k_requests`] = gc?.gc_pause_ms_per_1k_requests ?? null;
    out[`${key}_survived_kb_per_scavenge`] = gc?.survived_kb_per_scavenge ?? null;
    out[`${key}_unreadable_gc_lines`] = gc?.unreadable_gc_lines ?? null;
  }
  return out;
}

function row(target: Target, load: string, rate: number, m: Measured): Record<string, Cell> {
  return {
    target: target.name,
    load,
    "rate req/s": rate,
    "achieved req/s": round1(m.achieved),
    "p50 ms": m.latency.p50,
    "p90 ms": m.latency.p90,
    "p99 ms": m.latency.p99,
    "max ms": m.latency.max,
    "CPU µs/req": m.cpuMicros ?? "-",
    "alloc KB/req": m.gc?.alloc_kb_per_request ?? "-",
    "GC ms/1k req": m.gc?.gc_pause_ms_per_1k_requests ?? "-",
    errors: m.errors,
    overload: "-",
    "send lag p99 ms": "-",
  };
}
