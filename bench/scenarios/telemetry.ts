/**
 * The cost of OpenTelemetry on the hot path: chat at saturation through a gateway with
 * observability off, and through one that exports spans and metrics over OTLP/HTTP (sampling
 * ratio 1; protobuf, the encoding the docs recommend and the cheaper one) to a local collector
 * and serves a Prometheus endpoint scraped every second. Same load, same stub, a fresh gateway
 * each run. The runs alternate (off, on, off, on: two rounds; one in smoke mode) so that a
 * machine getting busier or quieter during the scenario weighs on both sides; the figure is the ratio of the median rates, reported with every run and the per-round
 * ratios so that the noise is visible next to it.
 *
 * It also proves nothing is lost silently: at ratio 1 every request the gateway served must reach
 * the collector as a server span, unless the exporter dropped it or lost it with a failed export
 * and counted that (`ongoingai_otel_export_spans_total`, read from the last scrape).
 */
import { startGatewayTarget } from "../baselines.ts";
import type { BenchContext, Cell, ScenarioResult } from "../context.ts";
import { settledHealth, type TraceAccount } from "../gateway.ts";
import { saturate } from "../load.ts";
import { cpuMicrosPerRequest, cpuSeconds } from "../cpu.ts";
import { fullParseEvery, type SinkCounts, startOtlpSink } from "../otlp_sink.ts";
import { type ScrapeSummary, startScraper } from "../prom_scrape.ts";
import { type LoadResult, round1, round3 } from "../stats.ts";
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
  /** The gateway's CPU time per request it served, warm-up included. */
  cpu_us_per_request: number | null;
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

/** A saturation run with the gateway's CPU time per request it served (warm-up included). */
type OffRun = LoadResult & { cpu_us_per_request: number | null };

async function runOff(ctx: BenchContext, round: number): Promise<OffRun> {
  const gw = await startGatewayTarget(ctx, `gateway (telemetry off, round ${round})`);
  let load: LoadResult, cpuBefore: number | null, cpuAfter: number | null;
  try {
    cpuBefore = cpuSeconds(gw.gateway.pid);
    load = await saturate(ctx, requestFor(gw), loadOpts(ctx));
    await settledHealth(gw.gateway.health);
    cpuAfter = cpuSeconds(gw.gateway.pid);
  } finally {
    await gw.stop();
  }
  const accepted = ctx.accounts.at(-1)?.accepted ?? 0;
  return { ...load, cpu_us_per_request: cpuMicrosPerRequest(cpuBefore, cpuAfter, accepted) };
}

async function runOn(ctx: BenchContext, round: number): Promise<OnRun> {
  const sink = await startOtlpSink();
  try {
    const gw = await startGatewayTarget(ctx, `gateway (telemetry on, round ${round})`, {
      observability: {
        otel: {
          enabled: true,
          endpoint: sink.endpoint,
          protocol: "http/protobuf",
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
      let cpuBefore: number | null = null, cpuAfter: number | null = null;
      try {
        cpuBefore = cpuSeconds(gw.gateway.pid);
        load = await saturate(ctx, requestFor(gw), loadOpts(ctx));
        // The last requests' spans are handed to the exporter with their traces.
        await settledHealth(gw.gateway.health);
        cpuAfter = cpuSeconds(gw.gateway.pid);
      } finally {
        scrape = await scraper.stop();
      }
      // Stopping flushes the exporter (the gateway waits for it), so the sink has every span.
      account = await gw.gateway.stop();
      const cpu_us_per_request = cpuMicrosPerRequest(cpuBefore, cpuAfter, account.accepted);
      return { load, account, sink: await sink.counts(), scrape, cpu_us_per_request };
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

/** Median of a non-empty list (the mean of the middle two for an even count, to 3 decimals). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : round3((s[m - 1]! + s[m]!) / 2);
}

/** (max - min) / median in percent: how far apart the runs of one side were. */
export function spreadPct(xs: readonly number[]): number | null {
  const mid = median(xs);
  return mid === 0 ? null : round1((Math.max(...xs) - Math.min(...xs)) / mid * 100);
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

interface Round {
  off: OffRun;
  on: OnRun;
  spans: SpanAccounting;
}

export async function telemetryScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const roundCount = ctx.settings.mode === "smoke" ? 1 : 2;
  const rounds: Round[] = [];
  for (let r = 1; r <= roundCount; r++) {
    const off = await runOff(ctx, r);
    const on = await runOn(ctx, r);
    const spans = accountSpans(
      on.account.accepted,
      on.sink.spans.server,
      on.scrape.spans_by_outcome,
    );
    rounds.push({ off, on, spans });
  }
  const offRps = rounds.map((r) => r.off.rps);
  const onRps = rounds.map((r) => r.on.load.rps);
  const roundRatios = rounds.map((r) => ratio(r.on.load.rps, r.off.rps) ?? 0);
  const total = (f: (r: Round) => number) => sum(rounds.map(f));
  const spans = {
    requests: total((r) => r.spans.requests),
    server: total((r) => r.spans.server_spans),
    dropped: total((r) => r.spans.dropped),
    failed: total((r) => r.spans.failed),
    unaccounted: total((r) => r.spans.unaccounted),
    extra: total((r) => r.spans.extra),
    ok: rounds.every((r) => r.spans.ok),
  };
  const perRound: Record<string, Cell> = {};
  rounds.forEach((r, i) => {
    perRound[`chat_rps_otel_off_r${i + 1}`] = r.off.rps;
    perRound[`chat_rps_otel_on_r${i + 1}`] = r.on.load.rps;
    perRound[`chat_ratio_otel_on_vs_off_r${i + 1}`] = roundRatios[i]!;
  });
  const rows = rounds.flatMap((r, i) => [
    loadRow(`round ${i + 1}: gateway, observability off`, r.off),
    loadRow(
      `round ${i + 1}: gateway, OTLP spans + metrics (ratio 1) + Prometheus scrape 1/s`,
      r.on.load,
    ),
  ]);
  const medianOf = (f: (r: Round) => number) => median(rounds.map(f));
  return {
    id: "telemetry",
    title: "OpenTelemetry on the hot path",
    status: "ok",
    rows,
    raw: { rounds },
    figures: {
      rounds: roundCount,
      chat_rps_otel_off: median(offRps),
      chat_rps_otel_on: median(onRps),
      chat_ratio_otel_on_vs_off: ratio(median(onRps), median(offRps)),
      chat_ratio_otel_min: Math.min(...roundRatios),
      chat_ratio_otel_max: Math.max(...roundRatios),
      chat_rps_otel_off_spread_pct: spreadPct(offRps),
      chat_rps_otel_on_spread_pct: spreadPct(onRps),
      ...perRound,
      ...cpuFigures(rounds),
      p50_ms_off: medianOf((r) => r.off.latency_ms.p50),
      p99_ms_off: medianOf((r) => r.off.latency_ms.p99),
      p50_ms_on: medianOf((r) => r.on.load.latency_ms.p50),
      p99_ms_on: medianOf((r) => r.on.load.latency_ms.p99),
      gateway_requests: spans.requests,
      server_spans_received: spans.server,
      client_spans_received: total((r) => r.on.sink.spans.client),
      batch_spans_received: total((r) => r.on.sink.spans.internal),
      spans_dropped: spans.dropped,
      spans_failed: spans.failed,
      spans_lost_counted: spans.dropped + spans.failed,
      spans_unaccounted: spans.unaccounted,
      spans_extra: spans.extra,
      spans_accounted: spans.ok,
      otlp_trace_requests: total((r) => r.on.sink.trace_requests),
      otlp_trace_bodies_parsed: total((r) => r.on.sink.parsed_trace_bodies),
      otlp_metric_requests: total((r) => r.on.sink.metric_requests),
      otlp_bad_requests: total((r) => r.on.sink.bad_bodies + r.on.sink.other_requests),
      scrapes: total((r) => r.on.scrape.scrapes),
      scrape_failures: total((r) => r.on.scrape.failures),
      scrape_p99_ms: Math.max(...rounds.map((r) => r.on.scrape.scrape_ms.p99)),
    },
    notes: notes(ctx, rounds, roundRatios),
  };
}

/**
 * The gateway's CPU per request, off and on (medians over rounds), and what telemetry adds: the
 * cost that stays when the collector runs elsewhere, unlike the throughput ratio on 2 shared cores.
 */
function cpuFigures(rounds: Round[]): Record<string, Cell> {
  const off = rounds.map((r) => r.off.cpu_us_per_request);
  const on = rounds.map((r) => r.on.cpu_us_per_request);
  if (off.includes(null) || on.includes(null)) return { cpu_us_per_request_off: null };
  const offMedian = median(off as number[]);
  const onMedian = median(on as number[]);
  return {
    cpu_us_per_request_off: offMedian,
    cpu_us_per_request_on: onMedian,
    cpu_us_per_request_added: Math.round((onMedian - offMedian) * 10) / 10,
    cpu_ratio_on_vs_off: ratio(onMedian, offMedian),
  };
}

function notes(ctx: BenchContext, rounds: Round[], roundRatios: number[]): string[] {
  const s = ctx.settings;
  const offRps = rounds.map((r) => r.off.rps);
  const onRps = rounds.map((r) => r.on.load.rps);
  const out = [
    `${rounds.length} round(s) of off then on, ${s.connections} connections, ${s.duration_s} s after ${s.warmup_s} s of warm-up, a fresh gateway each run; the gateway exports OTLP/HTTP protobuf (protocol http/protobuf) to a collector on 127.0.0.1 in a Worker of the harness (bench/otlp_sink.ts), on the same cores; it counts protobuf spans by walking the wire format (JSON ones by scanning for "kind":N and parsing 1 trace body in ${fullParseEvery} fully to check the scan)`,
    `ratio on/off of the median rates ${ratio(median(onRps), median(offRps))} (off ${
      median(offRps)
    } req/s, on ${median(onRps)} req/s); per round ${roundRatios.join(", ")}; runs of one side ${
      spreadPct(offRps)
    }% (off) and ${spreadPct(onRps)}% (on) apart`,
  ];
  rounds.forEach((r, i) => {
    const { on, spans } = r;
    const exported = on.scrape.spans_by_outcome.exported ?? null;
    out.push(
      `round ${
        i + 1
      } spans: ${spans.requests} requests served (traces accepted, warm-up included; the load generator counted ${on.load.requests} in the measured window), ${spans.server_spans} server spans received, ${on.sink.spans.client} upstream (client) spans, ${on.sink.spans.internal} store batch spans; exporter counters at the last scrape: exported ${exported}, dropped ${spans.dropped}, failed ${spans.failed}`,
      `round ${i + 1} Prometheus: ${on.scrape.scrapes} scrapes of /metrics (every ${
        scrapeEveryMs(ctx)
      } ms and once after the load), ${on.scrape.failures} failed${
        on.scrape.first_failure ? ` (${on.scrape.first_failure})` : ""
      }, p50 ${on.scrape.scrape_ms.p50} ms, p99 ${on.scrape.scrape_ms.p99} ms`,
      `round ${
        i + 1
      } OTLP requests: ${on.sink.trace_requests} trace exports (${on.sink.parsed_trace_bodies} parsed fully), ${on.sink.metric_requests} metric exports, ${on.sink.bytes} bytes, ${on.sink.bad_bodies} unreadable`,
    );
  });
  return out;
}
