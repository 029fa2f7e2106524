/**
 * Incremental redaction of one JSON text that arrives in pieces: streamed tool-call arguments
 * (OpenAI `function.arguments`, Responses `function_call_arguments.delta`, Anthropic
 * `input_json_delta`). Splicing placeholders into the raw text, as `HeldText` does for prose,
 * breaks it: a number becomes a bare placeholder, and a value right after an escape (`\n`)
 * takes the escape's letter and leaves a dangling backslash.
 *
 * So the text is lexed as it arrives, and only the decoded contents of string values are
 * redacted, each in its own `HeldText`, then encoded again. Member names are held whole and
 * redacted when they end (arguments are JSON in a string, whose keys the body redactor redacts
 * too). Structure, numbers and literals pass as they came. Every buffer is bounded: a string
 * value or name by `maxHold` (then streamed), a denied value by `maxOpenMatch`, a held word by
 * `maxHold`, the nesting by 512 levels (deeper, the rest is scanned as text). The aim is that the concatenated output is JSON whenever the input is, and
 * parses to the value `redactJsonText` gives for the whole text:
 *
 * - a string or number under a denied member name (`body.key_denylist`) is held whole and
 *   replaced by the quoted `FIELD` placeholder (held up to `maxOpenMatch`; past it the
 *   placeholder is sent and the rest of the value is dropped);
 * - a string whose contents start like a container (`{`, `[`) may be JSON in a string; it is
 *   held whole (up to `maxHold`) and redacted as `redactJsonText` redacts it;
 * - text that turns out not to be JSON (a bare word outside strings) is, from that word on,
 *   scanned as plain text, so nothing goes out unexamined.
 *
 * Escapes are decoded as `decodeJsonString` decodes them; redacted contents are written back
 * with `JSON.stringify`, so `\u00e9` may come out as `é` and `\/` as `/` (the same value).
 */
import { spliceFindings } from "../redact_text.ts";
import { redactJsonText } from "../redact_json.ts";
import { addCount, type Counts, mergeCounts, type RedactRules } from "../types.ts";
import { defaultHeldTextLimits, HeldText, type HeldTextLimits } from "./held_text.ts";

const OBJECT = 0;
const ARRAY = 1;
/**
 * Deeper nesting than this is not followed: the rest of the text is scanned as text, so the
 * stacks of a hostile `[[[[…` stay bounded.
 */
const maxDepth = 512;

const numberPattern = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const numberPrefixPattern = /^-?\d*(?:\.\d*)?(?:[eE][+-]?\d*)?$/;
const literals = ["true", "false", "null"];
const simpleEscapes: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** The string being read: what is done with its decoded contents. */
type Str =
  /**
   * A member name: held whole (up to `maxHold`), remembered for the field rules and redacted
   * when it ends, as the body redactor redacts keys of JSON in a string. A longer name is
   * streamed through its own held text (`held`) and is no denied name.
   */
  | { kind: "key"; text: string; held: HeldText | null }
  /** A value whose first non-blank character has not arrived yet. */
  | { kind: "lead"; text: string }
  /** A value that may be JSON itself: held whole. */
  | { kind: "whole"; text: string }
  /** A value streamed through its own held text. */
  | { kind: "stream"; held: HeldText }
  /** A value under a denied name: held whole, sent as one placeholder. */
  | { kind: "denied"; text: string }
  /** The rest of a denied value whose placeholder already went out. */
  | { kind: "dropped" };

function isWhitespace(c: string): boolean {
  return c === " " || c === "\n" || c === "\r" || c === "\t";
}

function isDelimiter(c: string): boolean {
  return isWhitespace(c) || c === '"' || c === "," || c === ":" || c === "[" || c === "]" ||
    c === "{" || c === "}";
}

function isHex(c: string): boolean {
  return /^[0-9a-fA-F]$/.test(c);
}

/** Contents of a JSON string literal, without the quotes. */
function encode(text: string): string {
  return text === "" ? "" : JSON.stringify(text).slice(1, -1);
}

export class JsonHeldText {
  readonly #rules: RedactRules;
  readonly #limits: HeldTextLimits;
  readonly counts: Counts;
  /** Set once the text proved not to be JSON: everything from there is scanned as text. */
  #text: HeldText | null = null;
  /** Input not lexed yet: an escape or a bare word that may still grow. */
  #pending = "";
  /** When `#pending` is a bare word: how much of it is known to hold no delimiter. */
  #wordScanned = 0;
  #str: Str | null = null;
  readonly #kinds: number[] = [];
  readonly #names: (string | null)[] = [];
  #expectKey = false;
  #started = false;
  #denied = new Map<string, boolean>();

  /** `counts` may be shared between texts (all channels of one stream). */
  constructor(rules: RedactRules, limits: Partial<HeldTextLimits> = {}, counts: Counts = {}) {
    this.#rules = rules;
    this.#limits = { ...defaultHeldTextLimits, ...limits };
    this.counts = counts;
  }

  /** Text received and not sent yet (UTF-16 units), for a stream's budget. */
  get held(): number {
    if (this.#text !== null) return this.#text.held;
    const s = this.#str;
    let n = this.#pending.length;
    if (s === null) return n;
    if (s.kind === "key") n += s.text.length + (s.held?.held ?? 0);
    else if (s.kind === "stream") n += s.held.held;
    else if (s.kind !== "dropped") n += s.text.length;
    return n;
  }

  /** Adds a piece of the JSON text; returns the JSON text that can be sent now. */
  push(piece: string): string {
    if (this.#text !== null) return this.#text.push(piece);
    if (piece === "") return "";
    return this.#lex(this.#pending + piece, false);
  }

  /** The end of the text: everything still held. */
  flush(): string {
    if (this.#text !== null) return this.#text.flush();
    let out = this.#lex(this.#pending, true);
    if (this.#text !== null) return out + (this.#text as HeldText).flush();
    const rest = this.#pending;
    this.#pending = "";
    const s = this.#str;
    this.#str = null;
    if (s === null) return out + rest;
    // Cut inside a string: its contents so far, without a closing quote, then the cut escape.
    switch (s.kind) {
      case "key":
        out += encode(
          s.held !== null
            ? s.held.flush()
            : spliceFindings(s.text, this.#rules.scan(s.text), this.#rules, this.counts) ?? s.text,
        );
        break;
      case "dropped":
        break;
      case "stream":
        out += encode(s.held.flush());
        break;
      case "denied":
        out += this.#fieldPlaceholder(s.text).slice(0, -1);
        break;
      default:
        out += this.#wholeValue(s.text).slice(0, -1);
    }
    return out + rest;
  }

  #lex(input: string, final: boolean): string {
    let out = "";
    let i = 0;
    const n = input.length;
    const wordScanned = this.#wordScanned;
    this.#pending = "";
    this.#wordScanned = 0;
    if (!this.#started && n > 0) {
      this.#started = true;
      if (input.charCodeAt(0) === 0xfeff) {
        out += input[0];
        i = 1;
      }
    }
    while (i < n) {
      const s = this.#str;
      if (s !== null) {
        // A run of plain characters, then a quote or an escape.
        let j = i;
        while (j < n && input[j] !== '"' && input[j] !== "\\") j++;
        if (j > i) out += this.#contents(s, input.slice(i, j));
        if (j >= n) return out;
        // The string's state may have changed kind (lead -> stream) while reading the run.
        if (input[j] === '"') {
          out += this.#endString(this.#str!);
          i = j + 1;
          continue;
        }
        const escape = this.#escape(input, j);
        if (escape === null) {
          // Cut: wait for the rest (at the end, `flush` sends it as it came).
          this.#pending = input.slice(j);
          return out;
        }
        out += this.#contents(this.#str!, escape.text);
        i = escape.next;
        continue;
      }
      const c = input[i]!;
      if (isWhitespace(c)) {
        out += c;
        i++;
      } else if (c === '"') {
        i++;
        out += this.#startString();
      } else if ((c === "{" || c === "[") && this.#kinds.length >= maxDepth) {
        this.#text = new HeldText(this.#rules, this.#limits, this.counts);
        return out + this.#text.push(input.slice(i));
      } else if (c === "{" || c === "[") {
        this.#names.push(c === "{" ? null : this.#valueName());
        this.#kinds.push(c === "{" ? OBJECT : ARRAY);
        this.#expectKey = c === "{";
        out += c;
        i++;
      } else if (c === "}" || c === "]") {
        this.#kinds.pop();
        this.#names.pop();
        this.#expectKey = false;
        out += c;
        i++;
      } else if (c === ":") {
        this.#expectKey = false;
        out += c;
        i++;
      } else if (c === ",") {
        if (this.#kinds.at(-1) === OBJECT) {
          this.#expectKey = true;
          this.#names[this.#names.length - 1] = null;
        }
        out += c;
        i++;
      } else {
        // A word held from the last piece is not searched again (1-character pieces of a long
        // number would make that quadratic).
        let j = i === 0 && wordScanned > 1 ? wordScanned : i + 1;
        while (j < n && !isDelimiter(input[j]!)) j++;
        const cut = j >= n;
        if (cut && !final && j - i <= this.#limits.maxHold) {
          this.#pending = input.slice(i);
          this.#wordScanned = n - i;
          return out;
        }
        const word = input.slice(i, j);
        const bare = this.#bare(word, cut);
        if (bare === null) {
          // Not JSON: from this word on, the text is scanned as text.
          this.#text = new HeldText(this.#rules, this.#limits, this.counts);
          this.#pending = "";
          return out + this.#text.push(input.slice(i));
        }
        out += bare;
        i = j;
      }
    }
    return out;
  }

  /** A number or literal as it is sent; null when the word is not JSON. */
  #bare(word: string, cut: boolean): string | null {
    if (numberPattern.test(word) || (cut && numberPrefixPattern.test(word))) {
      if (this.#isDenied(this.#valueName())) return this.#fieldPlaceholder(word);
      // Arguments are data, as JSON embedded in a string is to the body redactor: a card number
      // written as a JSON number is a card number (it goes out as a quoted placeholder).
      const redacted = spliceFindings(word, this.#rules.scan(word), this.#rules, this.counts);
      return redacted === null || redacted === word ? word : JSON.stringify(redacted);
    }
    return literals.some((l) => cut ? l.startsWith(word) : l === word) ? word : null;
  }

  /** The escape at `j` (a backslash): its decoded text and the index after it; null if cut. */
  #escape(input: string, j: number): { text: string; next: number } | null {
    const n = input.length;
    if (j + 1 >= n) return null;
    const e = input[j + 1]!;
    const simple = simpleEscapes[e];
    if (simple !== undefined) return { text: simple, next: j + 2 };
    if (e === "u") {
      for (let k = j + 2; k < j + 6; k++) {
        if (k >= n) return null;
        // Invalid: only the backslash is dropped, as `decodeJsonString` does.
        if (!isHex(input[k]!)) return { text: "", next: j + 1 };
      }
      return { text: String.fromCharCode(parseInt(input.slice(j + 2, j + 6), 16)), next: j + 6 };
    }
    return { text: "", next: j + 1 };
  }

  #startString(): string {
    if (this.#expectKey && this.#kinds.at(-1) === OBJECT) {
      this.#str = { kind: "key", text: "", held: null };
      return '"';
    }
    this.#str = this.#isDenied(this.#valueName())
      ? { kind: "denied", text: "" }
      : { kind: "lead", text: "" };
    return "";
  }

  /** Adds decoded `text` to the string being read. */
  #contents(s: Str, text: string): string {
    switch (s.kind) {
      case "key":
        if (s.held !== null) return encode(s.held.push(text));
        s.text += text;
        if (s.text.length <= this.#limits.maxHold) return "";
        s.held = new HeldText(this.#rules, this.#limits, this.counts);
        text = s.text;
        s.text = "";
        return encode(s.held.push(text));
      case "stream":
        return encode(s.held.push(text));
      case "dropped":
        return "";
      case "denied":
        s.text += text;
        if (s.text.length <= this.#limits.maxOpenMatch) return "";
        this.#str = { kind: "dropped" };
        return this.#fieldPlaceholder(s.text);
      case "lead": {
        s.text += text;
        // Only the new text can hold the first non-blank character.
        const first = text.trimStart()[0];
        if (first === undefined) {
          // Blank so far: past the bound it is streamed (blanks hold no value).
          return s.text.length <= this.#limits.maxHold ? "" : this.#stream(s.text);
        }
        if (first === "{" || first === "[") {
          this.#str = { kind: "whole", text: s.text };
          return this.#contents(this.#str, "");
        }
        return this.#stream(s.text);
      }
      case "whole":
        s.text += text;
        return s.text.length <= this.#limits.maxHold ? "" : this.#stream(s.text);
    }
  }

  /** Starts streaming the current value with `text` as its first contents. */
  #stream(text: string): string {
    const held = new HeldText(this.#rules, this.#limits, this.counts);
    this.#str = { kind: "stream", held };
    return '"' + encode(held.push(text));
  }

  #endString(s: Str): string {
    this.#str = null;
    switch (s.kind) {
      case "key": {
        this.#expectKey = false;
        if (s.held !== null) {
          this.#names[this.#names.length - 1] = null;
          return encode(s.held.flush()) + '"';
        }
        this.#names[this.#names.length - 1] = s.text;
        const redacted = spliceFindings(s.text, this.#rules.scan(s.text), this.#rules, this.counts);
        return encode(redacted ?? s.text) + '"';
      }
      case "stream":
        return encode(s.held.flush()) + '"';
      case "dropped":
        return "";
      case "denied":
        return this.#fieldPlaceholder(s.text);
      default:
        return this.#wholeValue(s.text);
    }
  }

  /** A whole string value, redacted as `redactJsonText` redacts one: a string literal. */
  #wholeValue(text: string): string {
    const literal = JSON.stringify(text);
    const result = redactJsonText(literal, this.#rules);
    mergeCounts(this.counts, result.counts);
    return result.text;
  }

  /** The quoted placeholder for a value under a denied name. */
  #fieldPlaceholder(value: string): string {
    addCount(this.counts, "field_name");
    return JSON.stringify(this.#rules.placeholder("FIELD", value));
  }

  #valueName(): string | null {
    const top = this.#kinds.length - 1;
    if (top < 0 || (this.#kinds[top] === OBJECT && this.#expectKey)) return null;
    return this.#names[top] ?? null;
  }

  #isDenied(name: string | null): boolean {
    if (name === null) return false;
    let d = this.#denied.get(name);
    if (d === undefined) this.#denied.set(name, d = this.#rules.isDeniedField(name));
    return d;
  }
}
