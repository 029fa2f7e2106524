/**
 * Stored timestamps have one fixed-width form, `YYYY-MM-DDTHH:MM:SS.sssZ` (what
 * `Date#toISOString` prints), so text order is time order in SQLite, cursors compare exactly, and
 * PostgreSQL (microseconds) holds the same value without loss.
 */

const rfc3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

export const storedTimestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses RFC 3339 (any offset, up to nanosecond fractions) into the stored form, in UTC.
 * Digits past the millisecond are truncated, never rounded, so a bound and a stored value that
 * came from the same instant always compare equal. Returns null when the text is not RFC 3339 or
 * names a day or time that does not exist.
 */
export function parseTimestamp(text: string): string | null {
  const m = rfc3339.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0..99 to 1900..1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const utc = new Date(date.getTime() - offsetMinutes * 60_000);
  const iso = utc.toISOString();
  return storedTimestampPattern.test(iso) ? iso : null;
}

/** A filter's time bound (`from`, `to`) in the stored form; a RangeError names the filter. */
export function filterTimestamp(name: string, value: string): string {
  const parsed = parseTimestamp(value);
  if (parsed === null) throw new RangeError(`filter ${name} is not an RFC 3339 timestamp`);
  return parsed;
}

/** As `parseTimestamp`, for values the store must reject (a trace with a broken timestamp). */
export function normalizeTimestamp(text: string, field: string): string {
  // Fast path for the form traces are built in: the store checks two a trace (issue 23: a
  // tenth of the store worker's time with a Date round trip, measured with bench's fixture).
  if (isStoredForm(text)) return text;
  const parsed = parseTimestamp(text);
  if (parsed === null) {
    throw new RangeError(`${field} is not an RFC 3339 timestamp: ${JSON.stringify(text)}`);
  }
  return parsed;
}

/**
 * True when `text` is already the stored form and names a real instant: what `Date#toISOString`
 * prints for it, checked digit by digit without building a Date.
 */
export function isStoredForm(text: string): boolean {
  if (text.length !== 24) return false;
  for (let i = 0; i < 24; i++) {
    const c = text.charCodeAt(i);
    const want = storedFormSeparators[i];
    if (want === undefined ? c < 48 || c > 57 : c !== want) return false;
  }
  const two = (i: number) => (text.charCodeAt(i) - 48) * 10 + text.charCodeAt(i + 1) - 48;
  const month = two(5), day = two(8), year = two(0) * 100 + two(2);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  return two(11) <= 23 && two(14) <= 59 && two(17) <= 59;
}

/** Character codes of the stored form's fixed characters by position; digits elsewhere. */
const storedFormSeparators: (number | undefined)[] = Array.from(
  { length: 24 },
  (_, i) => ({ 4: 45, 7: 45, 10: 84, 13: 58, 16: 58, 19: 46, 23: 90 } as Record<number, number>)[i],
);

/**
 * A range bound as users type it: RFC 3339, or a bare `YYYY-MM-DD` meaning the whole UTC day (its
 * first millisecond as a lower bound, its last as an upper bound). Null when it is neither. The
 * API's query parameters and `ongoingai report` share it, so both read a date the same way.
 */
export function parseTimeBound(text: string, bound: "lower" | "upper"): string | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return parseTimestamp(`${text}T${bound === "lower" ? "00:00:00.000" : "23:59:59.999"}Z`);
  }
  return parseTimestamp(text);
}
