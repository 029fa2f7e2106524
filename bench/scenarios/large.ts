/**
 * Large responses (1 MB and 10 MB, as one JSON document and as an SSE stream) at saturation,
 * through each system, with the gateway's body capture off and on. Alongside throughput, the
 * resident memory of the process in the middle: baseline just before, peak during.
 */
import { startBaselines, startGatewayTarget } from "../baselines.ts";
import type { BenchContext, Cell, ScenarioResult } from "../context.ts";
import { saturate } from "../load.ts";
import { watchMemory } from "../rss.ts";
import { requestFor, type Target } from "../targets.ts";
import { ratio } from "./chat.ts";
import { flatMemory, largeRow } from "./large_flat.ts";

const captureMax = 1048576;
/** Less than one 10 MB response: nothing holds a whole body. */
const flatLimitMb = 10;

function benchHeaders(c: { bytes: number; kind: "json" | "sse" }): Record<string, string | number> {
  return c.kind === "sse" ? { stream: "bulk", bytes: c.bytes } : { bytes: c.bytes };
}

export async function largeScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const s = ctx.settings.large;
  const rows: Record<string, Cell>[] = [];
  const figures: Record<string, number | boolean | null> = {};
  const notes: string[] = [];
  const base = await startBaselines(ctx, { nginx: false });
  try {
    const gw = await startGatewayTarget(ctx, "gateway (large, capture off)");
    try {
      const gwc = await startGatewayTarget(ctx, "gateway (large, capture on)", {
        capture: true,
        bodyMaxSize: captureMax,
      });
      try {
        const targets: [string, Target][] = [
          ["direct", base.direct],
          ["passthrough", base.passthrough],
          ["gateway", gw],
          ["gateway_capture", gwc],
        ];
        for (const c of s.cases) {
          const label = `${c.bytes / 1048576} MB ${c.kind}`;
          const key = `${c.bytes / 1048576}mb_${c.kind}`;
          const rps: Record<string, number> = {};
          // Build and cache this body in the stub before anything is measured.
          await saturate(
            ctx,
            requestFor(base.direct, { stream: c.kind === "sse", bench: benchHeaders(c) }),
            {
              connections: 1,
              duration_s: 0.05,
              warmup_s: 0,
            },
          );
          for (const [tk, target] of targets) {
            const bench = benchHeaders(c);
            const watch = target.pid === null ? null : watchMemory(target.pid);
            const r = await saturate(ctx, requestFor(target, { stream: c.kind === "sse", bench }), {
              connections: s.connections,
              duration_s: s.duration_s,
              warmup_s: 0,
            });
            const mem = watch?.stop() ?? null;
            rps[tk] = r.rps;
            const name = tk === "gateway_capture" ? "gateway, capture on" : target.name;
            rows.push(largeRow(label, name, r, mem));
            if (tk !== "direct") figures[`${key}_${tk}_rss_growth_mb`] = mem?.growth_mb ?? null;
            if (tk === "gateway" || tk === "gateway_capture") {
              figures[`${key}_${tk}_rss_peak_mb`] = mem?.peak_mb ?? null;
            }
          }
          figures[`${key}_ratio_gateway_passthrough`] = ratio(rps.gateway, rps.passthrough);
          figures[`${key}_ratio_gateway_capture_passthrough`] = ratio(
            rps.gateway_capture,
            rps.passthrough,
          );
        }
      } finally {
        await gwc.stop();
      }
    } finally {
      await gw.stop();
    }
  } finally {
    await base.stop();
  }
  const captured = ctx.accounts.find((a) => a.instance === "gateway (large, capture on)");
  const stored = captured?.max_body_stored ?? null;
  figures.capture_max_stored_bytes = stored;
  // Captured text is stored as UTF-8; the cap is on bytes, so the stored length must not exceed it.
  figures.capture_cap_respected = stored === null ? null : stored <= captureMax;
  for (const capture of [false, true]) {
    const flat = await flatMemory(ctx, { capture, captureMax });
    rows.push(...flat.rows);
    figures[`sse_10mb_peak_over_1mb_${capture ? "gateway_capture" : "gateway"}_mb`] =
      flat.peakOverMb;
  }
  figures.flat_limit_mb = flatLimitMb;
  notes.push(
    `${s.connections} connections; capture on uses tracing.body_max_size = ${captureMax} bytes; ` +
      `RSS of the process in the middle (direct: the stub), peak reset before each row`,
  );
  return {
    id: "large",
    title: "Large responses: throughput and memory",
    status: "ok",
    rows,
    figures,
    notes,
  };
}
