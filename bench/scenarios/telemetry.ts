/**
 * The cost of OpenTelemetry on the hot path: chat at saturation through a gateway with
 * observability off, then through one that exports spans and metrics over OTLP/HTTP (sampling
 * ratio 1) to a local collector and serves a Prometheus endpoint scraped every second. Same load,
 * same stub, fresh gateway each; the ratio of the two rates is the figure.
 *
 * It also proves nothing is lost silently: at ratio 1 every request the gateway served must reach
 * the collector as a server span, unless the exporter dropped it or lost it with a failed export
 * and counted that (`ongoingai_otel_export_spans_total`, read from the last scrape).
 */
import { startGatewayTarget } from "../baselines.ts";
import type { BenchContext, Cell, ScenarioResult } from "../context.ts";
import { settledHealth, type TraceAccount } from "../gateway.ts";
import { saturate } from "../load.ts";
import { type SinkCounts, startOtlpSink } from "../otlp_sink.ts";
import { type ScrapeSummary, startScraper } from "../prom_scrape.ts";
import type { LoadResult } from "../stats.ts";
import { requestFor } from "../targets.ts";
import { loadRow, ratio } from "./chat.ts";

/** Every second, as asked; a smoke run (0.5 s) scrapes more often so the periodic path runs. */
const scrapeEveryMs = (ctx: BenchContext) => Math.min(1000, ctx.settings.duration_s * 250);

/** What the collector and the scrapes saw of the run with telemetry on. */
interface OnRun {
  load: LoadResult;
  account: TraceAccount;
  sink: SinkCounts;
  scrape: ScrapeSummary;
}

export interface SpanAccounting {
  /** Requests the gateway served (traces accepted, warm-up included). */
  requests: number;
  server_spans: number;
  dropped: number;
  failed: number;
  /** Requests neither received as a server span nor counted as lost (must be 0). */
  unaccounted: number;
  /** Server spans beyond the requests served (duplicates; must be 0). */
  extra: number;
  ok: boolean;
}

/**
 * Every request one server span, or its loss counted. The exporter's drop counters cover every
 * kind of span (server, client, store batch), so with losses the test can only be that the server
 * spans received plus the spans counted lost cover the requests.
 */
export function accountSpans(
  requests: number,
  serverSpans: number,
  byOutcome: Record<string, number>,
): SpanAccounting {
  const dropped = byOutcome.dropped ?? 0;
  const failed = byOutcome.failed ?? 0;
  const unaccounted = Math.max(0, requests - serverSpans - dropped - failed);
  const extra = Math.max(0, serverSpans - requests);
  return {
    requests,
    server_spans: serverSpans,
    dropped,
    failed,
    unaccounted,
    extra,
    ok: requests > 0 && unaccounted === 0 && extra === 0,
  };
}

async function runOff(ctx: BenchContext): Promise<LoadResult> {
  const gw = await startGatewayTarget(ctx, "gateway (telemetry off)");
  try {
    return await saturate(ctx, requestFor(gw), loadOpts(ctx));
  } finally {
    await gw.stop();
  }
}

async function runOn(ctx: BenchContext): Promise<OnRun> {
  const sink = startOtlpSink();
  try {
    const gw = await startGatewayTarget(ctx, "gateway (telemetry on)", {
      observability: {
        otel: {
          enabled: true,
          endpoint: sink.endpoint,
          traces_enabled: true,
          metrics_enabled: true,
          sampling_ratio: 1,
        },
        prometheus: { enabled: true },
      },
    });
    let account: TraceAccount | undefined;
    try {
      const scraper = startScraper(`${gw.origin}/metrics`, scrapeEveryMs(ctx));
      let load: LoadResult, scrape: ScrapeSummary;
      try {
        load = await saturate(ctx, requestFor(gw), loadOpts(ctx));
        // The last requests' spans are handed to the exporter with their traces.
        await settledHealth(gw.gateway.health);
      } finally {
        scrape = await scraper.stop();
      }
      // Stopping flushes the exporter (the gateway waits for it), so the sink has every span.
      account = await gw.gateway.stop();
      return { load, account, sink: sink.counts(), scrape };
    } finally {
      ctx.accounts.push(account ?? await gw.gateway.stop());
    }
  } finally {
    await sink.close();
  }
}

function loadOpts(ctx: BenchContext) {
  const s = ctx.settings;
  return { connections: s.connections, duration_s: s.duration_s, warmup_s: s.warmup_s };
}

export async function telemetryScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const off = await runOff(ctx);
  const on = await runOn(ctx);
  const spans = accountSpans(on.account.accepted, on.sink.spans.server, on.scrape.spans_by_outcome);
  const rows: Record<string, Cell>[] = [
    loadRow("gateway, observability off", off),
    loadRow("gateway, OTLP spans + metrics (ratio 1) + Prometheus scrape 1/s", on.load),
  ];
  const exported = on.scrape.spans_by_outcome.exported ?? null;
  return {
    id: "telemetry",
    title: "OpenTelemetry on the hot path",
    status: "ok",
    rows,
    raw: { off, on },
    figures: {
      chat_rps_otel_off: off.rps,
      chat_rps_otel_on: on.load.rps,
      chat_ratio_otel_on_vs_off: ratio(on.load.rps, off.rps),
      p50_ms_off: off.latency_ms.p50,
      p99_ms_off: off.latency_ms.p99,
      p50_ms_on: on.load.latency_ms.p50,
      p99_ms_on: on.load.latency_ms.p99,
      gateway_requests: spans.requests,
      server_spans_received: spans.server_spans,
      client_spans_received: on.sink.spans.client,
      batch_spans_received: on.sink.spans.internal,
      spans_dropped: spans.dropped,
      spans_failed: spans.failed,
      spans_lost_counted: spans.dropped + spans.failed,
      spans_unaccounted: spans.unaccounted,
      spans_extra: spans.extra,
      spans_accounted: spans.ok,
      otlp_trace_requests: on.sink.trace_requests,
      otlp_metric_requests: on.sink.metric_requests,
      otlp_bad_requests: on.sink.bad_bodies + on.sink.other_requests,
      scrapes: on.scrape.scrapes,
      scrape_failures: on.scrape.failures,
      scrape_p99_ms: on.scrape.scrape_ms.p99,
    },
    notes: [
      `${ctx.settings.connections} connections, ${ctx.settings.duration_s} s after ${ctx.settings.warmup_s} s of warm-up, a fresh gateway each; the collector is an in-harness OTLP/HTTP JSON receiver on 127.0.0.1 that counts and answers 200 (bench/otlp_sink.ts), on the same cores`,
      `spans: ${spans.requests} requests served (traces accepted, warm-up included; the load generator counted ${on.load.requests} in the measured window), ${spans.server_spans} server spans received, ${on.sink.spans.client} upstream (client) spans, ${on.sink.spans.internal} store batch spans; exporter counters at the last scrape: exported ${exported}, dropped ${spans.dropped}, failed ${spans.failed}`,
      `Prometheus: ${on.scrape.scrapes} scrapes of /metrics (every ${
        scrapeEveryMs(ctx)
      } ms and once after the load), ${on.scrape.failures} failed${
        on.scrape.first_failure ? ` (${on.scrape.first_failure})` : ""
      }, p50 ${on.scrape.scrape_ms.p50} ms, p99 ${on.scrape.scrape_ms.p99} ms`,
      `OTLP requests: ${on.sink.trace_requests} trace exports, ${on.sink.metric_requests} metric exports, ${on.sink.bytes} bytes`,
    ],
  };
}
