/**
 * Text on a terminal row: what the gateway sends is shown as text, never as control (a model
 * name or session id holding an escape sequence would otherwise move the cursor or recolour the
 * screen), and a row is measured in terminal cells, not UTF-16 units, so truncation with an
 * ellipsis keeps every line within the width and nothing wraps.
 */

export const ellipsis = "…";

/**
 * C0 and C1 controls, DEL, and the bidirectional overrides and isolates (they reorder what
 * follows on the row). Each becomes U+FFFD, so a hostile name still shows that something was
 * there.
 */
// deno-lint-ignore no-control-regex
const unsafe = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function sanitize(text: string): string {
  return text.replace(unsafe, "\ufffd");
}

/** Cells a code point takes: 0 for combining marks and zero-width characters, 2 for wide ones. */
export function cellWidth(cp: number): number {
  if (cp === 0x200b || cp === 0x200c || cp === 0x200d || cp === 0xfeff) return 0;
  if (cp >= 0xfe00 && cp <= 0xfe0f) return 0;
  if (combining.test(String.fromCodePoint(cp))) return 0;
  return isWide(cp) ? 2 : 1;
}

const combining = /^[\p{Mn}\p{Me}]$/u;

/** East Asian Wide and Fullwidth blocks and the emoji planes, by range (close enough for names). */
function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd);
}

/** The cells `text` takes on a row (after `sanitize`: no controls left to measure). */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += cellWidth(ch.codePointAt(0)!);
  return width;
}

/**
 * `text` within `width` cells: as is when it fits, else cut and ended with an ellipsis (which
 * takes the last cell). A width of 0 or less gives "".
 */
export function truncate(text: string, width: number): string {
  if (width <= 0) return "";
  if (textWidth(text) <= width) return text;
  return prefix(text, width - 1) + ellipsis;
}

/** The longest start of `text` that fits in `cells`. */
export function prefix(text: string, cells: number): string {
  let out = "";
  let used = 0;
  for (const ch of text) {
    const w = cellWidth(ch.codePointAt(0)!);
    if (used + w > cells) break;
    out += ch;
    used += w;
  }
  return out;
}

/** `text` truncated to `width` and padded with spaces to exactly `width` cells. */
export function padEnd(text: string, width: number): string {
  const cut = truncate(text, width);
  return cut + " ".repeat(Math.max(0, width - textWidth(cut)));
}

/** As `padEnd`, aligned right (numbers). */
export function padStart(text: string, width: number): string {
  const cut = truncate(text, width);
  return " ".repeat(Math.max(0, width - textWidth(cut))) + cut;
}
