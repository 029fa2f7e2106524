/**
 * Sets one top-level member of a JSON object by editing the text in place. Re-serialising the
 * parsed value would round large integers (a 64-bit `seed`), rewrite escapes and drop duplicate
 * keys; splicing leaves every other byte exactly as the client wrote it.
 *
 * Only called on text that `JSON.parse` already accepted, so the scanner can trust the grammar.
 */

interface MemberSpan {
  key: string;
  /** The key's opening quote. */
  keyStart: number;
  valueStart: number;
  valueEnd: number;
}

const whitespace = new Set([" ", "\t", "\n", "\r"]);

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && whitespace.has(text[i]!)) i++;
  return i;
}

/** `i` is at the opening quote; returns the index after the closing quote. */
function skipString(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text[j];
    if (c === "\\") j += 2;
    else if (c === '"') return j + 1;
    else j++;
  }
  return -1;
}

function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === "{" || c === "[") {
    let depth = 0;
    let j = i;
    while (j < text.length) {
      const d = text[j];
      if (d === '"') {
        j = skipString(text, j);
        if (j < 0) return -1;
        continue;
      }
      if (d === "{" || d === "[") depth++;
      else if (d === "}" || d === "]") {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    return -1;
  }
  let j = i;
  while (j < text.length && !whitespace.has(text[j]!) && text[j] !== "," && text[j] !== "}") j++;
  return j;
}

function scanMembers(text: string): { members: MemberSpan[]; close: number } | null {
  let i = skipWhitespace(text, 0);
  if (text[i] !== "{") return null;
  i++;
  const members: MemberSpan[] = [];
  for (;;) {
    i = skipWhitespace(text, i);
    if (text[i] === "}") return { members, close: i };
    if (text[i] === ",") i = skipWhitespace(text, i + 1);
    if (text[i] !== '"') return null;
    const keyStart = i;
    const keyEnd = skipString(text, i);
    if (keyEnd < 0) return null;
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWhitespace(text, keyEnd);
    if (text[i] !== ":") return null;
    const valueStart = skipWhitespace(text, i + 1);
    const valueEnd = skipValue(text, valueStart);
    if (valueEnd < 0) return null;
    members.push({ key, keyStart, valueStart, valueEnd });
    i = valueEnd;
  }
}

/**
 * Returns `text` with the top-level member `key` set to `valueJson` (already serialised). An
 * existing member keeps its place (the last one when the key repeats, as `JSON.parse` reads it);
 * a new member goes after the last one. Null when `text` is not a JSON object.
 */
export function setTopLevelMember(text: string, key: string, valueJson: string): string | null {
  const scan = scanMembers(text);
  if (scan === null) return null;
  const existing = scan.members.findLast((m) => m.key === key);
  if (existing) {
    return text.slice(0, existing.valueStart) + valueJson + text.slice(existing.valueEnd);
  }
  const last = scan.members.at(-1);
  const member = `${JSON.stringify(key)}:${valueJson}`;
  if (last === undefined) return text.slice(0, scan.close) + member + text.slice(scan.close);
  return text.slice(0, last.valueEnd) + "," + member + text.slice(last.valueEnd);
}

/**
 * Returns `text` without the top-level member `key` (every occurrence), every other byte as it
 * was; `text` itself when there is none. Null when `text` is not a JSON object.
 */
export function removeTopLevelMember(text: string, key: string): string | null {
  let out = text;
  // One occurrence per pass (a repeated key is rare), rescanned so every span is current.
  for (;;) {
    const scan = scanMembers(out);
    if (scan === null) return null;
    const i = scan.members.findIndex((m) => m.key === key);
    if (i === -1) return out;
    const m = scan.members[i]!;
    const next = scan.members[i + 1];
    // With the comma before it; the first member with the comma after it.
    const [start, end] = i > 0
      ? [scan.members[i - 1]!.valueEnd, m.valueEnd]
      : [m.keyStart, next === undefined ? m.valueEnd : next.keyStart];
    out = out.slice(0, start) + out.slice(end);
  }
}
