/**
 * How long an upstream asks us to wait: `retry-after-ms`, `Retry-After` (seconds or an HTTP
 * date), and the providers' reset headers (OpenAI `x-ratelimit-reset-*` as Go durations such as
 * "1s", "6m0s", "20ms"; Anthropic `anthropic-ratelimit-*-reset` as RFC 3339 times). Header values
 * come from the upstream, so every parser is bounded: long or odd values mean "no hint", never an
 * exception, and a hint is clipped to `maxHintMs`.
 */

/** Longer header values are not parsed (a real one is at most ~30 characters). */
const maxValueChars = 64;
/** No hint says more than a day; longer is clipped (a hostile value cannot park a key forever). */
export const maxHintMs = 24 * 3600_000;

const clip = (ms: number): number => Math.min(maxHintMs, Math.max(0, Math.ceil(ms)));

function bounded(value: string | null): string | null {
  if (value === null) return null;
  const v = value.trim();
  return v.length === 0 || v.length > maxValueChars ? null : v;
}

/** `retry-after-ms: 1500` (OpenAI and Azure send it; the OpenAI SDK prefers it). */
export function parseRetryAfterMs(value: string | null): number | null {
  const v = bounded(value);
  if (v === null || !/^\d{1,12}(\.\d{1,6})?$/.test(v)) return null;
  return clip(Number(v));
}

const httpDate = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** `Retry-After: 120` or `Retry-After: Fri, 31 Dec 2026 23:59:59 GMT` (RFC 9110 10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | null {
  const v = bounded(value);
  if (v === null) return null;
  // RFC 9110 says whole seconds; fractions are seen in the wild and harmless to accept.
  if (/^\d{1,12}(\.\d{1,6})?$/.test(v)) return clip(Number(v) * 1000);
  if (!httpDate.test(v)) return null;
  const at = Date.parse(v);
  return Number.isFinite(at) ? clip(at - now) : null;
}

const goUnits: Record<string, number> = {
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  "µs": 0.001,
  "μs": 0.001,
  ns: 0.000001,
};
const goPart = /^(\d{1,12}(?:\.\d{1,9})?)(h|ms|m|s|us|µs|μs|ns)/;

/** A Go duration as OpenAI prints it: "1s", "6m0s", "20ms", "1h2m3.5s". */
export function parseGoDuration(value: string | null): number | null {
  let rest = bounded(value);
  if (rest === null) return null;
  let total = 0;
  // At most one part per unit: the loop is bounded by the eight units.
  for (let parts = 0; rest.length > 0; parts++) {
    const m = parts < 8 ? goPart.exec(rest) : null;
    if (m === null) return null;
    total += Number(m[1]) * goUnits[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return clip(total);
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 time as Anthropic sends it: "2026-12-06T20:01:00Z". */
export function parseRfc3339(value: string | null, now: number): number | null {
  const v = bounded(value);
  if (v === null || !rfc3339.test(v)) return null;
  const at = Date.parse(v.replace(" ", "T"));
  return Number.isFinite(at) ? clip(at - now) : null;
}

function exhausted(value: string | null): boolean {
  const v = bounded(value);
  return v !== null && /^0+$/.test(v);
}

/** The dimensions providers report, each with its "remaining" and "reset" headers. */
const resetHeaders: readonly {
  remaining: string;
  reset: string;
  kind: "duration" | "time";
}[] = [
  {
    remaining: "x-ratelimit-remaining-requests",
    reset: "x-ratelimit-reset-requests",
    kind: "duration",
  },
  {
    remaining: "x-ratelimit-remaining-tokens",
    reset: "x-ratelimit-reset-tokens",
    kind: "duration",
  },
  ...["requests", "tokens", "input-tokens", "output-tokens"].map((d) => ({
    remaining: `anthropic-ratelimit-${d}-remaining`,
    reset: `anthropic-ratelimit-${d}-reset`,
    kind: "time" as const,
  })),
];

/**
 * The reset time of what ran out: among the dimensions whose "remaining" is 0, the latest reset
 * (waiting for the earliest would hit the other limit again). Nothing exhausted: no hint, since a
 * reset header then says when the window is whole again, not when one more request fits.
 */
export function providerResetMs(headers: Headers, now: number): number | null {
  let best: number | null = null;
  for (const h of resetHeaders) {
    if (!exhausted(headers.get(h.remaining))) continue;
    const raw = headers.get(h.reset);
    const ms = h.kind === "duration" ? parseGoDuration(raw) : parseRfc3339(raw, now);
    if (ms !== null && (best === null || ms > best)) best = ms;
  }
  return best;
}

/**
 * How long the upstream asked us to wait, in ms, or null when it said nothing usable. Order:
 * `retry-after-ms`, `Retry-After`, then the providers' reset headers.
 */
export function waitHintMs(headers: Headers, now: number): number | null {
  return parseRetryAfterMs(headers.get("retry-after-ms")) ??
    parseRetryAfter(headers.get("retry-after"), now) ??
    providerResetMs(headers, now);
}
