/**
 * Reading usage through a compressed body. The client gets the upstream's bytes as they are
 * (still compressed, byte for byte); the usage parser and the body capture get a decoded copy
 * made on the side by the runtime's native decompressor.
 */

const formats: Record<string, CompressionFormat | "brotli"> = {
  gzip: "gzip",
  "x-gzip": "gzip",
  deflate: "deflate",
  br: "brotli",
};

/** The decompressor for a `content-encoding`; null for none or identity, "unsupported" else. */
export function decoderFormat(
  contentEncoding: string | null,
): CompressionFormat | "brotli" | null | "unsupported" {
  if (contentEncoding === null) return null;
  const coding = contentEncoding.trim().toLowerCase();
  if (coding === "" || coding === "identity") return null;
  return formats[coding] ?? "unsupported";
}

export class SideDecoder {
  readonly #writer: WritableStreamDefaultWriter<BufferSource>;
  readonly #pumped: Promise<void>;
  #failed = false;

  constructor(format: CompressionFormat | "brotli", onChunk: (decoded: Uint8Array) => void) {
    const stream = new DecompressionStream(format as CompressionFormat);
    this.#writer = stream.writable.getWriter();
    const reader = stream.readable.getReader();
    this.#pumped = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        onChunk(value);
      }
    })().catch(() => {
      this.#failed = true;
    });
  }

  /** Never blocks the response: the copy is decoded as fast as the decompressor goes. */
  push(chunk: Uint8Array): void {
    this.#writer.write(chunk as Uint8Array<ArrayBuffer>).catch(() => (this.#failed = true));
  }

  /** Resolves once everything pushed was decoded; false when the data did not decode. */
  async end(complete: boolean): Promise<boolean> {
    try {
      if (complete) await this.#writer.close();
      else await this.#writer.abort();
    } catch {
      this.#failed = true;
    }
    await this.#pumped;
    return !this.#failed;
  }
}
