/**
 * Whole-string operations on redacted text of tens of megabytes (a 32 MiB body full of
 * addresses grows by half once redacted), done piece by piece so that none of them holds the
 * event loop for long: quoting a JSON string and encoding UTF-8. Pieces end between code points,
 * never inside a surrogate pair, so the result is byte for byte that of the one-go operation.
 */
import { concatBytes } from "../bytes.ts";
import type { Meter, Steps } from "./budget.ts";

/** Characters per piece: a millisecond or so of work each. */
export const pieceChars = 256 * 1024;

/** `at`, or one less when `at` would cut a surrogate pair in two. */
function pieceEnd(text: string, at: number): number {
  if (at <= 0 || at >= text.length) return Math.max(0, Math.min(at, text.length));
  const before = text.charCodeAt(at - 1);
  const after = text.charCodeAt(at);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff ? at - 1 : at;
}

/** `JSON.stringify(value)`, piece by piece. */
export function* jsonLiteralSteps(value: string, meter: Meter): Steps<string> {
  if (value.length <= pieceChars) return JSON.stringify(value);
  const out: string[] = ['"'];
  for (let from = 0; from < value.length;) {
    const to = pieceEnd(value, from + pieceChars);
    out.push(JSON.stringify(value.slice(from, to)).slice(1, -1));
    from = to;
    if (meter.due()) yield;
  }
  out.push('"');
  return out.join("");
}

/** `new TextEncoder().encode(text)`, piece by piece. */
export function* encodeSteps(text: string, meter: Meter): Steps<Uint8Array> {
  const encoder = new TextEncoder();
  if (text.length <= pieceChars) return encoder.encode(text);
  const pieces: Uint8Array[] = [];
  for (let from = 0; from < text.length;) {
    const to = pieceEnd(text, from + pieceChars);
    const piece = encoder.encode(text.slice(from, to));
    pieces.push(piece);
    from = to;
    if (meter.due()) yield;
  }
  return concatBytes(pieces);
}
