/**
 * Redaction of streamed responses: an incremental text redactor that holds back only what a
 * detector might still extend, and transforms that apply it to the deltas a wire format's
 * locator points at (SSE) or to Bedrock's text pieces (AWS event stream), redacting every other
 * string of an event whole.
 */
export { defaultHeldTextLimits, HeldText, type HeldTextLimits } from "./held_text.ts";
export { SseRedactorEngine, type SseRedactorOptions } from "./sse_redactor.ts";
export { createSseRedactor, redactSseText, redactSseTextSteps } from "./sse_transform.ts";
export {
  EventStreamRedactorEngine,
  type EventStreamRedactorOptions,
} from "./eventstream_redactor.ts";
export {
  awsEventStreamMediaType,
  createEventStreamRedactor,
  isAwsEventStream,
} from "./eventstream_transform.ts";
