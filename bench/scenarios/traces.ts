/**
 * Traces to SQLite under sustained saturation with the default queue settings: every request
 * must become a stored trace, none dropped. Queue depth is sampled during the load.
 */
import { startGatewayTarget } from "../baselines.ts";
import type { BenchContext, ScenarioResult } from "../context.ts";
import { saturate } from "../load.ts";
import { requestFor } from "../targets.ts";

export async function tracesScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const s = ctx.settings;
  const gw = await startGatewayTarget(ctx, "gateway (traces)");
  let maxDepth = 0, capacity = 0;
  let rps = 0, errors = 0, timeouts = 0;
  try {
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        try {
          const h = await gw.gateway.health();
          maxDepth = Math.max(maxDepth, h.depth);
          capacity = h.capacity;
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
      rps = r.rps;
      errors = r.errors;
      timeouts = r.timeouts;
    } finally {
      sampling = false;
      await sampler;
    }
  } finally {
    await gw.stop();
  }
  const acc = ctx.accounts.find((a) => a.instance === "gateway (traces)");
  return {
    id: "traces_sqlite",
    title: `Traces to SQLite after ${s.traces_s} s at saturation (default queue settings)`,
    status: "ok",
    rows: [{
      "req/s": rps,
      accepted: acc?.accepted ?? null,
      written: acc?.written ?? null,
      dropped: acc?.dropped ?? null,
      "rows in db": acc?.rows ?? null,
      "max queue depth": maxDepth,
      "queue capacity": capacity,
      errors,
      timeouts,
    }],
    figures: {
      accepted: acc?.accepted ?? null,
      written: acc?.written ?? null,
      dropped: acc?.dropped ?? null,
      rows: acc?.rows ?? null,
      max_queue_depth: maxDepth,
      all_written: acc?.ok ?? false,
    },
    notes: ["queue depth sampled from /api/health every 250 ms during the load"],
  };
}
