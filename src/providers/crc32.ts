/**
 * CRC-32 as zlib computes it (IEEE 802.3, reflected polynomial 0xEDB88320, initial and final
 * value 0xFFFFFFFF): the checksum of the AWS event-stream framing's prelude and message. A
 * 256-entry table, one lookup per byte; our own so that product code needs no npm package.
 */

const table = makeTable();

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/**
 * Continues a CRC-32 over `bytes`: pass the previous result as `crc` to checksum a message given
 * in pieces (the default 0 starts a new one). Returns an unsigned 32-bit value.
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
