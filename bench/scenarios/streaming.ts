/**
 * Streaming chat: the stub sends N content events M ms apart. Time to first byte and the
 * per-event delay beyond the quickest event of each stream (see client_stream.ts), through
 * each system, compared with direct. An event at least M ms late counts as held back.
 */
import { nginxNote, proxyCases, startBaselines, startGatewayTarget } from "../baselines.ts";
import type { StreamResult } from "../client_stream.ts";
import type { BenchContext, Cell, ScenarioResult } from "../context.ts";
import { runClientProcess } from "../load.ts";
import { round3 } from "../stats.ts";
import { requestFor } from "../targets.ts";

export function streamRow(target: string, r: StreamResult): Record<string, Cell> {
  return {
    target,
    streams: r.streams,
    events: r.events,
    "TTFB p50 ms": r.ttfb_ms.p50,
    "TTFB p99 ms": r.ttfb_ms.p99,
    "chunk delay p50 ms": r.lateness_ms.p50,
    "chunk delay p99 ms": r.lateness_ms.p99,
    "chunk delay max ms": r.lateness_ms.max,
    "held back": r.held_back,
    errors: r.errors,
  };
}

export async function streamingScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const st = ctx.settings.stream;
  const rows: Record<string, Cell>[] = [];
  const results: Record<string, StreamResult> = {};
  const notes: string[] = [];
  const base = await startBaselines(ctx, { nginx: true });
  try {
    const gw = await startGatewayTarget(ctx, "gateway (streaming)");
    try {
      for (const [key, label, target, opts] of proxyCases(base, gw)) {
        const r = await runClientProcess<StreamResult>({
          mode: "stream",
          req: requestFor(target, {
            ...opts,
            stream: true,
            bench: { stream: "paced", chunks: st.chunks, "interval-ms": st.interval_ms },
          }),
          concurrency: st.concurrency,
          duration_s: st.duration_s,
          warmup_s: st.warmup_s,
          chunks: st.chunks,
          interval_ms: st.interval_ms,
        });
        results[key] = r;
        rows.push(streamRow(label, r));
        if (r.first_error) {
          notes.push(`${target.name}: ${r.errors} failed streams, first: ${r.first_error}`);
        }
      }
    } finally {
      await gw.stop();
    }
  } finally {
    await base.stop();
  }
  const added = (key: string, field: "ttfb_ms" | "lateness_ms", p: "p50" | "p99") => {
    const a = results[key]?.[field], d = results.direct?.[field];
    if (!a || !d || a.count === 0 || d.count === 0) return null;
    return round3(a[p] - d[p]);
  };
  const nn = nginxNote(ctx);
  if (nn) notes.push(nn);
  notes.push(
    `${st.concurrency} concurrent streams of ${st.chunks} events ${st.interval_ms} ms apart; ` +
      `"held back" = events at least ${st.interval_ms} ms later than the quickest of their stream, ` +
      "i.e. not delivered before the next one was due",
  );
  return {
    id: "streaming",
    title: "Streaming chat: time to first byte and per-chunk delay",
    status: "ok",
    rows,
    figures: {
      gateway_ttfb_added_p50_ms: added("gateway", "ttfb_ms", "p50"),
      gateway_ttfb_added_p99_ms: added("gateway", "ttfb_ms", "p99"),
      gateway_chunk_added_p50_ms: added("gateway", "lateness_ms", "p50"),
      gateway_chunk_added_p99_ms: added("gateway", "lateness_ms", "p99"),
      gateway_held_back: (results.gateway?.held_back ?? 0) +
        (results.gateway_anthropic?.held_back ?? 0),
      direct_held_back: results.direct?.held_back ?? null,
      passthrough_ttfb_added_p99_ms: added("passthrough", "ttfb_ms", "p99"),
      passthrough_chunk_added_p99_ms: added("passthrough", "lateness_ms", "p99"),
    },
    notes,
  };
}
