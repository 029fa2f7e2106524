/**
 * The rest of a body in one array, for `bytes()`: a body that arrives in one piece (the usual
 * small JSON answer) is returned as it is, without a copy.
 */
import { ByteBuffer } from "../bytes.ts";

export async function readAll(
  read: () => Promise<Uint8Array | null>,
): Promise<Uint8Array<ArrayBuffer>> {
  const first = await read();
  if (first === null) return new Uint8Array(0);
  let next = await read();
  if (next === null && first.buffer instanceof ArrayBuffer) {
    return first as Uint8Array<ArrayBuffer>;
  }
  // One growing buffer, not an array per chunk (about 200 bytes each: a body dribbled one byte
  // per read would cost hundreds of times its size).
  const kept = new ByteBuffer();
  kept.append(first);
  for (; next !== null; next = await read()) kept.append(next);
  return kept.take();
}
