/**
 * What a trace keeps of an exchange under a PII policy: stored bodies and headers redacted (the
 * parts the upstream stages already redacted are not scanned twice), and the mode, policy id and
 * counts per type recorded in the trace's metadata, whatever the mode.
 */
import type { CapturedBody, HeaderMap, TraceRecord } from "../traces/mod.ts";
import type { AppliedPolicy } from "./policy.ts";
import { redactBodyBytes } from "./redact_body.ts";
import { redactHeaderMap } from "./redact_headers.ts";
import { type Counts, mergeCounts, type RedactResult, type RedactRules } from "./types.ts";

export interface StorageInput {
  /** Null when the mode is `off` for this request. */
  applied: AppliedPolicy | null;
  /** Recorded as the policy id when nothing applied. */
  basePolicyId: string;
  requestContentType: string | null;
  responseContentType: string | null;
  /** The stored request body is already the redacted one (request stage of the guard). */
  requestBodyRedacted: boolean;
  /** The client got a redacted response, and that is what was captured. */
  responseBodyRedacted: boolean;
  /** Counts from the upstream stages (request guard, response redactor). */
  counts: Counts;
  /** The stream engine for a captured event stream (deltas are joined before scanning). */
  sse?: (text: string, rules: RedactRules) => RedactResult;
  /** Header names already replaced as credentials; not scanned again. */
  credentialHeaders: ReadonlySet<string>;
}

const encoder = new TextEncoder();

export function applyStoragePolicy(trace: TraceRecord, input: StorageInput): void {
  const { applied } = input;
  const meta = trace.metadata;
  if (applied === null) {
    meta.redaction_mode = "off";
    meta.redaction_policy_id = input.basePolicyId;
    meta.redaction_counts = {};
    return;
  }
  const counts: Counts = { ...input.counts };
  const { stages } = applied.policy;
  let dropped = false;
  const body = (stored: CapturedBody | null, contentType: string | null) => {
    if (stored === null) return null;
    const bytes = typeof stored === "string" ? encoder.encode(stored) : stored;
    const result = redactBodyBytes(bytes, contentType, applied.rules, {
      ...(input.sse && { sse: (text: string) => input.sse!(text, applied.rules) }),
    });
    if ("failed" in result) {
      // Unreadable as text, so unknowable: keeping it could keep exactly what the policy hides.
      dropped = true;
      return null;
    }
    mergeCounts(counts, result.counts);
    return result.bytes;
  };
  if (stages.request_body && !input.requestBodyRedacted) {
    trace.request_body = body(trace.request_body, input.requestContentType);
  }
  if (stages.response_body && !input.responseBodyRedacted) {
    trace.response_body = body(trace.response_body, input.responseContentType);
  }
  const headers = (map: HeaderMap) => {
    const result = redactHeaderMap(map, {
      denylist: applied.policy.headerDenylist,
      scanValues: true,
      rules: applied.rules,
      exempt: input.credentialHeaders,
    });
    mergeCounts(counts, result.counts);
    return result.headers;
  };
  if (stages.request_headers) trace.request_headers = headers(trace.request_headers);
  if (stages.response_headers) trace.response_headers = headers(trace.response_headers);

  meta.redaction_mode = applied.mode;
  meta.redaction_policy_id = applied.policy.id;
  meta.redaction_counts = counts;
  meta.redaction_applied = Object.keys(counts).length > 0;
  if (dropped) {
    meta.redaction_storage_drop = true;
    meta.redaction_failure_semantics = "storage_drop_continue_proxy";
  }
}
