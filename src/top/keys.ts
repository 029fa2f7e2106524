/**
 * Terminal input in raw mode to keys. One read may hold several keys (typed fast, or pasted) and
 * escape sequences of keys `top` has no use for (arrows, function keys): those are recognised
 * whole so their bytes are not taken as `[`, `A`... A lone ESC is the Escape key.
 */

export type Key =
  | { kind: "char"; char: string }
  | { kind: "enter" }
  | { kind: "escape" }
  | { kind: "backspace" }
  | { kind: "tab" }
  | { kind: "ctrl"; letter: string }
  | { kind: "other" };

/** At most this many keys from one read: a paste of a whole file is not replayed key by key. */
export const maxKeysPerRead = 256;

export function decodeKeys(input: string): Key[] {
  const keys: Key[] = [];
  const chars = [...input];
  let i = 0;
  while (i < chars.length && keys.length < maxKeysPerRead) {
    const ch = chars[i]!;
    if (ch === "\x1b") {
      const end = sequenceEnd(chars, i);
      keys.push(end === i + 1 ? { kind: "escape" } : { kind: "other" });
      i = end;
      continue;
    }
    keys.push(keyOf(ch));
    i++;
  }
  return keys;
}

/** The index after an escape sequence starting at `i` (CSI, SS3, Alt+key), or i + 1 (lone ESC). */
function sequenceEnd(chars: string[], i: number): number {
  const next = chars[i + 1];
  if (next === "[") {
    // CSI: parameter and intermediate bytes, then one final byte in @..~.
    let j = i + 2;
    while (j < chars.length && /[0-9;:<=>?!"#$%&'()*+,\-./ ]/.test(chars[j]!)) j++;
    return Math.min(j + 1, chars.length);
  }
  if (next === "O") return Math.min(i + 3, chars.length);
  if (next !== undefined && next !== "\x1b") return i + 2;
  return i + 1;
}

function keyOf(ch: string): Key {
  if (ch === "\r" || ch === "\n") return { kind: "enter" };
  if (ch === "\t") return { kind: "tab" };
  if (ch === "\x7f" || ch === "\b") return { kind: "backspace" };
  const code = ch.codePointAt(0)!;
  if (code < 0x20) return { kind: "ctrl", letter: String.fromCharCode(code + 0x60) };
  if (code >= 0x80 && code < 0xa0) return { kind: "other" };
  return { kind: "char", char: ch };
}
