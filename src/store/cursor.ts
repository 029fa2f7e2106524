/**
 * Keyset cursor for the trace list, shared by every store: base64url (no padding) of the decimal
 * insert sequence (`seq`) of the last item of the page. The next page is everything with a
 * smaller seq, so inserts between pages never shift it (see `TraceStore.listTraces`).
 */
import { InvalidCursorError } from "./types.ts";

/** SQLite's rowid and PostgreSQL's bigserial are both signed 64-bit, starting at 1. */
const maxSeq = 2n ** 63n - 1n;
const canonicalDecimal = /^[1-9][0-9]{0,18}$/;
const base64url = /^[A-Za-z0-9_-]+$/;
const maxCursorLength = 2048;

export function encodeCursor(seq: bigint | number): string {
  const value = BigInt(seq);
  if (value < 1n || value > maxSeq) throw new RangeError(`seq ${value} is out of range`);
  return btoa(value.toString()).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The seq a cursor points at. Throws `InvalidCursorError` naming what is wrong. */
export function decodeCursor(cursor: string): bigint {
  if (cursor.length > maxCursorLength || !base64url.test(cursor) || cursor.length % 4 === 1) {
    throw new InvalidCursorError("not base64url");
  }
  let text: string;
  try {
    text = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    throw new InvalidCursorError("not base64url");
  }
  // One spelling per position, so a cursor is exactly what a store handed out.
  if (!canonicalDecimal.test(text)) throw new InvalidCursorError("not a trace position");
  const seq = BigInt(text);
  if (seq > maxSeq) throw new InvalidCursorError("not a trace position");
  return seq;
}
