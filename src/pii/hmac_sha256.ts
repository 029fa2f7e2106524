/**
 * HMAC-SHA-256 over short strings, for placeholders. `node:crypto`'s `createHmac` costs about
 * 20 µs per call (objects, buffers and ops around a few compression rounds), which a body with a
 * million e-mail addresses turns into 20 s of CPU. Here the key's inner and outer states are
 * computed once per (salt, workspace) and each value costs only its own compression rounds, about
 * 1 µs for an address. Checked against `node:crypto` in tests/pii/hmac_sha256_test.ts.
 */

const K = new Uint32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

const IV = [
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
];

const W = new Uint32Array(64);

/** One compression round of `block` (64 bytes at `offset`) into `state`. */
function compress(state: Uint32Array, block: Uint8Array, offset: number): void {
  for (let t = 0; t < 16; t++) {
    const o = offset + t * 4;
    W[t] = (block[o]! << 24) | (block[o + 1]! << 16) | (block[o + 2]! << 8) | block[o + 3]!;
  }
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15]!;
    const w2 = W[t - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!;
  let e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[t]! + W[t]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/**
 * Finishes a hash whose state `start` has absorbed `prefixBlocks` whole blocks, over
 * `data[0, length)` (which must have room for the padding: `length + 72` bytes): the remaining
 * blocks and SHA-256 padding. Writes the digest into `out` (32 bytes). Reuses `scratch`.
 */
function finish(
  start: Uint32Array,
  prefixBlocks: number,
  data: Uint8Array,
  length: number,
  out: Uint8Array,
  scratch: Uint32Array,
): void {
  scratch.set(start);
  const bits = (prefixBlocks * 64 + length) * 8;
  let total = length + 1;
  data[length] = 0x80;
  while (total % 64 !== 56) data[total++] = 0;
  const high = Math.floor(bits / 0x100000000);
  data[total++] = high >>> 24;
  data[total++] = high >>> 16;
  data[total++] = high >>> 8;
  data[total++] = high;
  data[total++] = bits >>> 24;
  data[total++] = bits >>> 16;
  data[total++] = bits >>> 8;
  data[total++] = bits;
  for (let o = 0; o < total; o += 64) compress(scratch, data, o);
  for (let i = 0; i < 8; i++) {
    const v = scratch[i]!;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = v >>> 16;
    out[i * 4 + 2] = v >>> 8;
    out[i * 4 + 3] = v;
  }
}

function sha256(bytes: Uint8Array): Uint8Array {
  const data = new Uint8Array(bytes.length + 72);
  data.set(bytes);
  const out = new Uint8Array(32);
  finish(new Uint32Array(IV), 0, data, bytes.length, out, new Uint32Array(8));
  return out;
}

const encoder = new TextEncoder();
const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * `hmacHex(prefix)(value)`: the hex HMAC-SHA-256 under `key` of `prefix` followed by `value`
 * (strings as UTF-8). The prefix (the workspace and a separator) is absorbed once, as far as it
 * fills whole blocks, together with the key's inner pad.
 */
export function hmacSha256Hex(key: string, prefix: string): (value: string) => string {
  let k: Uint8Array = encoder.encode(key);
  if (k.length > 64) k = sha256(k);
  const pad = new Uint8Array(64);
  const inner = new Uint32Array(IV);
  pad.set(k);
  for (let i = 0; i < 64; i++) pad[i]! ^= 0x36;
  compress(inner, pad, 0);
  const outer = new Uint32Array(IV);
  pad.fill(0).set(k);
  for (let i = 0; i < 64; i++) pad[i]! ^= 0x5c;
  compress(outer, pad, 0);
  const p = encoder.encode(prefix);
  const prefixWhole = p.length - (p.length % 64);
  for (let o = 0; o < prefixWhole; o += 64) compress(inner, p, o);
  const prefixRest = p.slice(prefixWhole);
  const blocks = 1 + prefixWhole / 64;
  const scratch = new Uint32Array(8);
  const innerDigest = new Uint8Array(32 + 72);
  const digest = new Uint8Array(32);
  let buffer = new Uint8Array(256);
  return (value) => {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const room = prefixRest.length + value.length * 3 + 72;
    if (buffer.length < room) buffer = new Uint8Array(Math.max(room, buffer.length * 2));
    buffer.set(prefixRest);
    const { written } = encoder.encodeInto(value, buffer.subarray(prefixRest.length));
    finish(inner, blocks, buffer, prefixRest.length + written, innerDigest, scratch);
    finish(outer, 1, innerDigest, 32, digest, scratch);
    let s = "";
    for (let i = 0; i < 32; i++) s += hex[digest[i]!];
    return s;
  };
}
