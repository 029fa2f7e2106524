/**
 * Reads a request body into memory with a hard cap that counts the bytes actually received:
 * `Content-Length` is only used to refuse early, never trusted to bound the read.
 */
import { GatewayError } from "../server/errors.ts";

/**
 * `signal` ends a read that takes too long or outlives the gateway (timeouts, shutdown); the
 * read then rejects with the signal's reason rather than returning a silently cut body.
 */
export async function readBodyCapped(
  req: Request,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Uint8Array<ArrayBuffer> | null> {
  if (req.body === null) return null;
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    await req.body.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  const reader = req.body.getReader() as ReadableStreamDefaultReader<Uint8Array<ArrayBuffer>>;
  const stop = () => void reader.cancel().catch(() => {});
  signal?.addEventListener("abort", stop, { once: true });
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (signal?.aborted) throw signal.reason;
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  signal?.removeEventListener("abort", stop);
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(
    "request_too_large",
    `request body is larger than ${maxBytes} bytes; send a smaller body or raise proxy.max_request_body_bytes`,
    { limit_bytes: maxBytes },
  );
}
