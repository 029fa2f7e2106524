/**
 * Many long streams at once (200 by default): each system must carry them all to the end,
 * with its memory and time to first byte watched.
 */
import { startBaselines, startGatewayTarget } from "../baselines.ts";
import type { StreamResult } from "../client_stream.ts";
import type { BenchContext, Cell, ScenarioResult } from "../context.ts";
import { runClientProcess } from "../load.ts";
import { watchMemory } from "../rss.ts";
import { round3 } from "../stats.ts";
import { requestFor, type Target } from "../targets.ts";

export async function streamsScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const st = ctx.settings.streams;
  const rows: Record<string, Cell>[] = [];
  const results: Record<string, StreamResult & { wall_s: number }> = {};
  const growth: Record<string, number | null> = {};
  const notes: string[] = [];
  const base = await startBaselines(ctx, { nginx: false });
  try {
    const gw = await startGatewayTarget(ctx, "gateway (concurrent streams)");
    try {
      const targets: [string, Target][] = [
        ["direct", base.direct],
        ["passthrough", base.passthrough],
        ["gateway", gw],
      ];
      for (const [key, target] of targets) {
        const watch = target.pid === null ? null : watchMemory(target.pid);
        const r = await runClientProcess<StreamResult & { wall_s: number }>({
          mode: "streams",
          req: requestFor(target, {
            stream: true,
            bench: { stream: "paced", chunks: st.chunks, "interval-ms": st.interval_ms },
          }),
          streams: st.count,
          chunks: st.chunks,
          interval_ms: st.interval_ms,
        });
        const mem = watch?.stop() ?? null;
        results[key] = r;
        growth[key] = mem?.growth_mb ?? null;
        rows.push({
          target: target.name,
          streams: st.count,
          completed: r.streams,
          errors: r.errors,
          "TTFB p50 ms": r.ttfb_ms.p50,
          "TTFB p99 ms": r.ttfb_ms.p99,
          "chunk delay p99 ms": r.lateness_ms.p99,
          "held back": r.held_back,
          "RSS before MB": mem?.baseline_mb ?? null,
          "RSS peak MB": mem?.peak_mb ?? null,
          "RSS growth MB": mem?.growth_mb ?? null,
          "wall s": r.wall_s,
        });
        if (r.first_error) {
          notes.push(`${target.name}: ${r.errors} failed, first: ${r.first_error}`);
        }
      }
    } finally {
      await gw.stop();
    }
  } finally {
    await base.stop();
  }
  const ttfbAdded = (p: "p50" | "p99") => {
    const g = results.gateway?.ttfb_ms, d = results.direct?.ttfb_ms;
    if (!g || !d || g.count === 0 || d.count === 0) return null;
    return round3(g[p] - d[p]);
  };
  notes.push(
    `${st.count} streams opened at once, ${st.chunks} events ${st.interval_ms} ms apart each`,
  );
  return {
    id: "streams_200",
    title: `${st.count} concurrent long streams`,
    status: "ok",
    rows,
    figures: {
      gateway_errors: results.gateway?.errors ?? null,
      gateway_completed: results.gateway?.streams ?? null,
      gateway_rss_growth_mb: growth.gateway ?? null,
      passthrough_rss_growth_mb: growth.passthrough ?? null,
      gateway_ttfb_added_p50_ms: ttfbAdded("p50"),
      gateway_ttfb_added_p99_ms: ttfbAdded("p99"),
      gateway_held_back: results.gateway?.held_back ?? null,
    },
    notes,
  };
}
