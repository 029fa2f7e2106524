/**
 * The wire-format half of a usage parser (response_parser.ts is the shared half): a state machine
 * that turns parsed events or a JSON document into figures.
 */
import type { Usage } from "./usage.ts";
import type { MemberPath } from "./json_member_paths.ts";
import type { BillingTier } from "./types.ts";
import type { BillingFacts } from "./billing_facts.ts";

export interface ReaderResult {
  model: string | null;
  usage: Usage | null;
  /** The usage is the provider's final figure, not a running count from a stream cut short. */
  final: boolean;
  /** The billing tier the answer reported, when it did. */
  billing?: BillingTier;
  /** Billable counts beyond the token figures, when the answer reported any. */
  facts?: BillingFacts;
}

/** Wire-format state machine. Throwing from `event` or `document` counts as a parse error. */
export interface UsageReader {
  /** The members of a JSON (non-SSE) body that `document` reads; nothing else is kept. */
  readonly documentMembers: readonly MemberPath[];
  event(data: unknown, eventName: string | undefined): void;
  /**
   * Cheap look at an event before it is parsed: false means `event` would learn nothing from it
   * (parsing every delta of a long stream costs more than the rest of the proxy). Absent: every
   * event is parsed.
   */
  wants?(eventName: string | undefined, data: string): boolean;
  /**
   * A valid JSON body's top-level object reduced to `documentMembers` (each as `JSON.parse` gives
   * it, absent when the body has none), or null when the top-level value is not an object.
   */
  document(data: unknown): void;
  /**
   * A non-empty line of an SSE body that is no SSE field (`data:`, `event:`, `id:`, `retry:`, a
   * `:` comment): Gemini sends a raw JSON error object in the middle of a stream. Given in order
   * with the events, whole lines only, however the body is chunked. Throwing counts as a parse
   * error. Absent: such lines are ignored, as the SSE grammar says.
   */
  unframed?(line: string): void;
  result(complete: boolean): ReaderResult;
}
