/**
 * Reading a report document defensively. The file comes from outside (a download, a paste, a
 * concatenation of pages), so every level is bounded and every value checked: a value that is
 * not what the documented shape says is counted by field in `bad`, never dropped unseen, and a
 * document past a bound is refused whole rather than compared in part.
 */
import { ReportError, type ReportLimits, type RowGroup } from "./types.ts";

export interface ParseContext {
  /** The document's label in messages (its file name). */
  name: string;
  limits: ReportLimits;
  /** Unreadable values by field: becomes `ProviderReport.bad_values`. */
  bad: Record<string, number>;
}

export type Json = Record<string, unknown>;

export function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function countBad(ctx: ParseContext, field: string, n = 1): void {
  ctx.bad[field] = (ctx.bad[field] ?? 0) + n;
}

/** A value checked and found wrong (already counted). */
export const bad = Symbol("bad");

/**
 * A count or amount: a finite non-negative number. Absent or null is `undefined` (not reported),
 * unless `required`, when it is as wrong as a negative one.
 */
export function numberOf(
  v: unknown,
  field: string,
  ctx: ParseContext,
  required = false,
): number | undefined | typeof bad {
  if (v === undefined || v === null) {
    if (!required) return undefined;
  } else if (typeof v === "number" && Number.isFinite(v) && v >= 0) return v;
  countBad(ctx, field);
  return bad;
}

/** No control characters: they never belong in an id and would garble the text table. */
function printable(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return s.length > 0;
}

/** An id or name within `max_name_chars`; absent or null is `undefined`. */
export function nameOf(
  v: unknown,
  field: string,
  ctx: ParseContext,
): string | undefined | typeof bad {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string" && v.length <= ctx.limits.max_name_chars && printable(v)) return v;
  countBad(ctx, field);
  return bad;
}

/** Stands for a model id that could not be read, so its usage still shows (no real id has spaces). */
export const unreadableModel = "(unreadable model id)";

/** The model of a result: null when the report was not grouped by model. */
export function modelOf(v: unknown, ctx: ParseContext): string | null {
  const m = nameOf(v, "model", ctx);
  return m === bad ? unreadableModel : m ?? null;
}

/** The group ids a result carries (null ones are "not grouped" or the default workspace). */
export function groupOf(
  r: Json,
  fields: (keyof RowGroup)[],
  ctx: ParseContext,
): RowGroup | undefined {
  const group: RowGroup = {};
  for (const f of fields) {
    const v = nameOf(r[f], f, ctx);
    if (typeof v === "string") group[f] = v;
  }
  return Object.keys(group).length > 0 ? group : undefined;
}

/**
 * Pages of a document: one page `{data: [...], has_more, next_page}` or an array of them (a file
 * of concatenated pages).
 */
export function pagesOf(doc: unknown, ctx: ParseContext): Json[] {
  const isPage = (p: unknown): p is Json => isRecord(p) && Array.isArray(p.data);
  if (isPage(doc)) return [doc];
  if (!Array.isArray(doc)) {
    throw new ReportError(
      `${ctx.name} is not a report: expected an object with a \`data\` array of buckets (one ` +
        `page) or an array of such pages`,
    );
  }
  if (doc.length > ctx.limits.max_pages) {
    throw new ReportError(
      `${ctx.name} has ${doc.length} pages, more than ${ctx.limits.max_pages}: split it`,
    );
  }
  doc.forEach((p, i) => {
    if (!isPage(p)) throw new ReportError(`${ctx.name}: page ${i + 1} has no \`data\` array`);
  });
  return doc as Json[];
}

/** Whether the last page says more pages follow (the file then stops short of its range). */
export function endsEarly(pages: Json[]): boolean {
  return pages.length > 0 && pages[pages.length - 1]!.has_more === true;
}

export interface Bucket {
  /** Start and end, ms since the epoch (end exclusive). */
  start: number;
  end: number;
  results: unknown[];
}

/** How a report writes bucket times: Anthropic RFC 3339 strings, OpenAI Unix seconds. */
export type TimeForm = "rfc3339" | "unix";

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const maxUnixSeconds = 32_503_680_000; // year 3000: anything later is not a report's time
const maxBucketMs = 31 * 86_400_000;

function timeOf(v: unknown, form: TimeForm): number | null {
  if (form === "unix") {
    const ok = typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= maxUnixSeconds;
    return ok ? v * 1000 : null;
  }
  if (typeof v !== "string" || v.length > 40 || !rfc3339.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : null;
}

/** Every bucket of every page, bounded; a bucket with unreadable times is counted and skipped. */
export function bucketsOf(pages: Json[], form: TimeForm, ctx: ParseContext): Bucket[] {
  const [startKey, endKey] = form === "unix"
    ? ["start_time", "end_time"]
    : ["starting_at", "ending_at"];
  const out: Bucket[] = [];
  for (const page of pages) {
    const data = page.data as unknown[];
    if (data.length > ctx.limits.max_buckets_per_page) {
      throw new ReportError(
        `${ctx.name}: a page has ${data.length} buckets, more than ${ctx.limits.max_buckets_per_page}`,
      );
    }
    for (const b of data) {
      const bucket = bucketOf(b, startKey, endKey, form, ctx);
      if (bucket !== null) out.push(bucket);
    }
  }
  return out;
}

function bucketOf(b: unknown, startKey: string, endKey: string, form: TimeForm, ctx: ParseContext) {
  const results = isRecord(b) && Array.isArray(b.results) ? b.results : null;
  const start = isRecord(b) ? timeOf(b[startKey], form) : null;
  const end = isRecord(b) ? timeOf(b[endKey], form) : null;
  if (
    results === null || start === null || end === null || end <= start || end - start > maxBucketMs
  ) {
    countBad(ctx, `bucket (\`${startKey}\`, \`${endKey}\`, \`results\`)`);
    if (results !== null) countBad(ctx, "results in unreadable buckets", results.length);
    return null;
  }
  if (results.length > ctx.limits.max_results_per_bucket) {
    throw new ReportError(
      `${ctx.name}: a bucket has ${results.length} results, more than ${ctx.limits.max_results_per_bucket}`,
    );
  }
  return { start, end, results };
}

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const dayMs = 86_400_000;

/**
 * The UTC days the buckets cover whole, and those covered only in part. A bucket repeated (the
 * same page twice in a file) counts once here; its results still add up, so `parseReport` warns.
 */
export function coverageOf(buckets: Bucket[]): { days: string[]; partial_days: string[] } {
  const seen = new Set<string>();
  const covered = new Map<string, number>();
  for (const { start, end } of buckets) {
    const key = `${start}/${end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (let t = start; t < end;) {
      const next = Math.min(end, (Math.floor(t / dayMs) + 1) * dayMs);
      covered.set(dayOf(t), (covered.get(dayOf(t)) ?? 0) + next - t);
      t = next;
    }
  }
  const days = [...covered.keys()].sort();
  return {
    days: days.filter((d) => covered.get(d)! >= dayMs),
    partial_days: days.filter((d) => covered.get(d)! < dayMs),
  };
}

/** How many buckets repeat an interval already seen. */
export function repeatedBuckets(buckets: Bucket[]): number {
  return buckets.length - new Set(buckets.map((b) => `${b.start}/${b.end}`)).size;
}
