/**
 * The vocabulary shared by detectors, body redaction and streaming redaction. Everything here
 * is pure data: a detector finds spans in text, a placeholder function names them, and the
 * redactors splice placeholders in.
 */

/** One detected value: `[start, end)` in UTF-16 code units of the examined text. */
export interface Finding {
  /** The detector's name, which is also the count key: `email`, `phone`, ... or a custom name. */
  detector: string;
  /** Placeholder type, upper case: `EMAIL`, `PHONE`, `CREDIT_CARD`, ... */
  type: string;
  start: number;
  end: number;
}

export interface Detector {
  /** Config key and count key (`email`, `credit_card`, `token_like`, or a custom name). */
  readonly name: string;
  /** Placeholder type (`EMAIL`, `CREDIT_CARD`, `TOKEN`, ...). */
  readonly type: string;
  /**
   * Every match in `text`, in order and not overlapping each other. Pure and total: it never
   * throws, whatever the input (a detector bug must not break a request).
   */
  find(text: string): Finding[];
}

/** Runs a set of detectors over text and resolves overlaps between them: sorted, disjoint. */
export type Scan = (text: string) => Finding[];

/** The replacement text for a detected value, e.g. `[EMAIL_REDACTED:3f2a9c0d11e4b7a8]`. */
export type Placeholder = (type: string, value: string) => string;

/** Findings per count key (`email: 2, field_name: 1`). */
export type Counts = Record<string, number>;

/** What a redactor needs: which strings to look at and how to replace what it finds. */
export interface RedactRules {
  scan: Scan;
  /**
   * True for a JSON member name whose string or number value is replaced whole (count key
   * `field_name`, placeholder type `FIELD`), e.g. `password`. Objects and arrays under such a
   * name are walked normally: in LLM APIs those are mostly JSON Schema property definitions.
   */
  isDeniedField(name: string): boolean;
  placeholder: Placeholder;
  /**
   * Where a stream may release held text: at whitespace only (the default), or also at the
   * points no built-in detector matches across (CJK punctuation, script changes; see
   * `stream/held_text.ts`). Policies with custom detectors keep the default.
   */
  release?: "whitespace" | "builtins";
}

/** Every finding in `counts`, all types together. */
export function totalCount(counts: Counts): number {
  let total = 0;
  for (const n of Object.values(counts)) total += n;
  return total;
}

export function addCount(counts: Counts, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

export function mergeCounts(into: Counts, from: Counts): Counts {
  for (const [k, n] of Object.entries(from)) addCount(into, k, n);
  return into;
}

/** The result of every redactor: `text` is the input itself (same string) when `changed` is false. */
export interface RedactResult {
  text: string;
  counts: Counts;
  changed: boolean;
}
