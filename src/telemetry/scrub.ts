/**
 * The last line before anything leaves for a collector: every string that looks like a
 * credential becomes `[CREDENTIAL_REDACTED]` (the original's `sanitize.go`). Span attributes never
 * carry prompts or keys by construction; this catches what slips in anyway (a key pasted as a
 * model name, a token in an error message).
 */
import { builtinDetectors } from "../pii/mod.ts";

export const CREDENTIAL_REDACTED = "[CREDENTIAL_REDACTED]";

/** The original's extra patterns: bearer tokens and `password=…`-style assignments. */
const EXTRA = /\bBearer\s+[A-Za-z0-9_.\-/+=]{8,}|\b(?:password|secret|token)\s*=\s*\S{4,}/gi;

/** Strings shorter than this cannot hold a credential and are returned as they are. */
const MIN_LENGTH = 8;

export function scrubValue(value: string): string {
  if (value.length < MIN_LENGTH) return value;
  const spans: [number, number][] = [];
  for (const f of builtinDetectors.token_like.find(value)) spans.push([f.start, f.end]);
  for (const m of value.matchAll(EXTRA)) spans.push([m.index, m.index + m[0].length]);
  if (spans.length === 0) return value;
  spans.sort((a, b) => a[0] - b[0]);
  let out = "";
  let at = 0;
  for (const [start, end] of spans) {
    if (end <= at) continue;
    if (start >= at) out += value.slice(at, start) + CREDENTIAL_REDACTED;
    at = end;
  }
  return (out + value.slice(at)).trim();
}
