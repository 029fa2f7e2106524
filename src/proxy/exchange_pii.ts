/**
 * What the PII stages decided and found for one exchange: the policy that applies, the findings
 * of the request guard, the response redactor and stored-body redaction, the redacted request body
 * the trace stores, and whether the scan budget ran out. Written into the trace's metadata when
 * the exchange ends.
 */
import {
  type AppliedPolicy,
  type Counts,
  mergeCounts,
  type PiiPolicies,
  type PiiRequest,
  recordPii,
  type ScanBudget,
  type StorageDropReason,
} from "../pii/mod.ts";
import type { TraceRecord } from "../traces/mod.ts";

export class ExchangePii {
  #applied: AppliedPolicy | null = null;
  #redactedRequestBody: Uint8Array | null = null;
  #overBudget: "time" | "findings" | null = null;
  /** Findings per type; stored-body redaction adds to it in place (see trace_bodies.ts). */
  readonly counts: Counts = {};

  constructor(private readonly policies: PiiPolicies | undefined) {}

  /** The PII policy for this request; null when its mode is off. */
  get applied(): AppliedPolicy | null {
    return this.#applied;
  }
  /** The PII redaction budget of this exchange's config (null: unbounded). */
  get scanBudget(): ScanBudget | null {
    return this.policies?.scanBudget ?? null;
  }
  /** The request body as redacted by the guard: stored instead of the client's own. */
  get redactedRequestBody(): Uint8Array | null {
    return this.#redactedRequestBody;
  }

  /** Chooses this request's policy by its scopes (null: mode off) and keeps it. */
  choose(request: PiiRequest): AppliedPolicy | null {
    this.#applied = this.policies?.resolve(request) ?? null;
    return this.#applied;
  }
  add(counts: Counts): void {
    mergeCounts(this.counts, counts);
  }
  requestRedacted(stored: Uint8Array): void {
    this.#redactedRequestBody = stored;
  }
  /** The request stage ran out of `pii.scan_budget` (and refused the request). */
  overBudget(limit: "time" | "findings"): void {
    this.#overBudget = limit;
  }

  record(
    trace: TraceRecord,
    dropped: StorageDropReason | null,
    credentialHeaders: ReadonlySet<string>,
  ): void {
    recordPii(trace, {
      applied: this.#applied,
      basePolicyId: this.policies?.base.id ?? "default/v1",
      counts: this.counts,
      dropped,
      overBudget: this.#overBudget,
      credentialHeaders,
    });
  }
}
