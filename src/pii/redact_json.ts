/**
 * Redaction of JSON text without parsing it into values: a lenient lexer walks the text, and only
 * string values (and numbers under denied member names) are ever replaced. Everything else, keys
 * included, keeps its bytes, so an unchanged body is the same string and a changed one differs only
 * where something was found. Works on cut (truncated) and invalid JSON and never throws; errors
 * thrown by `rules` themselves propagate, so that a caller can fail closed.
 */
import { jsonLiteralSteps } from "./big_strings.ts";
import { drain, type Meter, type Steps, unmetered } from "./budget.ts";
import { decodeJsonString } from "./json_string.ts";
import { type RedactResult, redactTextSteps, spliceFindings } from "./redact_text.ts";
import { redactStringSteps } from "./scan_steps.ts";
import { addCount, type Counts, mergeCounts, type RedactRules } from "./types.ts";

export interface RedactJsonResult extends RedactResult {
  /**
   * Outside its strings the text held something JSON never has (a bare word, a stray character):
   * it is not JSON, and that part was not examined. A caller should then also scan it as text.
   */
  nonJson: boolean;
}

/** JSON in a string in a string ...: deeper than this, an embedded document is scanned as text. */
const maxEmbeddedDepth = 4;

const OBJECT = 0;
const ARRAY = 1;

const numberPattern = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** What a number cut by the end of the input can look like. */
const numberPrefixPattern = /^-?\d*(?:\.\d*)?(?:[eE][+-]?\d*)?$/;
const literals = ["true", "false", "null"];

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Ends a bare word: whitespace, a quote or structure. */
function isDelimiter(c: number): boolean {
  return isWhitespace(c) || c === 0x22 || c === 0x2c || c === 0x3a || c === 0x5b || c === 0x5d ||
    c === 0x7b || c === 0x7d;
}

/** Redacts the string values of a JSON text; see the module comment. */
export function redactJsonText(text: string, rules: RedactRules): RedactJsonResult {
  return drain(new JsonRedactor(text, rules, 0, new Map(), unmetered()).steps());
}

/** Lexed text between two looks at the meter: about 20 µs of work. */
const lexStep = 16 * 1024;

/**
 * JSON redaction, plus a text scan of the result when the text turned out not to be JSON (bare
 * words outside strings would otherwise go unexamined).
 */
export function redactJsonBody(text: string, rules: RedactRules): RedactResult {
  return drain(redactJsonBodySteps(text, rules, unmetered()));
}

/** `redactJsonBody` in slices (see budget.ts). */
export function* redactJsonBodySteps(
  text: string,
  rules: RedactRules,
  meter: Meter,
): Steps<RedactResult> {
  const json = yield* new JsonRedactor(text, rules, 0, new Map(), meter).steps();
  if (!json.nonJson) return json;
  const asText = yield* redactTextSteps(json.text, rules, meter);
  return {
    text: asText.text,
    counts: mergeCounts(json.counts, asText.counts),
    changed: json.changed || asText.changed,
  };
}

class JsonRedactor {
  readonly n: number;
  readonly counts: Counts = {};
  /** Output pieces, only once something changed; `last` is where the unchanged text resumes. */
  parts: string[] | null = null;
  last = 0;
  nonJson = false;
  /** The next backslash at or after the current string, or `n`: strings before it need no decoding. */
  nextBackslash = -1;
  /** Per open container: its kind, and its member name (the current key, or the array's). */
  readonly kinds: number[] = [];
  readonly names: (string | null)[] = [];
  /** In an object, between `{` or `,` and the next key. */
  expectKey = false;
  /** Text lexed since the last look at the meter. */
  work = 0;

  constructor(
    readonly text: string,
    readonly rules: RedactRules,
    readonly depth: number,
    readonly denied: Map<string, boolean>,
    readonly meter: Meter,
  ) {
    this.n = text.length;
  }

  *steps(): Steps<RedactJsonResult> {
    const { text, n, kinds, names } = this;
    let i = n > 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isWhitespace(c)) i++;
      else if (c === 0x22) {
        const end = yield* this.string(i);
        this.work += end - i;
        i = end;
        if (this.work > lexStep) {
          this.work = 0;
          if (this.meter.due()) yield;
        }
      } else if (c === 0x7b || c === 0x5b) {
        names.push(c === 0x7b ? null : this.valueName());
        kinds.push(c === 0x7b ? OBJECT : ARRAY);
        this.expectKey = c === 0x7b;
        i++;
      } else if (c === 0x7d || c === 0x5d) {
        kinds.pop();
        names.pop();
        this.expectKey = false;
        i++;
      } else if (c === 0x3a) {
        this.expectKey = false;
        i++;
      } else if (c === 0x2c) {
        if (kinds[kinds.length - 1] === OBJECT) {
          this.expectKey = true;
          names[names.length - 1] = null;
        }
        i++;
      } else i = this.bare(i);
    }
    const changed = this.parts !== null;
    const out = changed ? this.parts!.join("") + text.slice(this.last) : text;
    return {
      text: out,
      counts: this.counts,
      changed: changed && out !== text,
      nonJson: this.nonJson,
    };
  }

  /** The member name a value here belongs to; null at the top and for a key missing its colon. */
  valueName(): string | null {
    const top = this.kinds.length - 1;
    if (top < 0 || (this.kinds[top] === OBJECT && this.expectKey)) return null;
    return this.names[top] ?? null;
  }

  isDenied(name: string | null): boolean {
    if (name === null) return false;
    let d = this.denied.get(name);
    if (d === undefined) this.denied.set(name, d = this.rules.isDeniedField(name));
    return d;
  }

  replace(start: number, end: number, token: string): void {
    (this.parts ??= []).push(this.text.slice(this.last, start), token);
    this.last = end;
  }

  /** A string token at `i` (its opening quote); returns the index after it. */
  *string(i: number): Steps<number> {
    const { text, n } = this;
    let close = text.indexOf('"', i + 1);
    if (close < 0) close = n;
    if (this.nextBackslash < i) {
      this.nextBackslash = text.indexOf("\\", i);
      if (this.nextBackslash < 0) this.nextBackslash = n;
    }
    const escaped = this.nextBackslash < close;
    if (escaped) {
      close = this.nextBackslash;
      while (close < n) {
        const c = text.charCodeAt(close);
        if (c === 0x22) break;
        close += c === 0x5c ? 2 : 1;
      }
      if (close > n) close = n;
    }
    const open = close >= n;
    const end = open ? n : close + 1;
    if (this.expectKey && !open && this.kinds[this.kinds.length - 1] === OBJECT) {
      let j = end;
      while (j < n && isWhitespace(text.charCodeAt(j))) j++;
      // A key cut off before its colon (a truncated body) is still a key.
      if (j >= n || text.charCodeAt(j) === 0x3a) {
        const key = escaped
          ? decodeJsonString(text, i + 1, close, false).value
          : text.slice(i + 1, close);
        this.names[this.names.length - 1] = key;
        this.expectKey = false;
        // In JSON embedded in a string (a tool result, pasted data) keys are data too.
        if (this.depth > 0) {
          const redacted = spliceFindings(key, this.rules.scan(key), this.rules, this.counts);
          if (redacted !== null && redacted !== key) this.replace(i, end, JSON.stringify(redacted));
        }
        return end;
      }
    }
    const decoded = escaped
      ? decodeJsonString(text, i + 1, close, open)
      : { value: text.slice(i + 1, close), cut: close };
    let value: string | null;
    if (this.isDenied(this.valueName())) {
      value = this.rules.placeholder("FIELD", decoded.value);
      addCount(this.counts, "field_name");
      if (value === decoded.value) value = null;
    } else value = yield* this.redactValue(decoded.value);
    if (value !== null) {
      const literal = yield* jsonLiteralSteps(value, this.meter);
      this.replace(i, end, open ? literal.slice(0, -1) + text.slice(decoded.cut, close) : literal);
    }
    return end;
  }

  /** The redacted text of a decoded string value, or null when it stays as it is. */
  *redactValue(value: string): Steps<string | null> {
    if (value.length === 0) return null;
    if (this.depth < maxEmbeddedDepth && startsLikeContainer(value)) {
      let parses = true;
      try {
        JSON.parse(value);
      } catch {
        parses = false;
      }
      if (parses) {
        const inner = yield* new JsonRedactor(
          value,
          this.rules,
          this.depth + 1,
          this.denied,
          this.meter,
        ).steps();
        mergeCounts(this.counts, inner.counts);
        return inner.changed ? inner.text : null;
      }
    }
    const out = yield* redactStringSteps(value, this.rules, this.counts, this.meter);
    return out === value ? null : out;
  }

  /** A number, a literal or something that is not JSON at `i`; returns the index after it. */
  bare(i: number): number {
    const { text, n } = this;
    let j = i + 1;
    while (j < n && !isDelimiter(text.charCodeAt(j))) j++;
    const word = text.slice(i, j);
    const cut = j >= n;
    const isNumber = numberPattern.test(word) || (cut && numberPrefixPattern.test(word));
    if (isNumber) {
      if (this.isDenied(this.valueName())) {
        addCount(this.counts, "field_name");
        this.replace(i, j, JSON.stringify(this.rules.placeholder("FIELD", word)));
      } else if (this.depth > 0) {
        // Top-level numbers are the API's own (max_tokens, seed, created). In JSON embedded in a
        // string they are user data: `{"card_number": 4111111111111111}` in a tool result.
        const redacted = spliceFindings(word, this.rules.scan(word), this.rules, this.counts);
        if (redacted !== null && redacted !== word) this.replace(i, j, JSON.stringify(redacted));
      }
    } else if (!literals.some((l) => cut ? l.startsWith(word) : l === word)) this.nonJson = true;
    return j;
  }
}

function startsLikeContainer(value: string): boolean {
  let k = 0;
  while (k < value.length && isWhitespace(value.charCodeAt(k))) k++;
  const c = value.charCodeAt(k);
  return c === 0x7b || c === 0x5b;
}
