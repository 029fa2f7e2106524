/**
 * The event-stream redactor as a stream transform, for a response in flight, and the test for
 * the content type it applies to.
 */
import { engineTransform } from "./engine_transform.ts";
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
 * A transform for an event-stream response in `redact` or `block` mode (engine_transform.ts):
 * only held-back text and an unfinished message wait; once stopped, the stream ends after the
 * exception message.
 */
export function createEventStreamRedactor(
  opts: EventStreamRedactorOptions,
): TransformStream<Uint8Array, Uint8Array> {
  return engineTransform(new EventStreamRedactorEngine(opts));
}
