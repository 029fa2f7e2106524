/**
 * Email addresses. The search is anchored on `@` and grows outwards with bounded scans instead
 * of one big regular expression: a local-part regex tried at every position of a long word is
 * quadratic, this is linear.
 */

import type { Detector, Finding } from "../types.ts";

/** RFC 5322 "atext", with the Unicode letters and digits RFC 6531 allows. */
const LOCAL_CHAR = /[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]/u;
const MAX_LOCAL = 64;

/**
 * Domain labels (letters, digits, inner hyphens), then a letters-only TLD of at least two. Sticky:
 * it runs at the position right after one `@`.
 */
const DOMAIN =
  /(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,63})(?![a-z0-9_-]|\.[a-z0-9])/iy;

/**
 * File extensions that are not TLDs, so `icon@2x.png` or `pkg@1.2.3/mod.ts` is not an address.
 * (Extensions that are also country TLDs, like `.md` or `.py`, stay addresses.)
 */
const FILE_EXTENSIONS = new Set([
  "png",
  "jpg",
  "jpeg",
  "gif",
  "svg",
  "webp",
  "ico",
  "bmp",
  "js",
  "mjs",
  "cjs",
  "ts",
  "tsx",
  "jsx",
  "css",
  "scss",
  "json",
  "html",
  "htm",
  "txt",
  "yaml",
  "yml",
  "toml",
  "lock",
  "map",
  "wasm",
]);

export const email: Detector = {
  name: "email",
  type: "EMAIL",
  find(text: string): Finding[] {
    const out: Finding[] = [];
    let from = 0;
    for (let atSign = text.indexOf("@"); atSign !== -1; atSign = text.indexOf("@", atSign + 1)) {
      const start = localStart(text, atSign, from);
      if (start === -1) continue;
      DOMAIN.lastIndex = atSign + 1;
      const m = DOMAIN.exec(text);
      if (m === null || FILE_EXTENSIONS.has(m[1]!.toLowerCase())) continue;
      const end = atSign + 1 + m[0].length;
      out.push({ detector: "email", type: "EMAIL", start, end });
      from = end;
      atSign = end - 1;
    }
    return out;
  },
};

/**
 * Start of the local part ending at `atSign`, or -1 when there is none: empty, longer than 64
 * (so the tail of a long token is not an address), ending with a dot or containing `..`.
 */
function localStart(text: string, atSign: number, floor: number): number {
  let i = atSign;
  while (i > floor && (LOCAL_CHAR.test(text[i - 1]!) || text[i - 1] === ".")) {
    i--;
    if (atSign - i > MAX_LOCAL) return -1;
  }
  // Leading dots belong to the sentence ("see.me@x.io" is fine, "...me@x.io" starts at "me").
  while (i < atSign && text[i] === ".") i++;
  const local = text.slice(i, atSign);
  if (local.length === 0 || local.endsWith(".") || local.includes("..")) return -1;
  return i;
}
