/**
 * Compression bombs that cost milliseconds to build: one valid gzip member whose middle is the
 * same deflate segment repeated. A segment compressed from a fresh state and ended with a full
 * flush is byte-aligned and refers to nothing before it, so copies of it can be concatenated;
 * the CRC of the whole is chained natively over the repeated block. 1 GiB of spaces is about
 * 1 MB on the wire (deflate's ratio tops out near 1030:1).
 */
import zlib from "node:zlib";

const enc = new TextEncoder();
const blockBytes = 1024 * 1024;

export interface Bomb {
  /** The whole gzip member, as sent on the wire. */
  bytes: Uint8Array<ArrayBuffer>;
  /** Length of the decoded content. */
  decodedBytes: number;
}

/** `prefix`, then `fill` bytes of `byte` (a multiple of 1 MiB), then `suffix`, gzipped. */
export function gzipBomb(prefix: string, fill: number, suffix: string, byte = 0x20): Bomb {
  if (fill % blockBytes !== 0) throw new Error("fill must be a multiple of 1 MiB");
  const head = enc.encode(prefix);
  const tail = enc.encode(suffix);
  const block = new Uint8Array(blockBytes).fill(byte);
  const flush = { finishFlush: zlib.constants.Z_FULL_FLUSH };
  const headSeg = zlib.deflateRawSync(head, flush);
  const blockSeg = zlib.deflateRawSync(block, flush);
  const tailSeg = zlib.deflateRawSync(tail);
  const copies = fill / blockBytes;
  let crc = zlib.crc32(head);
  for (let i = 0; i < copies; i++) crc = zlib.crc32(block, crc);
  crc = zlib.crc32(tail, crc);
  const decodedBytes = head.length + fill + tail.length;
  const size = 10 + headSeg.length + copies * blockSeg.length + tailSeg.length + 8;
  const out = new Uint8Array(size);
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  let at = 10;
  out.set(headSeg, at);
  at += headSeg.length;
  for (let i = 0; i < copies; i++) {
    out.set(blockSeg, at);
    at += blockSeg.length;
  }
  out.set(tailSeg, at);
  at += tailSeg.length;
  const trailer = new DataView(out.buffer, at, 8);
  trailer.setUint32(0, crc >>> 0, true);
  trailer.setUint32(4, decodedBytes % 2 ** 32, true);
  return { bytes: out, decodedBytes };
}

const choices =
  '[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]';
const usage = '"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}';
const head = '{"id":"chatcmpl-bomb","object":"chat.completion","model":"gpt-4o-mini",';

/**
 * A chat completion (valid JSON) with `fill` bytes of whitespace inside its `usage` object, a
 * member the usage reader keeps, or before its `choices` array, which it skips.
 */
export function chatBomb(fill: number, where: "usage" | "choices"): Bomb {
  return where === "usage"
    ? gzipBomb(`${head}"choices":${choices},"usage":{`, fill, `${usage}}`)
    : gzipBomb(`${head}"choices":`, fill, `${choices},"usage":{${usage}}`);
}
