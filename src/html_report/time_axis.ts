/**
 * A continuous time axis: every bucket of the period gets a slot, so a day without traffic is an
 * empty slot rather than a day that silently vanishes between two bars. The bucket follows the
 * period's length so that a chart stays readable: hours up to two days, days up to about four
 * months, weeks beyond (a year is 53 slots). Pure; slot starts are written as the stores write
 * `bucket_start` (RFC 3339 UTC with milliseconds; weeks start on Monday), so a store row finds its
 * slot by string equality.
 */

export type TimeBucket = "hour" | "day" | "week";

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** Periods up to this long are drawn by hour, longer ones up to `weekAfterDays` by day. */
export const hourUpToDays = 2;
export const weekAfterDays = 120;
/** No axis has more slots: 20 years of weeks. A longer period keeps its most recent slots. */
export const maxSlots = 1100;

/** The bucket for a period from `from` to `to` (RFC 3339). */
export function bucketFor(from: string, to: string): TimeBucket {
  const span = Date.parse(to) - Date.parse(from);
  if (!(span >= 0)) return "day";
  if (span <= hourUpToDays * dayMs) return "hour";
  return span > weekAfterDays * dayMs ? "week" : "day";
}

/** The start of the bucket holding `at`, as the stores write it. */
export function bucketStart(at: string, bucket: TimeBucket): string {
  const t = Date.parse(at);
  if (!Number.isFinite(t)) throw new RangeError(`not a timestamp: ${JSON.stringify(at)}`);
  if (bucket === "hour") return new Date(Math.floor(t / hourMs) * hourMs).toISOString();
  const day = Math.floor(t / dayMs) * dayMs;
  if (bucket === "day") return new Date(day).toISOString();
  // getUTCDay: 0 is Sunday; the ISO week starts on Monday.
  const back = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - back * dayMs).toISOString();
}

function step(bucket: TimeBucket): number {
  return bucket === "hour" ? hourMs : bucket === "day" ? dayMs : 7 * dayMs;
}

/**
 * Every bucket start from the one holding `from` to the one holding `to`, oldest first; at most
 * `maxSlots` (the most recent ones). Empty when `to` is before `from`.
 */
export function timeSlots(from: string, to: string, bucket: TimeBucket): string[] {
  const first = Date.parse(bucketStart(from, bucket));
  const last = Date.parse(bucketStart(to, bucket));
  if (last < first) return [];
  const n = Math.min(Math.floor((last - first) / step(bucket)) + 1, maxSlots);
  const start = last - (n - 1) * step(bucket);
  return Array.from({ length: n }, (_, i) => new Date(start + i * step(bucket)).toISOString());
}

/** The slot as a table row names it: the hour with its day, the day, the week's Monday. */
export function slotName(slot: string, bucket: TimeBucket): string {
  return bucket === "hour" ? `${slot.slice(0, 10)} ${slot.slice(11, 16)}` : slot.slice(0, 10);
}

/** The slot as the axis writes it, short enough for a tick: `12-07 05h`, `12-07`, `2026-12-07`. */
export function slotTick(slot: string, bucket: TimeBucket): string {
  if (bucket === "hour") return `${slot.slice(5, 10)} ${slot.slice(11, 13)}h`;
  return bucket === "day" ? slot.slice(5, 10) : slot.slice(0, 10);
}

/** What the category axis is, with its unit: `hour (UTC)`, `day (UTC)`, `week (UTC, from Monday)`. */
export function slotLabel(bucket: TimeBucket): string {
  return bucket === "week" ? "week (UTC, from Monday)" : `${bucket} (UTC)`;
}
