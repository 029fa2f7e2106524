/**
 * Added latency at a moderate load: every system gets the same constant request rate (about
 * half of the gateway's saturation rate from `chat`), sent on schedule whatever the answers
 * take (open loop), and its latency percentiles are compared with direct-to-stub.
 */
import { baselineTargets, nginxNote, startBaselines, startGatewayTarget } from "../baselines.ts";
import type { OpenResult } from "../client.ts";
import type { BenchContext, Cell, ScenarioResult } from "../context.ts";
import { runClientProcess, saturate } from "../load.ts";
import { round3 } from "../stats.ts";
import { requestFor, type Target } from "../targets.ts";

const behind = (r: OpenResult) => r.overload > 0 || r.rate_achieved < 0.95 * r.rate_target;

export async function latencyScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const s = ctx.settings;
  const notes: string[] = [];
  const rows: Record<string, Cell>[] = [];
  const results: Record<string, OpenResult> = {};
  const base = await startBaselines(ctx, { nginx: true });
  let rate = 0;
  let saturationUsed = 0;
  try {
    const gw = await startGatewayTarget(ctx, "gateway (latency)");
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
      rate = Math.max(10, Math.round(saturation / 2));
      const open = (target: Target) =>
        runClientProcess<OpenResult>({
          mode: "open",
          req: requestFor(target),
          rate,
          duration_s: s.latency.duration_s,
          warmup_s: s.latency.warmup_s,
        });
      // The gateway first: this client costs CPU that wrk did not, so the gateway may not keep
      // up with half its wrk rate on a small machine. Then the rate is halved (at most twice)
      // and every system is measured at a rate the gateway sustains.
      let g = await open(gw);
      for (let i = 0; i < 2 && behind(g) && rate >= 20; i++) {
        notes.push(
          `gateway fell behind at ${rate} req/s (achieved ${g.rate_achieved}, ` +
            `${g.overload} sends skipped); measured again at ${Math.round(rate / 2)} req/s`,
        );
        rate = Math.round(rate / 2);
        g = await open(gw);
      }
      results.gateway = g;
      for (const [key, target] of baselineTargets(base)) results[key] = await open(target);
      for (const [key, target] of [...baselineTargets(base), ["gateway", gw] as const]) {
        const r = results[key]!;
        rows.push({
          target: target.name,
          "rate req/s": r.rate_target,
          "achieved req/s": r.rate_achieved,
          "p50 ms": r.latency_ms.p50,
          "p90 ms": r.latency_ms.p90,
          "p99 ms": r.latency_ms.p99,
          "max ms": r.latency_ms.max,
          errors: r.errors,
          overload: r.overload,
          "send lag p99 ms": r.dispatch_lag_ms.p99,
        });
        if (behind(r)) {
          notes.push(
            `${target.name} fell behind: achieved ${r.rate_achieved} of ${rate} req/s, ` +
              `${r.overload} sends skipped; its latency is queueing, not overhead`,
          );
        }
      }
      saturationUsed = saturation;
    } finally {
      await gw.stop();
    }
  } finally {
    await base.stop();
  }
  const added = (key: string, p: "p50" | "p99") => {
    const a = results[key]?.latency_ms, d = results.direct?.latency_ms;
    if (!a || !d || a.count === 0 || d.count === 0) return null;
    return round3(a[p] - d[p]);
  };
  const nn = nginxNote(ctx);
  if (nn) notes.push(nn);
  return {
    id: "latency",
    title: `Added latency at a constant ${rate} req/s (open loop)`,
    status: "ok",
    rows,
    figures: {
      rate,
      rate_share_of_saturation: saturationUsed > 0 ? round3(rate / saturationUsed) : null,
      gateway_added_p50_ms: added("gateway", "p50"),
      gateway_added_p99_ms: added("gateway", "p99"),
      passthrough_added_p50_ms: added("passthrough", "p50"),
      passthrough_added_p99_ms: added("passthrough", "p99"),
      nginx_added_p50_ms: added("nginx", "p50"),
      nginx_added_p99_ms: added("nginx", "p99"),
    },
    notes,
  };
}
