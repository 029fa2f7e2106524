/**
 * The last line before anything leaves for a collector or a scraper: every string that looks
 * like a credential becomes `[CREDENTIAL_REDACTED]` (the original's `sanitize.go`). Span
 * attributes and metric labels never carry prompts or keys by construction; this catches what
 * slips in anyway (a key pasted as a model name, a token in an error message). Label values are
 * also bounded, so one series costs a bounded amount of memory whatever a client sends.
 */
import { cutString } from "../bytes.ts";
import { credentialRedacted, scrubValue } from "../secrets/mod.ts";

export { credentialRedacted, scrubValue };
export const unknownLabel = "unknown";
/** UTF-16 units kept of a scrubbed label value. */
export const maxLabelLength = 128;

/** UTF-16 units kept of a client-chosen string in a span (a model name). */
export const maxSpanStringLength = 256;

/**
 * Scrubbed, then cut to `max` (scrubbing first, so a key past the cut is not left as an
 * unrecognisable prefix). A cut value is copied, so it does not keep a huge original alive.
 */
export function scrubAndCut(value: string, max: number): string {
  return cutString(scrubValue(value), max);
}

/** A metric label value: scrubbed, `unknown` when empty, cut to `maxLabelLength`. */
export function scrubLabelValue(value: string): string {
  const out = scrubAndCut(value.trim(), maxLabelLength);
  return out === "" ? unknownLabel : out;
}
