/**
 * A redaction engine (SSE or AWS event stream) as a stream transform, for a response in flight.
 * Output for a chunk is sent in the same `transform` call, as one chunk; only what the engine
 * holds back waits. Once the engine stopped (blocked, or something it cannot inspect), the stream
 * ends after what it gave last (its error event or exception message).
 */
import { concatBytes } from "../../bytes.ts";

export interface StreamRedactionEngine {
  push(chunk: Uint8Array): Uint8Array[];
  end(): Uint8Array[];
  abandon(): void;
  readonly stopped: unknown;
}

export function engineTransform(
  engine: StreamRedactionEngine,
): TransformStream<Uint8Array, Uint8Array> {
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
