/**
 * Builders for query parameter schemas (see query.ts): each takes the raw string, is optional,
 * and carries a description that reads as "<name> must be <description>".
 */
import { z } from "zod";
import { parseTimeBound } from "../store/mod.ts";
import { parseFingerprint } from "../traces/mod.ts";

/** An exact-match text filter. */
export function text(description: string) {
  return z.string().optional().describe(description);
}

/** A whole number in decimal digits (no sign, exponent or fraction). */
export function integer(min: number, max: number, what = "an integer") {
  return z.string().regex(/^\d{1,10}$/).transform(Number)
    .pipe(z.int().min(min).max(max))
    .optional().describe(`${what} between ${min} and ${max}`);
}

/** One of `values`, case-insensitive. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.string().transform((v) => v.toLowerCase()).pipe(z.enum(values))
    .optional().describe(`one of ${values.join(", ")}`);
}

/**
 * RFC 3339 (any offset, stored as UTC milliseconds), or a bare date meaning the whole UTC day:
 * its first millisecond for a lower bound, its last for an upper bound.
 */
export function timestamp(bound: "lower" | "upper") {
  return z.string().transform((value, ctx) => {
    const parsed = parseTimeBound(value, bound);
    if (parsed === null) {
      ctx.addIssue({ code: "custom", message: "not an RFC 3339 timestamp or date" });
      return z.NEVER;
    }
    return parsed;
  }).optional().describe(
    "an RFC 3339 timestamp such as 2026-03-01T10:00:00Z or a date such as 2026-03-01",
  );
}

/**
 * A provider key fingerprint (`api_key_hash` of a trace, as `/api/analytics/keys` lists it): 64
 * hex digits, stored lowercase. A prefix or the last four is refused rather than matching nothing.
 */
export function keyFingerprint() {
  return z.string().transform((v, ctx) => {
    const hash = parseFingerprint(v);
    if (hash === null) ctx.addIssue({ code: "custom", message: "not a key fingerprint" });
    return hash ?? "";
  }).optional().describe(
    "a provider key fingerprint: the 64 hex digits of api_key_hash, as /api/analytics/keys " +
      "lists it",
  );
}
