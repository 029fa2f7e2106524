/**
 * Keyset cursor for the trace list, shared by every store: base64url (no padding) of
 * `<created_at>|<id>`, the last item of the page. The next page is everything strictly after that
 * key in `created_at DESC, id DESC` order, so inserts between pages never shift it.
 */
import { InvalidCursorError } from "./types.ts";
import { storedTimestampPattern } from "./timestamps.ts";

export interface CursorKey {
  created_at: string;
  id: string;
}

const maxCursorLength = 2048;
const base64url = /^[A-Za-z0-9_-]+$/;

export function encodeCursor(key: CursorKey): string {
  const bytes = new TextEncoder().encode(`${key.created_at}|${key.id}`);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Throws `InvalidCursorError` naming what is wrong. */
export function decodeCursor(cursor: string): CursorKey {
  if (cursor.length > maxCursorLength || !base64url.test(cursor) || cursor.length % 4 === 1) {
    throw new InvalidCursorError("not base64url");
  }
  let text: string;
  try {
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidCursorError("not base64url");
  }
  const bar = text.indexOf("|");
  if (bar < 0) throw new InvalidCursorError("missing id");
  const created_at = text.slice(0, bar);
  const id = text.slice(bar + 1);
  if (!storedTimestampPattern.test(created_at)) throw new InvalidCursorError("bad created_at");
  if (id === "") throw new InvalidCursorError("missing id");
  return { created_at, id };
}
