/**
 * What a trace keeps of an exchange under a PII policy. Bodies are cut to the cap plus a margin,
 * redacted, and cut to the cap: a value that straddles the cap is never stored half-visible, and
 * the work does not grow with the part of the body that is not stored. Redaction runs in slices
 * under `pii.scan_budget` (see budget.ts); a body past it is not stored, and the trace says why.
 * Headers are redacted in place; the mode, policy id and counts per type go into the trace's
 * metadata, whatever the mode.
 */
import { withoutCutCharacter } from "../bytes.ts";
import { drive, Meter, type ScanBudget, ScanBudgetExceeded, type Steps } from "./budget.ts";
import type { AppliedPolicy } from "./policy.ts";
import { type RedactBodyResult, redactBodySteps } from "./redact_body.ts";
import { redactHeaderMap } from "./redact_headers.ts";
import { redactText } from "./redact_text.ts";
import { type Counts, mergeCounts, type RedactResult, type RedactRules } from "./types.ts";

/**
 * Bytes beyond the cap that are redacted with the body (the capture keeps them for responses),
 * so that a value cut by the cap is still seen whole by the detectors (an unterminated key block
 * matches to the end regardless).
 */
export const redactionMargin = 1024;

/** The stream engine over a whole captured stream, in slices under the meter. */
export type StreamRedactor = (
  text: string,
  rules: RedactRules,
  meter: Meter,
) => Steps<RedactResult>;

export interface StoredBody {
  bytes: Uint8Array;
  truncated: boolean;
}

/**
 * Why a body that should have been redacted is not stored: it is not UTF-8 text (or an AWS event
 * stream the redactor cannot follow: corrupt, or a payload of a shape it does not know), redacting it
 * ran past `pii.scan_budget` (time or findings), or a detector or placeholder threw (a custom
 * validator of the config): fail closed, store nothing rather than something unredacted.
 */
export type StorageDropReason =
  | "not_utf8"
  | "uninspectable"
  | "scan_budget_time"
  | "scan_budget_findings"
  | "redaction_failed";

export interface StoredBodyOptions {
  max: number;
  truncated: boolean;
  sse?: StreamRedactor | undefined;
  counts: Counts;
  /** `pii.scan_budget`; none: unbounded (still in slices). */
  budget?: ScanBudget | null;
}

/** The first `max + redactionMargin` bytes: all that redaction for storage needs to look at. */
export function storedInput(
  bytes: Uint8Array,
  max: number,
  truncated: boolean,
): { bytes: Uint8Array; truncated: boolean } {
  const limit = max + redactionMargin;
  if (bytes.byteLength <= limit) return { bytes, truncated };
  return { bytes: bytes.subarray(0, limit), truncated: true };
}

/**
 * A body as stored: cut to the cap plus the margin, redacted, then cut to `max` bytes (never
 * inside a character). A drop reason instead when it is not text (it cannot be redacted) or
 * redaction ran past the budget: it is then not stored at all. Comes back directly when the
 * redaction took one slice, as a promise otherwise.
 */
export function redactStoredBody(
  bytes: Uint8Array,
  contentType: string | null,
  applied: AppliedPolicy,
  opts: StoredBodyOptions,
): StoredBody | StorageDropReason | Promise<StoredBody | StorageDropReason> {
  const input = storedInput(bytes, opts.max, opts.truncated);
  const sse = opts.sse;
  const meter = new Meter({ budget: opts.budget ?? null });
  const finish = (result: RedactBodyResult) => storedOutcome(result, input.truncated, opts);
  try {
    const steps = redactBodySteps(input.bytes, contentType, applied.rules, {
      ...(sse !== undefined && {
        sse: (text: string, m: Meter) => sse(text, applied.rules, m),
      }),
    }, meter);
    const result = drive(steps, meter);
    return result instanceof Promise ? result.then(finish, budgetDrop) : finish(result);
  } catch (err) {
    return budgetDrop(err);
  }
}

function budgetDrop(err: unknown): StorageDropReason {
  return err instanceof ScanBudgetExceeded ? `scan_budget_${err.limit}` : "redaction_failed";
}

function storedOutcome(
  result: RedactBodyResult,
  truncated: boolean,
  opts: StoredBodyOptions,
): StoredBody | StorageDropReason {
  if ("failed" in result) return result.failed;
  mergeCounts(opts.counts, result.counts);
  const out = result.bytes;
  // A capture cut short may end inside a value the detectors could not see whole. Its last
  // `redactionMargin` bytes come out verbatim (or as placeholders), and placeholders shorter than
  // their values pull them towards the start: so they are never kept, whatever the cap.
  const keep = truncated ? Math.min(opts.max, out.byteLength - redactionMargin) : opts.max;
  if (out.byteLength <= keep) return { bytes: out, truncated };
  return {
    bytes: withoutCutCharacter(out.subarray(0, Math.max(0, keep))).slice(),
    truncated: true,
  };
}

/** Metadata keys copied from request headers the client chose (`x-ongoingai-thread-id`, ...). */
const headerCopies = [
  "correlation_id",
  "lineage_group_id",
  "lineage_thread_id",
  "lineage_run_id",
  "lineage_parent_checkpoint_id",
  "claimed_user",
];

/**
 * Correlation and lineage ids come from request headers and are kept as columns and metadata
 * too; a client may well use an e-mail address as its thread id. Redacted like the headers.
 */
function redactHeaderCopies(trace: PiiTraceFields, applied: AppliedPolicy): void {
  // The header itself was counted already: these are copies, so their findings are not counted.
  const silent = (value: string) => redactText(value, applied.rules).text;
  trace.correlation_id = silent(trace.correlation_id);
  if (trace.trace_group_id !== null) trace.trace_group_id = silent(trace.trace_group_id);
  // Claimed attribution (X-OngoingAI-User may well be an e-mail address).
  if (trace.developer !== null) trace.developer = silent(trace.developer);
  if (trace.session_id !== null) trace.session_id = silent(trace.session_id);
  for (const key of headerCopies) {
    const v = trace.metadata[key];
    if (typeof v === "string") trace.metadata[key] = silent(v);
  }
}

/** Header names to every value, as traces keep them. */
type HeaderMap = Record<string, string[]>;

/**
 * The parts of a trace record that PII touches. Declared here, not imported, so that PII stays
 * below traces: the trace record satisfies this shape.
 */
export interface PiiTraceFields {
  request_headers: HeaderMap;
  response_headers: HeaderMap;
  correlation_id: string;
  trace_group_id: string | null;
  developer: string | null;
  session_id: string | null;
  metadata: Record<string, unknown>;
}

export interface PiiRecord {
  /** Null when the mode is `off` for this request. */
  applied: AppliedPolicy | null;
  /** Recorded as the policy id when nothing applied. */
  basePolicyId: string;
  /** Everything found, upstream stages and stored bodies together. */
  counts: Counts;
  /** Why a body was not stored (first reason seen), or null. */
  dropped: StorageDropReason | null;
  /** The request stage ran out of `pii.scan_budget` and refused the request. */
  overBudget?: "time" | "findings" | null;
  /** Header names already replaced as credentials; not scanned again. */
  credentialHeaders: ReadonlySet<string>;
}

/** Redacts the stored headers and records mode, policy and counts on the trace. */
export function recordPii(trace: PiiTraceFields, input: PiiRecord): void {
  const { applied } = input;
  const meta = trace.metadata;
  if (applied === null) {
    meta.redaction_mode = "off";
    meta.redaction_policy_id = input.basePolicyId;
    meta.redaction_counts = {};
    return;
  }
  const counts: Counts = { ...input.counts };
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
  const { stages } = applied.policy;
  if (stages.request_headers) {
    trace.request_headers = headers(trace.request_headers);
    redactHeaderCopies(trace, applied);
  }
  if (stages.response_headers) trace.response_headers = headers(trace.response_headers);
  meta.redaction_mode = applied.mode;
  meta.redaction_policy_id = applied.policy.id;
  meta.redaction_counts = counts;
  meta.redaction_applied = Object.keys(counts).length > 0;
  if (input.dropped !== null) {
    meta.redaction_storage_drop = true;
    meta.redaction_storage_drop_reason = input.dropped;
    meta.redaction_failure_semantics = "storage_drop_continue_proxy";
  }
  if (input.overBudget) meta.redaction_scan_budget_exceeded = input.overBudget;
}
