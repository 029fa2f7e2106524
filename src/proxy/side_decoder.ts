/**
 * Reading usage through a compressed body. The client gets the upstream's bytes as they are
 * (still compressed, byte for byte); the usage parser and the body capture get a decoded copy
 * made on the side.
 *
 * The copy is bounded, because a few megabytes of gzip can hold a gigabyte and brotli far more:
 * `node:zlib` hands the output over in pieces of `pieceBytes` (the web DecompressionStream
 * returns all the output of an input chunk as one buffer, 200 MiB from 329 bytes of brotli), and
 * decoding stops for good once the copy passes `maxDecodedBytes` or expands more than `maxRatio`
 * times the wire bytes (once past `ratioFloorBytes`). `push` resolves when its chunk is decoded,
 * so the tap waits for it before reading on: at most one wire chunk is queued.
 */
import zlib from "node:zlib";
import type { UsageUnknownReason } from "../traces/mod.ts";

export type DecoderFormat = "gzip" | "deflate" | "brotli";

const formats: Record<string, DecoderFormat> = {
  gzip: "gzip",
  "x-gzip": "gzip",
  deflate: "deflate",
  br: "brotli",
};

/** The decompressor for a `content-encoding`; null for none or identity, "unsupported" else. */
export function decoderFormat(
  contentEncoding: string | null,
): DecoderFormat | null | "unsupported" {
  if (contentEncoding === null) return null;
  const coding = contentEncoding.trim().toLowerCase();
  if (coding === "" || coding === "identity") return null;
  return formats[coding] ?? "unsupported";
}

export interface DecodeLimits {
  /** Most decoded bytes (`proxy.max_decoded_response_bytes`). */
  maxDecodedBytes: number;
  /** Most decoded bytes per wire byte, checked once the copy passes `ratioFloorBytes`. */
  maxRatio: number;
  ratioFloorBytes: number;
}

/**
 * 200:1 is far above real answers (a token-per-event chat stream: about 40:1 with gzip, 60:1
 * with brotli; JSON a few to one) and far below bombs (deflate's ceiling is about 1030:1, brotli
 * put 512 MiB in 945 bytes). Only an answer that repeats itself verbatim compresses like a
 * bomb; the 8 MiB floor keeps such a degenerate answer readable up to far more tokens than a
 * model emits in one answer, and decoding 8 MiB costs a few milliseconds.
 */
export const defaultDecodeLimits: DecodeLimits = {
  maxDecodedBytes: 64 * 1024 * 1024,
  maxRatio: 200,
  ratioFloorBytes: 8 * 1024 * 1024,
};

type DecodeStop = Extract<
  UsageUnknownReason,
  "decoded_body_too_large" | "decompression_ratio_exceeded"
>;

const pieceBytes = 64 * 1024;

function decompressor(format: DecoderFormat): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress {
  if (format === "brotli") return zlib.createBrotliDecompress({ chunkSize: pieceBytes });
  return format === "gzip"
    ? zlib.createGunzip({ chunkSize: pieceBytes })
    : zlib.createInflate({ chunkSize: pieceBytes });
}

export class SideDecoder {
  readonly #z: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress;
  readonly #ended: Promise<void>;
  #failed = false;
  #stopped: DecodeStop | null = null;
  #decodedBytes = 0;
  /** Resolvers of pushes still being decoded; all released when decoding stops. */
  readonly #waiting = new Set<() => void>();

  constructor(
    format: DecoderFormat,
    onChunk: (decoded: Uint8Array) => void,
    private readonly limits: DecodeLimits = defaultDecodeLimits,
    private readonly onStop: (reason: DecodeStop) => void = () => {},
  ) {
    const z = this.#z = decompressor(format);
    z.on("data", (piece: Uint8Array) => {
      if (this.#stopped !== null) return;
      this.#decodedBytes += piece.byteLength;
      const reason = this.#over();
      if (reason !== null) return this.#stop(reason);
      onChunk(piece);
    });
    this.#ended = new Promise<void>((resolve) => {
      z.on("end", resolve);
      z.on("close", resolve);
      z.on("error", () => {
        this.#failed = true;
        resolve();
      });
    }).finally(() => this.#release());
  }

  /** Why decoding stopped at a bound, or null. */
  get stopped(): DecodeStop | null {
    return this.#stopped;
  }

  get decodedBytes(): number {
    return this.#decodedBytes;
  }

  /**
   * Starts decoding `chunk` (kept, not copied: the caller must not reuse its buffer). Resolves
   * once it is decoded, or at once when decoding stopped; null when there is nothing to wait for.
   */
  push(chunk: Uint8Array): Promise<void> | null {
    if (this.#stopped !== null || this.#failed || this.#z.destroyed) return null;
    return new Promise<void>((resolve) => {
      this.#waiting.add(resolve);
      this.#z.write(chunk, () => {
        this.#waiting.delete(resolve);
        resolve();
      });
    });
  }

  /**
   * Resolves once everything pushed was decoded: false when the data did not decode or the body
   * was cut (`complete` false). A copy stopped at a bound is not a failure: `stopped` says why.
   */
  async end(complete: boolean): Promise<boolean> {
    if (this.#stopped === null && !this.#z.destroyed) {
      if (complete) this.#z.end();
      else this.#z.destroy();
    }
    await this.#ended;
    return complete && !this.#failed;
  }

  #over(): DecodeStop | null {
    const l = this.limits;
    if (this.#decodedBytes > l.maxDecodedBytes) return "decoded_body_too_large";
    // Against the wire bytes the decompressor has consumed so far, not those pushed: a bomb is
    // caught at its first megabyte, not after a whole chunk's worth of expansion.
    const consumed = this.#z.bytesWritten;
    if (this.#decodedBytes > l.ratioFloorBytes && this.#decodedBytes > l.maxRatio * consumed) {
      return "decompression_ratio_exceeded";
    }
    return null;
  }

  #stop(reason: DecodeStop): void {
    this.#stopped = reason;
    // Destroying frees the decompressor's window and output; pushes waiting on it go on.
    this.#z.destroy();
    this.#release();
    this.onStop(reason);
  }

  #release(): void {
    for (const resolve of this.#waiting) resolve();
    this.#waiting.clear();
  }
}
