/**
 * The one list of trace columns and how each is stored. Both the insert statement and row
 * decoding come from it, so a new Trace field is a compile error here until it has a column.
 */
import { decodesAsIs } from "../bytes.ts";
import { tokenFields } from "../providers/mod.ts";
import type { Trace, TraceRecord } from "../traces/mod.ts";
import type { TraceSummary } from "./types.ts";
import { normalizeTimestamp } from "./timestamps.ts";

/**
 * text/int/real as is (null kept), bool as 0/1, json as JSON text (an object, never null),
 * json_or_null as JSON text or null, json_text_or_null the same (PostgreSQL keeps it as text, not
 * jsonb: written with every trace and read whole, so the server never parses it on insert),
 * time as the stored form.
 */
export type ColumnKind =
  | "text"
  | "int"
  | "real"
  | "bool"
  | "json"
  | "json_or_null"
  | "json_text_or_null"
  | "time";

export const traceColumns = [
  ["id", "text"],
  ["trace_group_id", "text"],
  ["org_id", "text"],
  ["workspace_id", "text"],
  ["gateway_key_id", "text"],
  ["timestamp", "time"],
  ["created_at", "time"],
  ["provider", "text"],
  ["model", "text"],
  ["request_method", "text"],
  ["request_path", "text"],
  ["request_headers", "json"],
  ["request_body", "text"],
  ["request_body_truncated", "bool"],
  ["response_status", "int"],
  ["response_headers", "json"],
  ["response_body", "text"],
  ["response_body_truncated", "bool"],
  ...tokenFields.map((name) => [name, "int"] as const),
  ["usage_status", "text"],
  ["latency_ms", "int"],
  ["time_to_first_token_ms", "int"],
  ["time_to_first_token_us", "int"],
  ["api_key_hash", "text"],
  ["api_key_last4", "text"],
  ["estimated_cost_usd", "real"],
  ["cost_status", "text"],
  ["cost_breakdown", "json_text_or_null"],
  ["streaming", "bool"],
  ["error_code", "text"],
  ["client_aborted", "bool"],
  ["correlation_id", "text"],
  ["request_bytes", "int"],
  ["response_bytes", "int"],
  ["agent", "text"],
  ["agent_version", "text"],
  ["session_id", "text"],
  ["agent_thread_id", "text"],
  ["agent_turn_id", "text"],
  ["agent_request_kind", "text"],
  ["developer", "text"],
  ["route", "text"],
  ["attempt_count", "int"],
  ["attempts", "json_or_null"],
  ["metadata", "json"],
] as const satisfies readonly (readonly [keyof Trace, ColumnKind])[];

type Covered = (typeof traceColumns)[number][0];
// Fails to compile when Trace gains a field without a column.
const _everyFieldHasAColumn: Exclude<keyof Trace, Covered> extends never ? true : never = true;
void _everyFieldHasAColumn;

const detailOnly = new Set<string>([
  "request_headers",
  "request_body",
  "response_headers",
  "response_body",
  "attempts",
  "cost_breakdown",
  "metadata",
]);

export const allColumnNames: readonly string[] = traceColumns.map(([name]) => name);
export const summaryColumns = traceColumns.filter(([name]) => !detailOnly.has(name));
export const summaryColumnNames: readonly string[] = summaryColumns.map(([name]) => name);

export type SqlValue = string | number | null;

const utf8 = new TextDecoder();

/** The columns that hold a captured body (bytes until the store decodes them). */
export const bodyColumns: ReadonlySet<string> = new Set(["request_body", "response_body"]);

/**
 * A body SQLite can take as the bytes themselves (bound as a blob, `CAST(? AS TEXT)` in the
 * insert) and give back as the same text the decoded string would be.
 */
export const storableAsBytes = decodesAsIs;

/**
 * Column values in `traceColumns` order. Throws on a trace that cannot be stored faithfully.
 * `bodyBytes` (SQLite): a body that `storableAsBytes` stays bytes, so that a megabyte body never
 * becomes a JavaScript string in the store worker (large strings live until a major GC: with
 * bodies captured they held hundreds of MB, issue 23).
 */
export function encodeTrace(
  trace: TraceRecord,
  opts: { bodyBytes?: boolean } = {},
): (SqlValue | Uint8Array)[] {
  const out: (SqlValue | Uint8Array)[] = new Array(traceColumns.length);
  for (let i = 0; i < traceColumns.length; i++) {
    const [name, kind] = traceColumns[i]!;
    const value = trace[name] as unknown;
    const raw = opts.bodyBytes === true && value instanceof Uint8Array && bodyColumns.has(name) &&
      storableAsBytes(value);
    out[i] = raw ? value : encodeValue(name, kind, value);
  }
  return out;
}

/**
 * PostgreSQL cannot store U+0000 in text, so a captured binary body would fail its whole batch
 * there. Every store keeps U+FFFD in its place instead, so both stores answer alike.
 */
const withoutNul = (text: string) => (text.includes("\0") ? text.replaceAll("\0", "\uFFFD") : text);

/**
 * `JSON.stringify` writes a lone surrogate or a NUL as an escape (`\ud800`, `\u0000`), which
 * PostgreSQL's jsonb refuses (the whole batch would fail) and which SQLite would read back as
 * the broken character. Both stores keep U+FFFD instead, as for text columns. An escape is one
 * when an odd number of backslashes precedes `u`: `\\ud800` is text that says so.
 */
const brokenEscape = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g;

function jsonText(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes("\\u") ? text.replace(brokenEscape, "$1\\ufffd") : text;
}

function encodeValue(name: string, kind: ColumnKind, value: unknown): SqlValue {
  switch (kind) {
    case "bool":
      return value ? 1 : 0;
    case "json":
      return jsonText(value ?? {});
    case "json_or_null":
    case "json_text_or_null":
      return value === undefined || value === null ? null : jsonText(value);
    case "time":
      return normalizeTimestamp(String(value), name);
    default:
      if (value === undefined || value === null) return null;
      // A captured body still in bytes (see CapturedBody); invalid UTF-8 becomes U+FFFD.
      if (value instanceof Uint8Array) return withoutNul(utf8.decode(value));
      if (typeof value === "string") return withoutNul(value);
      if (typeof value === "number" && !Number.isFinite(value)) {
        throw new RangeError(`${name} is not a finite number: ${value}`);
      }
      return value as number;
  }
}

function decodeValue(kind: ColumnKind, value: unknown): unknown {
  switch (kind) {
    case "bool":
      return value === 1 || value === 1n;
    case "json":
      return typeof value === "string" ? JSON.parse(value) : {};
    case "json_or_null":
    case "json_text_or_null":
      return typeof value === "string" ? JSON.parse(value) : null;
    default:
      return value ?? null;
  }
}

function decodeWith(
  columns: readonly (readonly [string, ColumnKind])[],
  row: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, kind] of columns) out[name] = decodeValue(kind, row[name]);
  return out;
}

export function decodeTrace(row: Record<string, unknown>): Trace {
  return decodeWith(traceColumns, row) as unknown as Trace;
}

export function decodeSummary(row: Record<string, unknown>): TraceSummary {
  return decodeWith(summaryColumns, row) as unknown as TraceSummary;
}
