/**
 * Label values come from requests (a model name is whatever the client sent), so before one
 * becomes part of a metric it is scrubbed like the original's `sanitizeTelemetryValue`: anything
 * shaped like a credential becomes `[CREDENTIAL_REDACTED]`, an empty value `unknown`, and a long
 * one is cut, so one series costs a bounded amount of memory whatever a client sends.
 */
import { builtinDetectors } from "../pii/mod.ts";

export const credentialRedacted = "[CREDENTIAL_REDACTED]";
export const unknownLabel = "unknown";
/** UTF-16 units kept of a scrubbed value. */
export const maxLabelLength = 128;

/** The original's patterns besides issuer-prefixed keys and JWTs (`token_like` covers those). */
const EXTRA = [
  /\bBearer\s+[A-Za-z0-9_.\-/+=]{8,}/gi,
  /\b(?:password|secret|token)\s*=\s*\S{4,}/gi,
];

const tokenLike = builtinDetectors.token_like;

export function scrubLabelValue(value: string): string {
  let out = value.trim();
  if (out === "") return unknownLabel;
  // As the original: nothing shorter than 8 characters can hold a credential worth hiding.
  if (out.length >= 8) {
    const findings = tokenLike.find(out);
    for (let i = findings.length - 1; i >= 0; i--) {
      const f = findings[i]!;
      out = out.slice(0, f.start) + credentialRedacted + out.slice(f.end);
    }
    for (const pattern of EXTRA) out = out.replace(pattern, credentialRedacted);
    out = out.trim();
  }
  if (out.length > maxLabelLength) {
    let end = maxLabelLength;
    // Never end on the first half of a surrogate pair.
    const code = out.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end--;
    out = out.slice(0, end);
  }
  return out;
}
