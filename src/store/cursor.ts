/**
 * Keyset cursor for the trace list, shared by every store: base64url (no padding) of the id of
 * the last item of the page. The store looks that trace up within the caller's scope and pages
 * below its insert sequence (`seq`), so inserts between pages never shift it (see
 * `TraceStore.listTraces`).
 *
 * An id, not the seq itself: seq counts every tenant's inserts, so the gap between two cursors
 * would tell a tenant how many requests the others made in between. The id is already in the
 * page, so the cursor says nothing the page does not; another tenant's id is no position in
 * the caller's scope and is refused like a malformed cursor.
 */
import { InvalidCursorError } from "./types.ts";

const base64url = /^[A-Za-z0-9_-]+$/;
const maxCursorLength = 2048;
/** Printable ASCII without spaces: every trace id the gateway makes (UUIDv7) or imports. */
const traceIdPattern = /^[\x21-\x7e]{1,512}$/;

export function encodeCursor(traceId: string): string {
  if (!traceIdPattern.test(traceId)) throw new RangeError("a trace id cannot be a cursor");
  return btoa(traceId).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The trace id a cursor points at. Throws `InvalidCursorError` naming what is wrong. */
export function decodeCursor(cursor: string): string {
  if (cursor.length > maxCursorLength || !base64url.test(cursor) || cursor.length % 4 === 1) {
    throw new InvalidCursorError("not base64url");
  }
  let text: string;
  try {
    text = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    throw new InvalidCursorError("not base64url");
  }
  if (!traceIdPattern.test(text)) throw new InvalidCursorError("not a trace position");
  return text;
}

/** The cursor named no trace the caller can see (missing, or another tenant's). */
export function unknownCursorPosition(): InvalidCursorError {
  return new InvalidCursorError("not a trace position");
}
