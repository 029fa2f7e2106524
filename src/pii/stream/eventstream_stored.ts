/**
 * The event-stream redactor over a whole captured AWS event stream, for stored bodies
 * (`redact_storage`): the same engine as in flight, in slices under the meter. A capture cut at
 * the size cap ends inside a message; that unfinished message is left out (it cannot be decoded,
 * so it cannot be checked). Anything else the engine cannot inspect makes the body
 * `uninspectable`: it is not stored.
 */
import { concatBytes } from "../../bytes.ts";
import { nextMessageEnd } from "../../providers/mod.ts";
import type { Meter, Steps } from "../budget.ts";
import { type Counts, totalCount } from "../types.ts";
import type { RedactRules } from "../types.ts";
import { EventStreamRedactorEngine } from "./eventstream_redactor.ts";

export type StoredEventStreamResult =
  | { bytes: Uint8Array; counts: Counts; changed: boolean }
  | { failed: "uninspectable" };

/** Bytes handed to the engine between two looks at the meter. */
const piece = 16 * 1024;
const preludeBytes = 12;

export function* redactEventStreamSteps(
  bytes: Uint8Array,
  rules: RedactRules,
  meter: Meter,
): Steps<StoredEventStreamResult> {
  const feed = wholeMessages(bytes);
  const engine = new EventStreamRedactorEngine({ rules, mode: "redact" });
  const parts: Uint8Array[] = [];
  let counted = 0;
  for (let at = 0; at < feed && !engine.stopped; at += piece) {
    parts.push(...engine.push(bytes.subarray(at, Math.min(feed, at + piece))));
    counted = countFindings(engine.counts, counted, meter);
    if (meter.due()) yield;
  }
  parts.push(...engine.end());
  countFindings(engine.counts, counted, meter);
  if (engine.stopped) return { failed: "uninspectable" };
  const kept = feed === bytes.length ? bytes : bytes.subarray(0, feed);
  // Nothing found: the deltas were only regrouped by the hold-back, so keep the original.
  if (Object.keys(engine.counts).length === 0) {
    return { bytes: kept, counts: {}, changed: kept !== bytes };
  }
  return { bytes: concatBytes(parts), counts: engine.counts, changed: true };
}

/**
 * How many bytes to feed: all of them, less an unfinished last message (the cap cut it). A
 * prelude that is corrupt is fed too, so that the engine refuses it.
 */
function wholeMessages(bytes: Uint8Array): number {
  let whole = 0;
  for (let end = nextMessageEnd(bytes, 0); end !== -1; end = nextMessageEnd(bytes, whole)) {
    whole = end;
  }
  const rest = bytes.length - whole;
  if (rest === 0) return whole;
  if (rest < preludeBytes) return whole;
  const declared = new DataView(bytes.buffer, bytes.byteOffset + whole, preludeBytes).getUint32(0);
  return declared > rest ? whole : bytes.length;
}

/** Tells the meter about findings since the last look; returns the new total. */
function countFindings(counts: Counts, counted: number, meter: Meter): number {
  const total = totalCount(counts);
  if (total > counted) meter.found(total - counted);
  return total;
}
