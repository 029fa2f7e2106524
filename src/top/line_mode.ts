/**
 * `top` when standard output is not a terminal: one plain line per interval, for a log file or a
 * pipe. Fields are `name=value` separated by spaces (values hold no space), rates over the last
 * 10 seconds; a lower bound is written `usd/min>=` (requests unpriced, with unknown usage, or
 * priced in part), and unknown usage and unpriced requests get fields of their own, never a zero.
 */
import type { LiveResponse } from "../api/mod.ts";
import { compact } from "./format.ts";
import { sanitize } from "./text.ts";

export function lineOf(doc: LiveResponse): string {
  const w = doc.last_10s;
  const fields = [
    // The gateway's text: no control, and no space to split the fields.
    sanitize(doc.generated_at).replace(/\s/g, "_"),
    `req/s=${compact(w.requests_per_second)}`,
    w.requests > 0 && w.unknown_usage_count >= w.requests
      ? "tok/s=unknown"
      : `tok/s=${compact(w.tokens_per_second)}`,
  ];
  if (w.unknown_usage_count > 0) fields.push(`unknown_usage=${w.unknown_usage_count}`);
  const lowerBound = w.unpriced_count + w.unknown_usage_count + w.partial_count > 0;
  const none = w.requests > 0 && w.unpriced_count + w.unknown_usage_count >= w.requests;
  fields.push(
    none
      ? `usd/min=${w.unpriced_count >= w.requests ? "unpriced" : "unknown"}`
      : `usd/min${lowerBound ? ">=" : "="}${
        w.cost_usd_per_minute.toFixed(6).replace(/\.?0+$/, "")
      }`,
  );
  if (w.unpriced_count > 0) fields.push(`unpriced=${w.unpriced_count}`);
  fields.push(
    `open=${doc.open_requests}`,
    `streams=${doc.open_streams}`,
    `websockets=${doc.open_websockets}`,
  );
  const q = doc.pipeline;
  fields.push(
    q === null ? "queue=n/a" : `queue=${q.queue_depth}/${q.queue_capacity}`,
    ...(q === null ? [] : [`dropped=${q.dropped_total}`]),
    `errors=${w.errors}/${w.requests}`,
  );
  return fields.join(" ");
}

/** A failed interval as a line of its own (to standard error), with the time it happened. */
export function errorLineOf(at: Date, message: string): string {
  return `${at.toISOString().replace(/\.\d+Z$/, "Z")} error: ${sanitize(message)}`;
}
