/**
 * The event-stream redactor as a stream transform, for a response in flight, and the test for
 * the content type it applies to.
 */
import { concatBytes } from "../../bytes.ts";
import {
  EventStreamRedactorEngine,
  type EventStreamRedactorOptions,
} from "./eventstream_redactor.ts";

/** The media type of AWS event-stream bodies (Bedrock's streamed answers). */
export const awsEventStreamMediaType = "application/vnd.amazon.eventstream";

/** True when a content type names an AWS event stream (parameters and case ignored). */
export function isAwsEventStream(contentType: string | null): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === awsEventStreamMediaType;
}

/**
 * A transform for an event-stream response in `redact` or `block` mode. Output for a chunk is
 * sent in the same `transform` call, as one chunk; only held-back text and an unfinished message
 * wait. Once stopped (blocked, or something it cannot inspect), the stream ends after the
 * exception message.
 */
export function createEventStreamRedactor(
  opts: EventStreamRedactorOptions,
): TransformStream<Uint8Array, Uint8Array> {
  const engine = new EventStreamRedactorEngine(opts);
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
