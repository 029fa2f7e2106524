/**
 * Redaction of a header map (name to values, as traces store them). Denylisted headers lose their
 * values whatever they hold; other values may go through the detectors like any text.
 */
import { redactText } from "./redact_text.ts";
import { addCount, type Counts, mergeCounts, type RedactRules } from "./types.ts";

export const redactedHeaderValue = "[REDACTED]";

export interface RedactHeadersOptions {
  /** Lower-case header names whose every value is replaced by `[REDACTED]` (count key `header`). */
  denylist: ReadonlySet<string>;
  /** Whether the values of other headers go through the detectors. */
  scanValues: boolean;
  rules: RedactRules;
  /** Lower-case names never scanned (handled elsewhere, e.g. `authorization`). */
  exempt: ReadonlySet<string>;
}

/**
 * Header values that were scanned and held nothing, per set of rules. Most values repeat on every
 * request (`content-type`, `user-agent`, provider versions), and scanning them again is most of
 * what header redaction would cost a small request.
 */
const cleanByRules = new WeakMap<RedactRules, Set<string>>();
const maxRemembered = 2048;
const maxRememberedLength = 256;

function cleanValues(rules: RedactRules): Set<string> {
  let set = cleanByRules.get(rules);
  if (set === undefined) cleanByRules.set(rules, set = new Set());
  return set;
}

function remember(set: Set<string>, value: string): void {
  if (value.length > maxRememberedLength) return;
  // Unique values (request ids, dates) would otherwise grow it without bound: start over.
  if (set.size >= maxRemembered) set.clear();
  set.add(value);
}

/**
 * Redacts header values; the names are matched trimmed and case-insensitively, and kept as they
 * are. Each value of a denylisted header is replaced (one count per value). Returns the input
 * object itself when no value changed; otherwise a new map, the input untouched.
 */
export function redactHeaderMap(
  headers: Record<string, string[]>,
  opts: RedactHeadersOptions,
): { headers: Record<string, string[]>; counts: Counts } {
  const counts: Counts = {};
  let out: Record<string, string[]> | null = null;
  for (const [name, values] of Object.entries(headers)) {
    const key = name.trim().toLowerCase();
    let next: string[] = values;
    if (opts.denylist.has(key)) {
      if (values.length > 0) addCount(counts, "header", values.length);
      if (values.some((v) => v !== redactedHeaderValue)) {
        next = values.map(() => redactedHeaderValue);
      }
    } else if (opts.scanValues && !opts.exempt.has(key)) {
      const clean = cleanValues(opts.rules);
      if (values.every((v) => clean.has(v))) continue;
      const results = values.map((v) => redactText(v, opts.rules));
      for (const r of results) mergeCounts(counts, r.counts);
      if (results.some((r) => r.changed)) next = results.map((r) => r.text);
      else for (const v of values) remember(clean, v);
    }
    if (next !== values) (out ??= { ...headers })[name] = next;
  }
  return { headers: out ?? headers, counts };
}
