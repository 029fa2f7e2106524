/**
 * Encoded binary inside JSON strings: base64 images (`source.data`, `data:image/png;base64,...`),
 * Anthropic thinking signatures, Responses `encrypted_content`. Their letters and digits are
 * random, so a pattern that matches in them is a coincidence (one in a few thousand signatures
 * holds a mod-97-valid IBAN shape between two `/`), and replacing it would corrupt an image or a
 * signature the provider then rejects. They are not scanned.
 *
 * Only standard base64 counts (`A-Z a-z 0-9 + / =`, no spaces) and only from 256 characters:
 * credentials are shorter or carry `-`, `_` or `.` (`sk-proj-...`, JWTs), so they are still seen.
 */

const minLength = 256;
const dataUrl = /^data:[\w.+-]+\/[\w.+-]+(?:;[\w=.+-]+)*;base64,/;

function isBase64Run(text: string, from: number): boolean {
  if (text.length - from < minLength) return false;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ok = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) ||
      c === 0x2b || c === 0x2f || c === 0x3d;
    if (!ok) return false;
  }
  return true;
}

/** True for a whole string that is base64 data (or a base64 `data:` URL). */
export function isEncodedBinary(text: string): boolean {
  if (text.length < minLength) return false;
  if (text.startsWith("data:")) {
    const head = dataUrl.exec(text);
    return head !== null && isBase64Run(text, head[0].length);
  }
  return isBase64Run(text, 0);
}
