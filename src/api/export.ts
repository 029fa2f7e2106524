/**
 * `GET /api/traces/export?format=ndjson|csv`: every trace matching the list's filters, whole, as
 * one streamed file.
 *
 * The body is a pull stream over the store's keyset pages (`exportTraces`): a page is read only
 * when the client has taken the previous one, so a slow client holds one page in memory and an
 * export of millions of traces runs in constant memory. The keyset gives the list's guarantee:
 * every trace stored before the export began, once, and none stored after.
 *
 * The first page is read before the response starts, so a store that cannot answer gets a JSON
 * error. A failure after that cannot change a 200 already sent: the stream is errored, so the
 * transfer ends broken (no final chunk) rather than as a file that looks complete, and it is
 * logged.
 */
import { z } from "zod";
import type { TraceExportPage, TraceFilter, TraceStore } from "../store/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { Trace } from "../traces/mod.ts";
import { checkFilterBounds, traceFilterParams } from "./params.ts";
import { parseQuery } from "./query.ts";
import { integer, oneOf } from "./query_params.ts";
import {
  csvHeader,
  csvRecord,
  type ExportFormat,
  exportFormats,
  ndjsonLine,
} from "./export_encoding.ts";

export const exportLimits = {
  /**
   * Traces per store read. Small because a trace may carry two bodies of up to
   * `tracing.body_max_size` each: a page is the unit of memory an export holds.
   */
  pageSize: 100,
  maxLimit: 1_000_000_000,
} as const;

/** Bytes of text gathered before handing a chunk to the connection: fewer, larger writes. */
const chunkChars = 64 * 1024;

export const traceExportQuerySchema = z.object({
  ...traceFilterParams,
  format: oneOf(exportFormats),
  limit: integer(1, exportLimits.maxLimit, "a number of traces"),
});

export const traceExportParameters: readonly string[] = Object.keys(
  traceExportQuerySchema.shape,
);

export interface TraceExportRequest {
  filter: TraceFilter;
  format: ExportFormat;
  /** At most this many traces; null for all. */
  limit: number | null;
}

/** Throws `GatewayError("invalid_parameter", ..., { parameter })` on the first problem. */
export function parseTraceExportParams(params: URLSearchParams): TraceExportRequest {
  const { format, limit, ...filters } = parseQuery(traceExportQuerySchema, params);
  const filter: TraceFilter = {};
  for (const [name, value] of Object.entries(filters)) {
    if (value !== undefined) (filter as Record<string, unknown>)[name] = value;
  }
  checkFilterBounds(filter);
  return { filter, format: format ?? "ndjson", limit: limit ?? null };
}

export interface TraceExportOptions {
  store: Pick<TraceStore, "exportTraces">;
  /** Scope included, when there is one. */
  filter: TraceFilter;
  format: ExportFormat;
  limit?: number | null;
  pageSize?: number;
  log?: Pick<Logger, "error" | "info">;
  /** Team mode without `bodies:read`: request and response bodies are exported as null. */
  withoutBodies?: boolean;
}

/**
 * Reads the first page (a store error rejects, before any byte is sent) and returns the stream of
 * the whole export.
 */
export async function openTraceExport(
  opts: TraceExportOptions,
): Promise<ReadableStream<Uint8Array>> {
  const pageSize = opts.pageSize ?? exportLimits.pageSize;
  let remaining = opts.limit ?? Infinity;
  const read = (cursor?: string) =>
    opts.store.exportTraces({
      ...opts.filter,
      limit: Math.min(pageSize, remaining),
      ...(cursor === undefined ? {} : { cursor }),
    });
  let pending: TraceExportPage | null = await read();
  let cursor: string | null = null;
  let rows = 0;
  let cancelled = false;
  const encode = opts.format === "csv" ? csvRecord : ndjsonLine;
  const utf8 = new TextEncoder();

  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (opts.format === "csv") controller.enqueue(utf8.encode(csvHeader()));
    },
    async pull(controller) {
      let page = pending;
      pending = null;
      if (page === null) {
        if (cursor === null || remaining <= 0) return controller.close();
        try {
          page = await read(cursor);
        } catch (err) {
          opts.log?.error("trace export failed part-way; the client gets a broken transfer", {
            format: opts.format,
            rows_sent: rows,
            error: err instanceof Error ? err.message : String(err),
          });
          if (!cancelled) controller.error(err);
          return;
        }
        if (cancelled) return;
      }
      const items: Trace[] = page.items.slice(0, remaining);
      let text = "";
      for (const trace of items) {
        text += encode(opts.withoutBodies ? withoutBodies(trace) : trace);
        if (text.length >= chunkChars) {
          controller.enqueue(utf8.encode(text));
          text = "";
        }
      }
      if (text !== "") controller.enqueue(utf8.encode(text));
      rows += items.length;
      remaining -= items.length;
      cursor = page.next_cursor;
      if (cursor === null || remaining <= 0) controller.close();
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
}

/** The trace with its captured bodies left out (team mode, a key without `bodies:read`). */
export function withoutBodies<T extends { request_body: unknown; response_body: unknown }>(
  trace: T,
): T {
  return { ...trace, request_body: null, response_body: null };
}
