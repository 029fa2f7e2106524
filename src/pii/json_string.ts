/**
 * Lenient decoding of the inside of a JSON string literal, for the redactors: full escape
 * semantics on valid input, and on invalid or cut input a best effort that never throws.
 */

export interface DecodedString {
  value: string;
  /**
   * Where an escape cut by the end of the input begins (`\`, `\u00`): `value` stops before it.
   * Equal to the end when nothing was cut. Only an unterminated string can end inside an escape.
   */
  cut: number;
}

const simpleEscapes: Record<number, string> = {
  0x22: '"',
  0x5c: "\\",
  0x2f: "/",
  0x62: "\b",
  0x66: "\f",
  0x6e: "\n",
  0x72: "\r",
  0x74: "\t",
};

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/** The code unit spelled by `count` hex digits at `at`, or -1 if one is not a hex digit. */
function hexAt(text: string, at: number, count: number): number {
  let v = 0;
  for (let k = 0; k < count; k++) {
    const h = hexValue(text.charCodeAt(at + k));
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/**
 * Decodes `text[from, to)`, the characters between the quotes. `\uXXXX` gives one UTF-16 code
 * unit, so surrogate pairs come out whole and lone surrogates come out as they are. An invalid
 * escape (`\q`, `\uZZ`) decodes as the characters after the backslash, as in JavaScript: the
 * redactor then sees `q`, never a hidden character. With `open` (no closing quote: the input was
 * cut), an escape cut by the end is left out of `value` and reported in `cut`.
 */
export function decodeJsonString(
  text: string,
  from: number,
  to: number,
  open: boolean,
): DecodedString {
  let value = "";
  let seg = from;
  let bs = text.indexOf("\\", from);
  while (bs >= 0 && bs < to) {
    value += text.slice(seg, bs);
    if (bs + 1 >= to) return { value, cut: open ? bs : to };
    const e = text.charCodeAt(bs + 1);
    let next = bs + 2;
    const simple = simpleEscapes[e];
    if (simple !== undefined) value += simple;
    else if (e === 0x75 && bs + 6 <= to && hexAt(text, bs + 2, 4) >= 0) {
      value += String.fromCharCode(hexAt(text, bs + 2, 4));
      next = bs + 6;
    } else if (e === 0x75 && open && bs + 6 > to && hexAt(text, bs + 2, to - bs - 2) >= 0) {
      return { value, cut: bs };
    } else next = bs + 1; // invalid escape: drop the backslash only
    seg = next;
    bs = text.indexOf("\\", next);
  }
  return { value: value + text.slice(seg, to), cut: to };
}
