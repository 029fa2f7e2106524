/**
 * The redaction engine as a stream transform (responses in flight) and over a whole captured
 * stream (stored bodies).
 */
import { drain, type Meter, type Steps, unmetered } from "../budget.ts";
import { redactTextSteps } from "../redact_text.ts";
import { type Counts, totalCount } from "../types.ts";
import { encodeSteps } from "../big_strings.ts";
import { SseRedactorEngine, type SseRedactorOptions } from "./sse_redactor.ts";
import { engineTransform } from "./engine_transform.ts";

/**
 * A transform for a response body in `redact` or `block` mode (engine_transform.ts): only
 * held-back text and an unterminated event wait.
 */
export function createSseRedactor(
  opts: SseRedactorOptions,
): TransformStream<Uint8Array, Uint8Array> {
  return engineTransform(new SseRedactorEngine(opts));
}

/**
 * The same engine over a complete captured stream (for stored bodies). `changed` is false, and
 * the text the one given, when nothing was found. A capture the engine stops on (a bound) is
 * redacted as plain text.
 */
export function redactSseText(
  text: string,
  opts: SseRedactorOptions,
): { text: string; counts: Counts; changed: boolean } {
  return drain(redactSseTextSteps(text, opts, unmetered()));
}

/** Bytes handed to the engine between two looks at the meter: well under a millisecond. */
const piece = 16 * 1024;

/**
 * `redactSseText` in slices under the meter's budget (see budget.ts): a stored capture is up to
 * `tracing.body_max_size`, and one of blank lines or dense addresses took seconds in one step.
 */
export function* redactSseTextSteps(
  text: string,
  opts: SseRedactorOptions,
  meter: Meter,
): Steps<{ text: string; counts: Counts; changed: boolean }> {
  const engine = new SseRedactorEngine(opts);
  const bytes = yield* encodeSteps(text, meter);
  const parts: Uint8Array[] = [];
  const before = meter.findings;
  let counted = 0;
  for (let at = 0; at < bytes.length && !engine.stopped; at += piece) {
    parts.push(...engine.push(bytes.subarray(at, at + piece)));
    counted = countFindings(engine.counts, counted, meter);
    if (meter.due()) yield;
  }
  parts.push(...engine.end());
  countFindings(engine.counts, counted, meter);
  if (engine.stopped && opts.mode === "redact") {
    // Past a bound the engine dropped what it held: the stored copy is redacted as plain text
    // instead (whole, nothing dropped, nothing left raw). Its findings are counted afresh.
    meter.findings = before;
    return yield* redactTextSteps(text, opts.rules, meter);
  }
  // Nothing found: the deltas were only regrouped by the hold-back, so keep the original.
  if (Object.keys(engine.counts).length === 0) return { text, counts: {}, changed: false };
  return { text: yield* decodeSteps(parts, meter), counts: engine.counts, changed: true };
}

/** The parts as one string, decoded a part at a time under the meter (same text as at once). */
function* decodeSteps(parts: readonly Uint8Array[], meter: Meter): Steps<string> {
  const decoder = new TextDecoder();
  const out: string[] = [];
  for (const part of parts) {
    out.push(decoder.decode(part, { stream: true }));
    if (meter.due()) yield;
  }
  out.push(decoder.decode());
  return out.join("");
}

/** Tells the meter about findings since the last look; returns the new total. */
function countFindings(counts: Counts, counted: number, meter: Meter): number {
  const total = totalCount(counts);
  if (total > counted) meter.found(total - counted);
  return total;
}
