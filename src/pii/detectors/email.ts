/**
 * Email addresses. The search is anchored on `@` and grows outwards with bounded scans instead
 * of one big regular expression: a local-part regex tried at every position of a long word is
 * quadratic, this is linear.
 */

import type { Detector, Finding } from "../types.ts";
import { charKind, codePointBefore, Kind, scriptOf } from "./text.ts";

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
 *
 * The local part is RFC 5322 "atext" with the Unicode letters, digits and marks RFC 6531 allows,
 * but its letters are of one script: Latin (ASCII and `é`), or one other (Chinese and Japanese
 * count as one). Chinese, Japanese and Thai put no space before an address, so the walk stops
 * where the script changes: `アドレスはjane.doe@example.com` is `jane.doe@example.com`, and
 * `連絡先は用户@example.com` stays one local part (it cannot be told apart). ASCII punctuation
 * joins either script; a mark belongs to the letter before it.
 */
function localStart(text: string, atSign: number, floor: number): number {
  let start = atSign;
  let script = -1;
  let i = atSign;
  while (i > floor) {
    const { cp, size } = codePointBefore(text, i);
    if (i - size < floor) break;
    const kind = charKind(cp);
    if (kind === Kind.latin || kind === Kind.other) {
      const s = kind === Kind.latin ? 0 : scriptOf(cp);
      if (script === -1) script = s;
      else if (s !== script) break;
    } else if (kind !== Kind.join && kind !== Kind.mark) {
      break;
    }
    i -= size;
    // Marks count once the letter they belong to is in; trailing ones are dropped with it.
    if (kind !== Kind.mark) start = i;
    if (atSign - i > MAX_LOCAL) return -1;
  }
  // Leading dots belong to the sentence ("see.me@x.io" is fine, "...me@x.io" starts at "me").
  while (start < atSign && text[start] === ".") start++;
  const local = text.slice(start, atSign);
  if (local.length === 0 || local.endsWith(".") || local.includes("..")) return -1;
  return start;
}
