/**
 * Is the gateway's memory flat in the response size? Two fresh gateway processes with the same
 * settings each get the same streaming load, one with 1 MB SSE answers and one with 10 MB; the
 * figure is the difference of their RSS peaks. Fresh processes, because a process keeps the
 * memory an earlier row grew (allocator arenas, V8 heap capacity), which would hide or fake a
 * difference. A proxy that held whole bodies would peak about connections x 9 MB higher.
 */
import { startGatewayTarget } from "../baselines.ts";
import type { BenchContext, Cell } from "../context.ts";
import { saturate } from "../load.ts";
import { type MemoryFigures, watchMemory } from "../rss.ts";
import type { LoadResult } from "../stats.ts";
import { requestFor } from "../targets.ts";

const mb = 1048576;

export interface FlatResult {
  rows: Record<string, Cell>[];
  /** Peak with 10 MB streams minus peak with 1 MB streams, in MB; null if not measured. */
  peakOverMb: number | null;
}

export async function flatMemory(
  ctx: BenchContext,
  opts: { capture: boolean; captureMax: number },
): Promise<FlatResult> {
  const s = ctx.settings.large;
  const rows: Record<string, Cell>[] = [];
  const peaks: number[] = [];
  const mode = opts.capture ? "capture on" : "capture off";
  for (const bytes of [mb, 10 * mb]) {
    const label = `${bytes / mb} MB sse, fresh gateway`;
    const gw = await startGatewayTarget(ctx, `gateway (flat ${bytes / mb} MB, ${mode})`, {
      capture: opts.capture,
      bodyMaxSize: opts.captureMax,
    });
    try {
      const watch = gw.pid === null ? null : watchMemory(gw.pid);
      const r = await saturate(
        ctx,
        requestFor(gw, { stream: true, bench: { stream: "bulk", bytes } }),
        { connections: s.connections, duration_s: s.duration_s, warmup_s: 0 },
      );
      const mem = watch?.stop() ?? null;
      if (mem) peaks.push(mem.peak_mb);
      rows.push(largeRow(label, `gateway, ${mode}`, r, mem));
    } finally {
      await gw.stop();
    }
  }
  const peakOverMb = peaks.length === 2 ? Math.round((peaks[1]! - peaks[0]!) * 10) / 10 : null;
  return { rows, peakOverMb };
}

/** One row of the `large` table. */
export function largeRow(
  label: string,
  target: string,
  r: LoadResult,
  mem: MemoryFigures | null,
): Record<string, Cell> {
  return {
    case: label,
    target,
    "req/s": r.rps,
    "MB/s": r.mb_per_s,
    "p99 ms": r.latency_ms.p99,
    "RSS before MB": mem?.baseline_mb ?? null,
    "RSS peak MB": mem?.peak_mb ?? null,
    "RSS growth MB": mem?.growth_mb ?? null,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}
