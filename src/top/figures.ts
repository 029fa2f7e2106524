/**
 * The figures block: rates over the last 10 seconds and the last minute, then what is open now
 * and the trace writer's queue. Tokens per second count requests with known usage and say how
 * many had none; USD per minute counts priced requests and says how many were not.
 */
import type { LiveResponse, LiveWindowFigures } from "../api/mod.ts";
import { compact, cost, percent, tokens } from "./format.ts";
import { p, type Row } from "./style.ts";
import { type Column, tableRows } from "./table.ts";

const columns: Column[] = [
  { title: "", width: 14 },
  { title: "REQ/S", width: 7, min: 7, align: "right" },
  { title: "TOK/S", width: 24, min: 10, align: "right" },
  { title: "USD/MIN", width: 28, min: 10, align: "right" },
  { title: "ERRORS", width: 24, min: 14, align: "right" },
];

/** The figures' four rows (header, two windows, open and queue). */
export function figureRows(doc: LiveResponse | null, width: number): Row[] {
  const windows = doc === null ? [] : [doc.last_10s, doc.last_minute];
  const body = windows.map((w, i) => [
    p(windowLabel(w, i === 0 ? 10 : 60), "bold"),
    p(compact(w.requests_per_second)),
    p(tokens(w.tokens_per_second, w.unknown_usage_count, w.requests)),
    p(usdPerMinute(w)),
    w.errors > 0 ? p(errors(w), "red") : p(errors(w)),
  ]);
  const rows = tableRows(columns, body, width, { headerStyle: "bold" });
  rows.push(doc === null ? [p("waiting for the first answer", "dim")] : openRow(doc));
  return rows;
}

/**
 * "last 10s", "last 1m"; with the span covered when shorter (the gateway started later), and "~"
 * when the window reached its entry cap.
 */
function windowLabel(w: LiveWindowFigures, nominal: number): string {
  const seconds = Math.round(w.seconds);
  const label = nominal === 60 ? "last 1m" : `last ${nominal}s`;
  return `${label}${seconds < nominal ? ` (${seconds}s)` : ""}${w.truncated ? "~" : ""}`;
}

function usdPerMinute(w: LiveWindowFigures): string {
  const amount = cost({
    amount: w.cost_usd_per_minute,
    requests: w.requests,
    unpriced: w.unpriced_count,
    unknown: w.unknown_usage_count,
    partial: w.partial_count,
  });
  return w.unpriced_count > 0 && amount !== "unpriced"
    ? `${amount} +${w.unpriced_count} unpriced`
    : amount;
}

function errors(w: LiveWindowFigures): string {
  return w.error_rate === null
    ? "- (no request)"
    : `${percent(w.error_rate)} (${w.errors}/${w.requests})`;
}

function openRow(doc: LiveResponse): Row {
  const streams = `${doc.open_streams} stream${doc.open_streams === 1 ? "" : "s"}`;
  const row: Row = [
    p("open ", "bold"),
    p(`${doc.open_requests} (${streams})`),
    // A Codex session keeps its socket open between responses: shown apart, when there is one.
    ...(doc.open_websockets > 0 ? [p("   websockets ", "bold"), p(`${doc.open_websockets}`)] : []),
    p("   queue ", "bold"),
  ];
  const q = doc.pipeline;
  if (q === null) {
    row.push(p("n/a (needs diagnostics:read)", "dim"));
    return row;
  }
  const full = q.queue_capacity > 0 && q.queue_depth / q.queue_capacity >= 0.8;
  row.push(p(`${q.queue_depth}/${q.queue_capacity}`, full ? "yellow" : undefined));
  row.push(p("   dropped ", "bold"));
  const dropped = `${q.dropped_total} (${q.dropped_last_minute} in the last minute)`;
  row.push(p(dropped, q.dropped_last_minute > 0 ? "red" : undefined));
  return row;
}
