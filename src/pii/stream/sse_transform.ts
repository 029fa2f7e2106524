/**
 * The redaction engine as a stream transform (responses in flight) and over a whole captured
 * stream (stored bodies).
 */
import { concatBytes } from "../../bytes.ts";
import { redactText } from "../redact_text.ts";
import type { Counts } from "../types.ts";
import { SseRedactorEngine, type SseRedactorOptions } from "./sse_redactor.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A transform for a response body in `redact` or `block` mode. Output for a chunk is sent in the
 * same `transform` call, as one chunk; only held-back text and an unterminated event wait.
 */
export function createSseRedactor(
  opts: SseRedactorOptions,
): TransformStream<Uint8Array, Uint8Array> {
  const engine = new SseRedactorEngine(opts);
  const send = (parts: Uint8Array[], controller: TransformStreamDefaultController<Uint8Array>) => {
    if (parts.length === 1) controller.enqueue(parts[0]!);
    else if (parts.length > 1) controller.enqueue(concatBytes(parts));
  };
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      send(engine.push(chunk), controller);
      if (engine.stopped) controller.terminate();
    },
    flush(controller) {
      send(engine.end(), controller);
    },
    cancel() {
      engine.abandon();
    },
  });
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
  const engine = new SseRedactorEngine(opts);
  const out = concatBytes([...engine.push(encoder.encode(text)), ...engine.end()]);
  if (engine.stopped && opts.mode === "redact") {
    // Past a bound the engine dropped what it held: the stored copy is redacted as plain text
    // instead (whole, nothing dropped, nothing left raw).
    const whole = redactText(text, opts.rules);
    return { text: whole.text, counts: whole.counts, changed: whole.changed };
  }
  // Nothing found: the deltas were only regrouped by the hold-back, so keep the original.
  if (Object.keys(engine.counts).length === 0) return { text, counts: {}, changed: false };
  return { text: decoder.decode(out), counts: engine.counts, changed: true };
}
