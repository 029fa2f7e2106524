/**
 * How a trace is written in an export: pure functions, one trace in, one line (or CSV record)
 * out. Columns are `traceColumns`, the store's own list, so a new Trace field is exported as soon
 * as it is stored, always in the same place.
 *
 * CSV follows RFC 4180: CRLF between records, a header record, and a field quoted when it holds a
 * comma, a double quote, CR or LF (quotes doubled). Null is an empty cell and an empty string a
 * quoted empty cell (`""`), so the two stay apart for tools that tell them apart (PostgreSQL's
 * `COPY ... CSV`); booleans are `true`/`false`; headers and metadata are JSON in one cell.
 */
import { traceColumns } from "../store/mod.ts";
import type { Trace } from "../traces/mod.ts";

export const exportFormats = ["ndjson", "csv"] as const;
export type ExportFormat = (typeof exportFormats)[number];

export const exportContentTypes: Record<ExportFormat, string> = {
  ndjson: "application/x-ndjson",
  csv: "text/csv; charset=utf-8",
};

/** The column names, in export order. */
export const exportColumns: readonly (keyof Trace)[] = traceColumns.map(([name]) => name);

const needsQuotes = /[",\r\n]/;

/** One CSV field. `value` is a cell already turned into text, or null for an empty cell. */
export function csvField(value: string | null): string {
  if (value === null) return "";
  if (value === "") return '""';
  return needsQuotes.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A trace field as CSV cell text (before quoting); null stays null. */
export function csvCell(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
      return value;
    case "boolean":
      return value ? "true" : "false";
    case "number":
      // JSON's spelling: shortest round-trip form, the same digits as the NDJSON export.
      return JSON.stringify(value);
    default:
      return JSON.stringify(value);
  }
}

/** The header record, CRLF included. */
export function csvHeader(): string {
  return `${exportColumns.join(",")}\r\n`;
}

/** One trace as a CSV record, CRLF included. */
export function csvRecord(trace: Trace): string {
  let out = "";
  for (let i = 0; i < exportColumns.length; i++) {
    if (i > 0) out += ",";
    out += csvField(csvCell(trace[exportColumns[i]!]));
  }
  return `${out}\r\n`;
}

/** One trace as an NDJSON line, LF included: every field, in column order. */
export function ndjsonLine(trace: Trace): string {
  const ordered: Record<string, unknown> = {};
  for (const name of exportColumns) ordered[name] = trace[name];
  return `${JSON.stringify(ordered)}\n`;
}

/** `traces-20260301T100000Z.csv`: UTC, and no colons, which some file systems refuse. */
export function exportFilename(format: ExportFormat, now: number): string {
  const stamp = new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
  return `traces-${stamp}.${format}`;
}
