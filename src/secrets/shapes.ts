/**
 * Credential SHAPES: every string that looks like a credential becomes `[CREDENTIAL_REDACTED]`
 * (the original's `sanitize.go`). The last line before anything leaves for a collector, a scraper
 * or a log, and what the trace builder applies to the short strings it stores (a key pasted as a
 * model name, a token in a path).
 */
import { builtinDetectors } from "../pii/mod.ts";

export const credentialRedacted = "[CREDENTIAL_REDACTED]";

/**
 * The original's patterns besides issuer-prefixed keys and JWTs (`token_like` covers those),
 * plus this gateway's own keys (`ogk_` and 32 base64url characters, `generateToken`), which no
 * PII detector knows, and HTTP Basic credentials.
 */
const EXTRA =
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9_.\-/+=]{8,}|\b(?:password|secret|token)\s*=\s*\S{4,}|(?<![A-Za-z0-9])ogk_[A-Za-z0-9_-]{16,}/gi;

/** As the original: nothing shorter than this can hold a credential worth hiding. */
const MIN_LENGTH = 8;

/**
 * Results of recent scrubs. Span attributes and labels repeat constantly (model names, routes,
 * provider and tenant ids), and the patterns cost microseconds per string; a hit costs one map
 * look-up. Bounded in entries and in the length of what it keeps; emptied when full, so unique
 * values (trace ids) only ever cost a re-scrub of the repeated ones once per `cacheEntries`.
 */
const cache = new Map<string, string>();
const cacheEntries = 1024;
const cacheMaxLength = 256;

export function scrubValue(value: string): string {
  if (value.length < MIN_LENGTH) return value;
  if (value.length > cacheMaxLength) return scrub(value);
  let out = cache.get(value);
  if (out === undefined) {
    if (cache.size >= cacheEntries) cache.clear();
    out = scrub(value);
    cache.set(value, out);
  }
  return out;
}

function scrub(value: string): string {
  const spans: [number, number][] = [];
  for (const f of builtinDetectors.token_like.find(value)) spans.push([f.start, f.end]);
  for (const m of value.matchAll(EXTRA)) spans.push([m.index, m.index + m[0].length]);
  if (spans.length === 0) return value;
  spans.sort((a, b) => a[0] - b[0]);
  let out = "";
  let at = 0;
  for (const [start, end] of spans) {
    if (end <= at) continue;
    if (start >= at) out += value.slice(at, start) + credentialRedacted;
    at = end;
  }
  return (out + value.slice(at)).trim();
}
