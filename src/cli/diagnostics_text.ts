/**
 * The pure parts of `ongoingai diagnostics`: the text rendering of a
 * `trace-pipeline-diagnostics.v1` document and the `--timeout` Go duration.
 *
 * The document is read loosely (not through the API's schema): an older gateway, or the original
 * Go one, omits fields ours always sends, and what a document does not say is shown as `unknown`,
 * never as 0.
 */

/** The reference's class order first, then the classes only this gateway has. */
export const failureClassOrder = [
  "connection",
  "timeout",
  "contention",
  "constraint",
  "unknown",
  "storage",
  "invalid_data",
] as const;

const dropReasonOrder = ["queue_full", "shutdown", "write_failed", "shutdown_timeout"] as const;

type Doc = Record<string, unknown>;

const isRecord = (v: unknown): v is Doc => typeof v === "object" && v !== null && !Array.isArray(v);

/** A count or `unknown`. */
function num(v: unknown, suffix = ""): string {
  return typeof v === "number" && Number.isFinite(v) ? `${v}${suffix}` : "unknown";
}

/** A string, `none` for an explicit null (the gateway says there is none), else `unknown`. */
function str(v: unknown, none = "none"): string {
  if (typeof v === "string" && v.trim() !== "") return v;
  return v === null ? none : "unknown";
}

function upper(v: unknown): string {
  return typeof v === "string" && v.trim() !== "" ? v.toUpperCase() : "UNKNOWN";
}

function rows(pairs: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `  ${`${k}:`.padEnd(width + 1)} ${v}`);
}

/** `counts[key]`; a key missing from a present object counts 0 only where the sender omits zeros. */
function countOf(counts: unknown, key: string, missingIsZero: boolean): string {
  if (!isRecord(counts)) return "unknown";
  if (!(key in counts)) return missingIsZero ? "0" : "unknown";
  return num(counts[key]);
}

/**
 * The text output: title, schema version, generated at, source URL, both pressures upper-cased,
 * then the sections Queue, Drops, Write Failures by Class and Store.
 */
export function diagnosticsText(body: unknown, source: string): string {
  const doc: Doc = isRecord(body) ? body : {};
  const d: Doc = isRecord(doc.diagnostics) ? doc.diagnostics : {};
  // Ours sends every class (zeros included); the original sends only the non-zero ones.
  const ours = "write_failures_total" in d;
  const head = rows([
    ["Schema version", str(doc.schema_version, "unknown")],
    ["Generated at", str(doc.generated_at, "unknown")],
    ["Source", source],
    ["Queue pressure", upper(d.queue_pressure_state)],
    ["High watermark pressure", upper(d.queue_high_watermark_pressure_state)],
  ]);
  const queue = rows([
    ["Capacity", num(d.queue_capacity)],
    ["Depth", num(d.queue_depth)],
    ...optional(d, "queue_in_flight", (v) => ["In flight (being written)", num(v)]),
    ["High watermark", num(d.queue_depth_high_watermark)],
    ["Utilization", num(d.queue_utilization_pct, "%")],
    ["High watermark utilization", num(d.queue_high_watermark_utilization_pct, "%")],
    ["Accepted", num(d.enqueue_accepted_total)],
    ...optional(d, "written_total", (v) => ["Written", num(v)]),
    ...optional(d, "batches_written_total", (v) => ["Batches written", num(v)]),
  ]);
  const drops = rows([
    ["Enqueue dropped", num(d.enqueue_dropped_total)],
    ["Write dropped", num(d.write_dropped_total)],
    ["Total dropped", num(d.total_dropped_total)],
    ...(isRecord(d.dropped_by_reason)
      ? dropReasonOrder.map((r) =>
        [`  ${r}`, countOf(d.dropped_by_reason, r, false)] as [string, string]
      )
      : []),
    ...optional(d, "last_drop_at", (v) => ["Last drop at", str(v)]),
    ...optional(d, "last_drop_reason", (v) => ["Last drop reason", str(v)]),
    ...optional(d, "last_enqueue_drop_at", (v) => ["Last enqueue drop at", str(v)]),
    ...optional(d, "last_write_drop_at", (v) => ["Last write drop at", str(v)]),
    ...optional(d, "last_write_drop_operation", (v) => ["Last write drop operation", str(v)]),
    ...optional(d, "bodies_dropped_total", (v) => ["Bodies dropped", num(v)]),
  ]);
  const failures = rows([
    ...failureClassOrder.map((c) =>
      [c, countOf(d.write_failures_by_class, c, !ours)] as [string, string]
    ),
    ...optional(d, "write_failures_total", (v) => ["Total (store calls)", num(v)]),
  ]);
  const store = rows([
    ["Driver", str(d.store_driver, "unknown")],
    ...optional(d, "store_state", (v) => ["State", str(v, "unknown")]),
    ...optional(d, "writer_state", (v) => ["Writer", str(v, "unknown")]),
  ]);
  return [
    "OngoingAI Diagnostics",
    ...head,
    "",
    "Queue",
    ...queue,
    "",
    "Drops",
    ...drops,
    "",
    "Write Failures by Class",
    ...failures,
    "",
    "Store",
    ...store,
    "",
  ].join("\n");
}

/** A row for a field only some gateways send: absent from the document, no row at all. */
function optional(
  d: Doc,
  key: string,
  row: (v: unknown) => [string, string],
): [string, string][] {
  return key in d ? [row(d[key])] : [];
}

const durationUnits: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  "μs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * A Go duration (`5s`, `500ms`, `1m30s`, `1.5s`) in milliseconds, or null when `raw` is not one.
 * `0` alone is a duration (zero), as in Go.
 */
export function parseGoDuration(raw: string): number | null {
  const text = raw.trim();
  const m = /^([+-]?)(.*)$/.exec(text)!;
  const sign = m[1] === "-" ? -1 : 1;
  const rest = m[2]!;
  if (rest === "0") return 0;
  if (rest === "" || rest.length > 64) return null;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < rest.length) {
    part.lastIndex = at;
    const p = part.exec(rest);
    if (p === null) return null;
    total += Number(p[1]) * durationUnits[p[2]!]!;
    at = part.lastIndex;
  }
  return Number.isFinite(total) ? sign * total : null;
}
