/**
 * The response tap: the client's body is a pull stream over the upstream client's body reads. Every chunk is
 * handed to the client at once and unchanged, and shown to the sink (usage parser, capture,
 * counters) on the side. Pull-based, so a slow client slows the upstream read instead of
 * growing a buffer, and `cancel` tells us the client went away. Never `tee()`: its slow branch
 * buffers without bound. The side path is held to the same pace: when the sink returns a promise
 * (a compressed body being decoded), the next read waits for it.
 */
import { ByteBuffer } from "../bytes.ts";
import { withoutCutCharacter } from "./stored_body.ts";

export type TapOutcome =
  | { kind: "complete" }
  | { kind: "client_aborted" }
  | { kind: "upstream_error"; error: unknown };

export interface TapSink {
  /** Called before each read from the upstream (the client asked for more). */
  reading(): void;
  /**
   * Called with each chunk before the client gets it; must not throw. A promise makes the tap
   * wait for it before the next upstream read (the decoded copy's backpressure), while the
   * client already has the chunk.
   */
  chunk(chunk: Uint8Array): Promise<void> | null | void;
  /** Called exactly once, when the body ends for whatever reason. */
  end(outcome: TapOutcome): void;
}

/** Where the body comes from: the upstream client's response. */
export interface BodySource {
  read(): Promise<Uint8Array | null>;
  cancel(): void;
}

export function tapStream(source: BodySource, sink: TapSink): ReadableStream<Uint8Array> {
  let ended = false;
  const end = (outcome: TapOutcome) => {
    if (ended) return;
    ended = true;
    sink.end(outcome);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: Uint8Array | null;
      sink.reading();
      try {
        chunk = await source.read();
      } catch (error) {
        end({ kind: "upstream_error", error });
        // Erroring (not closing) the client stream is what makes a cut upstream visible as a
        // broken response instead of a clean, silently shortened one.
        controller.error(error);
        return;
      }
      if (chunk === null) {
        end({ kind: "complete" });
        controller.close();
        return;
      }
      const side = sink.chunk(chunk);
      controller.enqueue(chunk);
      if (side) await side;
    },
    cancel() {
      end({ kind: "client_aborted" });
      source.cancel();
    },
  }, { highWaterMark: 0 });
}

/**
 * Keeps the first `max` bytes of a body for storage; the client always gets everything. The bytes
 * are copied into one buffer (the runtime may reuse a chunk's buffer after we hand it on, and an
 * array per chunk cost about 250 bytes each: 1 MB sent one byte per chunk took 400 MB).
 */
export class BodyCapture {
  readonly #kept = new ByteBuffer();
  truncated = false;
  constructor(readonly max: number) {}

  add(chunk: Uint8Array): void {
    const room = this.max - this.#kept.size;
    if (room <= 0) {
      if (chunk.byteLength > 0) this.truncated = true;
      return;
    }
    if (chunk.byteLength > room) {
      this.#kept.append(chunk.subarray(0, room));
      this.truncated = true;
    } else {
      this.#kept.append(chunk);
    }
  }

  /** The rest of the body will not be seen (the decoded copy stopped at a bound). */
  cut(): void {
    this.truncated = true;
  }

  /** What was kept, in one buffer; a cut at the cap never ends inside a character. */
  bytes(): Uint8Array {
    const all = this.#kept.bytes();
    return this.truncated ? withoutCutCharacter(all) : all;
  }
}
