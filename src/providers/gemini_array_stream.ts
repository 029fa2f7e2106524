/**
 * Usage of `streamGenerateContent` without `alt=sse`: one JSON array whose elements are the
 * stream's `GenerateContentResponse` chunks, written as they come (`[{...}\r\n,\r\n{...}]`,
 * pretty-printed: the shape flachesis/gemini-rust #29 shows). No official SDK asks for it, but
 * `curl` and older clients do.
 *
 * The array is split into its elements by a byte scanner that only tracks nesting and strings
 * (nothing is kept); each element goes to a `JsonMemberScanner` that keeps `usageMetadata`,
 * `modelVersion`, `error` and the candidates' grounding queries only, each bounded. The figures
 * are those of the last element that has them (gemini_usage.ts), the grounding queries those of
 * all elements (`GroundingQueries`); they are final when the array closed and the body ended
 * cleanly with no error element. A body that is not such an array is a parse error, its usage unknown.
 */
import type { BillingTier, UsageParser, UsageReport } from "./types.ts";
import type { Usage, UsageUnknownReason } from "./usage.ts";
import { isRecord } from "./json_body.ts";
import { JsonMemberScanner } from "./json_member_scanner.ts";
import type { MemberPath } from "./json_member_paths.ts";
import { billingOf, geminiGroundingMembers, readGeminiUsage } from "./gemini_usage.ts";
import {
  type BillingFacts,
  geminiFacts,
  GroundingQueries,
  readGeminiFacts,
} from "./billing_facts.ts";

const elementMembers: readonly MemberPath[] = [
  ["usageMetadata"],
  ["modelVersion"],
  ["error"],
  ...geminiGroundingMembers,
];

const QUOTE = 0x22, BACKSLASH = 0x5c, LBRACE = 0x7b, RBRACE = 0x7d, LBRACKET = 0x5b;
const RBRACKET = 0x5d, COMMA = 0x2c;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

export class GeminiArrayUsageParser implements UsageParser {
  #depth = 0;
  #inString = false;
  #escaped = false;
  #opened = false;
  #closed = false;
  #broken = false;
  #element: JsonMemberScanner | null = null;
  #model: string | null = null;
  #usage: Usage | null = null;
  #errored = false;
  #parseErrors = 0;
  #stopped: UsageUnknownReason | null = null;
  #report: UsageReport | null = null;
  #billing: BillingTier | null = null;
  #usageFacts: BillingFacts | null = null;
  readonly #grounding = new GroundingQueries();
  /** Bytes of a leading UTF-8 byte-order mark still to skip. */
  #bom = 0;

  constructor(private readonly requestModel: string | null) {}

  push(chunk: Uint8Array): void {
    if (this.#report !== null || this.#stopped !== null || this.#broken) return;
    let from = -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.#element !== null) {
        if (from === -1) from = i;
        if (this.#string(c)) continue;
        if (c === LBRACE || c === LBRACKET) this.#depth++;
        else if (c === RBRACE || c === RBRACKET) {
          this.#depth--;
          if (this.#depth === 1) {
            this.#element.push(chunk.subarray(from, i + 1));
            from = -1;
            this.#endElement();
            if (this.#stopped !== null) return;
          }
        }
        continue;
      }
      if (!this.#between(c)) return this.#break();
      if (this.#element !== null) from = i;
    }
    if (this.#element !== null && from !== -1) {
      this.#element.push(chunk.subarray(from));
      if (this.#element.tooLarge) this.stop("usage_member_too_large");
    }
  }

  stop(reason: UsageUnknownReason): void {
    this.#stopped ??= reason;
    this.#element?.finish();
    this.#element = null;
  }

  finish(complete: boolean): UsageReport {
    if (this.#report !== null) return this.#report;
    if (complete && this.#stopped === null && !this.#broken && !this.#closed) {
      this.#parseErrors++;
    }
    const final = complete && this.#closed && !this.#broken && !this.#errored &&
      this.#stopped === null && this.#usage !== null;
    const report: UsageReport = {
      model: this.#model ?? this.requestModel,
      usage: final ? this.#usage : null,
      status: final ? "exact" : "unknown",
      parseErrors: this.#parseErrors,
    };
    if (this.#stopped !== null) report.unknownReason = this.#stopped;
    if (this.#errored) report.upstreamStreamError = true;
    if (final && this.#billing !== null) report.billing = this.#billing;
    const facts = final ? geminiFacts(this.#usageFacts, this.#grounding) : null;
    if (facts !== null) report.facts = facts;
    this.#report = report;
    return report;
  }

  /** A byte inside a string of the current element: true when it is one. */
  #string(c: number): boolean {
    if (this.#inString) {
      if (this.#escaped) this.#escaped = false;
      else if (c === BACKSLASH) this.#escaped = true;
      else if (c === QUOTE) this.#inString = false;
      return true;
    }
    if (c === QUOTE) {
      this.#inString = true;
      return true;
    }
    return false;
  }

  /** A byte between elements: `[`, `,`, `]`, whitespace, or the `{` that opens one. */
  #between(c: number): boolean {
    if (!this.#opened && this.#bom < 3 && c === [0xef, 0xbb, 0xbf][this.#bom]) {
      this.#bom++;
      return true;
    }
    if (isSpace(c)) return true;
    if (this.#closed) return false;
    if (!this.#opened) {
      this.#opened = c === LBRACKET;
      this.#depth = 1;
      return this.#opened;
    }
    if (c === COMMA) return true;
    if (c === RBRACKET) {
      this.#closed = true;
      this.#depth = 0;
      return true;
    }
    if (c !== LBRACE) return false;
    this.#element = new JsonMemberScanner(elementMembers);
    this.#depth = 2;
    return true;
  }

  #endElement(): void {
    const scanned = this.#element!.finish();
    this.#element = null;
    if (!scanned.valid) {
      if (scanned.tooLarge === true) return this.stop("usage_member_too_large");
      this.#parseErrors++;
      return;
    }
    const m = scanned.members;
    if (m === null) return;
    if (isRecord(m.error)) this.#errored = true;
    if (typeof m.modelVersion === "string" && m.modelVersion.trim() !== "") {
      this.#model = m.modelVersion.trim();
    }
    this.#grounding.observe(m);
    const usage = readGeminiUsage(m.usageMetadata);
    if (usage !== null) {
      this.#usage = usage;
      this.#usageFacts = readGeminiFacts(m.usageMetadata);
    }
    const meta = m.usageMetadata;
    if (isRecord(meta) && typeof meta.trafficType === "string") {
      this.#billing = billingOf(meta.trafficType);
    }
  }

  #break(): void {
    // Not the array this reader knows (two commas, text after `]`, a scalar element).
    this.#broken = true;
    this.#parseErrors++;
    this.#element?.finish();
    this.#element = null;
  }
}
