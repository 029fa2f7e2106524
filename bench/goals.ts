/**
 * The goals (issue 3 and the later performance issues), each read from one figure of this run, and the checks that decide the
 * exit code. Goals are about speed and never fail the run; checks are about working at all.
 */
import type { TraceAccount } from "./gateway.ts";
import type { ScenarioResult } from "./context.ts";

export interface Goal {
  goal: string;
  target: string;
  /** scenario.figure the value comes from. */
  where: string;
  /** Which way is better: a regression is a move the other way (regressions.ts). */
  better: "higher" | "lower";
  value: number | boolean | null;
  met: boolean | null;
}

type Figure = number | boolean | null;

const specs: {
  goal: string;
  target: string;
  where: string;
  better: "higher" | "lower";
  /** `other` reads another figure of the same run (for goals relative to a baseline). */
  met: (v: Figure, other: (where: string) => Figure) => boolean;
}[] = [
  {
    goal: "Throughput with traces on (SQLite) vs minimal Deno pass-through",
    target: ">= 0.9 (stretch > 1)",
    where: "chat.ratio_gateway_passthrough",
    better: "higher",
    met: (v) => num(v) >= 0.9,
  },
  {
    goal: "Added latency p50 at about half saturation",
    target: "<= 0.5 ms",
    where: "latency.gateway_added_p50_ms",
    better: "lower",
    met: (v) => num(v) <= 0.5,
  },
  {
    goal: "Added latency p99 at about half saturation",
    target: "<= 2 ms",
    where: "latency.gateway_added_p99_ms",
    better: "lower",
    met: (v) => num(v) <= 2,
  },
  {
    goal: "Time to first streamed byte added, p99",
    target: "<= 1 ms",
    where: "streaming.gateway_ttfb_added_p99_ms",
    better: "lower",
    met: (v) => num(v) <= 1,
  },
  {
    goal: "No chunk held back (streaming)",
    target: "0 events",
    where: "streaming.gateway_held_back",
    better: "lower",
    met: (v) => v === 0,
  },
  {
    goal: "Zero traces dropped at sustained saturation, default queue",
    target: "0",
    where: "traces_sqlite.dropped",
    better: "lower",
    met: (v) => v === 0,
  },
  {
    goal: "Issue 5: zero traces dropped at sustained saturation, PostgreSQL, default queue",
    target: "0",
    where: "traces_postgres.dropped",
    better: "lower",
    met: (v) => v === 0,
  },
  {
    goal: "Store write throughput (SQLite, batches of 512)",
    target: ">= 20,000 traces/s",
    where: "store_write.traces_per_s",
    better: "higher",
    met: (v) => num(v) >= 20_000,
  },
  {
    goal: "Memory flat under a 10 MB streamed response, capture off",
    target: "RSS peak with 10 MB streams - with 1 MB streams < 10 MB (large.flat_limit_mb)",
    where: "large.sse_10mb_peak_over_1mb_gateway_mb",
    better: "lower",
    met: (v, other) => num(v) < num(other("large.flat_limit_mb")),
  },
  {
    goal: "Memory flat under a 10 MB streamed response, capture on (cap respected)",
    target: "RSS peak with 10 MB streams - with 1 MB streams < 10 MB (large.flat_limit_mb)",
    where: "large.sse_10mb_peak_over_1mb_gateway_capture_mb",
    better: "lower",
    met: (v, other) => num(v) < num(other("large.flat_limit_mb")),
  },
  {
    goal: "Capture cap respected (largest stored response body <= body_max_size)",
    target: "true",
    where: "large.capture_cap_respected",
    better: "higher",
    met: (v) => v === true,
  },
  {
    goal: "Issue 4: every analytics endpoint at 1,000,000 traces (SQLite), median",
    target: "<= 300 ms",
    where: "analytics.slowest_analytics_ms",
    better: "lower",
    met: (v) => num(v) <= 300,
  },
  {
    goal: "Issue 4: trace list first page at 1,000,000 traces, median",
    target: "<= 50 ms",
    where: "analytics.slowest_list_ms",
    better: "lower",
    met: (v) => num(v) <= 50,
  },
  {
    goal: "Issue 7: redacting a 100 KB request body (default policy), p99",
    target: "< 2 ms",
    where: "pii.request_100kb_p99_ms",
    better: "lower",
    met: (v) => num(v) < 2,
  },
  {
    goal: "Issue 7 / F15: streamed redaction added per delta event, p99",
    target: "<= 5 ms",
    where: "pii.stream_event_p99_ms",
    better: "lower",
    met: (v) => num(v) <= 5,
  },
  {
    goal: "Telemetry: throughput with OTLP spans + metrics (ratio 1) and a scrape 1/s vs all off",
    target: ">= 0.9",
    where: "telemetry.chat_ratio_otel_on_vs_off",
    better: "higher",
    met: (v) => num(v) >= 0.9,
  },
  {
    goal: "Telemetry: no span dropped or failed at saturation (sampling ratio 1)",
    target: "0",
    where: "telemetry.spans_lost_counted",
    better: "lower",
    met: (v) => v === 0,
  },
  {
    goal: "Issue 23: CPU per request added over the pass-through (all threads), chat at saturation",
    target: "<= 25 µs",
    where: "chat.gateway_cpu_us_added_per_request",
    better: "lower",
    met: (v) => num(v) <= 25,
  },
  {
    goal: "Issue 23: throughput with traces vs the pass-through, chat",
    target: ">= 0.8 (stretch 0.9)",
    where: "chat.ratio_gateway_passthrough",
    better: "higher",
    met: (v) => num(v) >= 0.8,
  },
  {
    goal: "Issue 23: added p99 at half saturation vs the pass-through's added p99",
    target: "<= pass-through's + 1 ms",
    where: "latency.gateway_added_p99_ms",
    better: "lower",
    met: (v, other) => num(v) <= num(other("latency.passthrough_added_p99_ms")) + 1,
  },
  {
    goal: "Issue 23: RSS peak with capture on, 1 MB JSON answers",
    target: "<= 250 MB",
    where: "large.1mb_json_gateway_capture_rss_peak_mb",
    better: "lower",
    met: (v) => num(v) <= 250,
  },
  {
    goal: "Issue 23: large bodies with capture off vs the pass-through's MB/s, 1 MB JSON",
    target: ">= 0.8",
    where: "large.1mb_json_ratio_gateway_passthrough",
    better: "higher",
    met: (v) => num(v) >= 0.8,
  },
  {
    goal: "Issue 23: large bodies with capture off vs the pass-through's MB/s, 10 MB SSE",
    target: ">= 0.8",
    where: "large.10mb_sse_ratio_gateway_passthrough",
    better: "higher",
    met: (v) => num(v) >= 0.8,
  },
  {
    goal: "Issue 23: PostgreSQL store write rate vs SQLite's (batches of 512)",
    target: ">= 0.6",
    where: "store_write.postgres_ratio_vs_sqlite",
    better: "higher",
    met: (v) => num(v) >= 0.6,
  },
  {
    goal: "200 concurrent streams: no error",
    target: "0 errors",
    where: "streams_200.gateway_errors",
    better: "lower",
    met: (v) => v === 0,
  },
  {
    goal: "200 concurrent streams: memory flat",
    target: "RSS growth < 2x pass-through's + 10 MB",
    where: "streams_200.gateway_rss_growth_mb",
    better: "lower",
    met: (v, other) =>
      num(v) < 2 * Math.max(num(other("streams_200.passthrough_rss_growth_mb")), 0) + 10,
  },
];

function num(v: Figure): number {
  return typeof v === "number" ? v : NaN;
}

export function figure(results: ScenarioResult[], where: string): Figure {
  const [id, key] = where.split(".") as [string, string];
  return results.find((r) => r.id === id && r.status === "ok")?.figures[key] ?? null;
}

export function evaluateGoals(results: ScenarioResult[]): Goal[] {
  return specs.map((s) => {
    const value = figure(results, s.where);
    const met = value === null ? null : s.met(value, (w) => figure(results, w));
    return { goal: s.goal, target: s.target, where: s.where, better: s.better, value, met };
  });
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Everything that means "broken" rather than "slow". */
export function evaluateChecks(results: ScenarioResult[], accounts: TraceAccount[]): Check[] {
  const checks: Check[] = [];
  for (const r of results) {
    if (r.status === "failed") {
      checks.push({ name: `scenario ${r.id} ran`, ok: false, detail: r.reason ?? "" });
    }
    const errors = r.rows.reduce(
      (n, row) => n + (typeof row.errors === "number" ? row.errors : 0),
      0,
    );
    if (r.status === "ok") {
      checks.push({
        name: `scenario ${r.id}: no failed request`,
        ok: errors === 0,
        detail: errors === 0 ? "0 errors" : `${errors} failed requests or streams (see its table)`,
      });
    }
  }
  const telemetry = results.find((r) => r.id === "telemetry" && r.status === "ok");
  if (telemetry) checks.push(...telemetryChecks(telemetry.figures));
  for (const a of accounts) {
    checks.push({
      name: `${a.instance}: every trace written, none dropped, clean exit`,
      ok: a.ok,
      detail: a.ok
        ? `accepted ${a.accepted} = written ${a.written} = rows ${a.rows}, dropped ${a.dropped}, exit ${a.exit_code}`
        : a.problem ?? "",
    });
  }
  return checks;
}

/**
 * A span lost without being counted, a failed scrape or an export the collector could not read
 * means telemetry is broken; spans dropped and counted under load are a goal (above), not this.
 */
function telemetryChecks(f: ScenarioResult["figures"]): Check[] {
  return [
    {
      name: "telemetry: every request a server span, or its loss counted",
      ok: f.spans_accounted === true,
      detail: `requests ${f.gateway_requests}, server spans received ${f.server_spans_received}, ` +
        `dropped ${f.spans_dropped}, failed ${f.spans_failed}: unaccounted ${f.spans_unaccounted}, ` +
        `beyond the requests ${f.spans_extra}`,
    },
    {
      name: "telemetry: every scrape and every OTLP export answered",
      ok: f.scrape_failures === 0 && f.otlp_bad_requests === 0 && Number(f.scrapes) > 0,
      detail: `${f.scrapes} scrapes, ${f.scrape_failures} failed; ` +
        `${f.otlp_bad_requests} OTLP requests the collector could not read`,
    },
  ];
}
