/**
 * The request stage of `redact_upstream` and `block`: what may be forwarded. It fails closed: a
 * body the gateway cannot read (compressed, multipart, binary, not UTF-8) is refused rather than
 * forwarded uninspected, because these modes promise the provider never sees a detected value.
 */
import { drive, Meter, type MeterOptions, ScanBudgetExceeded } from "./budget.ts";
import type { AppliedPolicy } from "./policy.ts";
import { inspectableContentType, type RedactBodyResult, redactBodySteps } from "./redact_body.ts";
import type { Counts } from "./types.ts";

export type RequestVerdict =
  /** Forward `body` (redacted in `redact_upstream`); `inspected` says whether it was looked at. */
  | { kind: "forward"; body: Uint8Array<ArrayBuffer> | null; counts: Counts; inspected: boolean }
  /** `block` found something: refuse. `stored` is the redacted body for the trace. */
  | { kind: "block"; counts: Counts; stored: Uint8Array }
  | { kind: "uninspectable"; reason: string }
  /** Redaction ran out of `pii.scan_budget` (time or findings): refuse, nothing was forwarded. */
  | { kind: "over_budget"; exceeded: ScanBudgetExceeded };

export function guards(applied: AppliedPolicy | null): applied is AppliedPolicy {
  return applied !== null && (applied.mode === "redact_upstream" || applied.mode === "block");
}

/**
 * The verdict on a request body. Redaction runs in slices under the meter's budget (see
 * budget.ts): the verdict comes back directly when it took one slice, as a promise otherwise.
 */
export function inspectRequest(
  applied: AppliedPolicy,
  body: Uint8Array<ArrayBuffer> | null,
  headers: Headers,
  meter: MeterOptions = {},
): RequestVerdict | Promise<RequestVerdict> {
  if (!applied.policy.stages.request_body || body === null || body.byteLength === 0) {
    return { kind: "forward", body, counts: {}, inspected: false };
  }
  const encoding = headers.get("content-encoding")?.trim().toLowerCase();
  if (encoding && encoding !== "identity") {
    return {
      kind: "uninspectable",
      reason: `a ${encoding}-compressed request body cannot be inspected`,
    };
  }
  const contentType = headers.get("content-type");
  if (!inspectableContentType(contentType)) {
    return {
      kind: "uninspectable",
      reason: `a ${contentType?.split(";")[0]?.trim()} request body cannot be inspected`,
    };
  }
  // A request is never an event stream: one that looks like it (declared, or sniffed from an
  // untyped body) is redacted as text, whole, since SSE redaction leaves field names alone.
  const kind = contentType === null || contentType.toLowerCase().includes("text/event-stream")
    ? "text/plain"
    : contentType;
  let result: RedactBodyResult | Promise<RedactBodyResult>;
  try {
    const m = new Meter(meter);
    result = drive(redactBodySteps(body, kind, applied.rules, {}, m), m);
  } catch (err) {
    return overBudget(err);
  }
  if (result instanceof Promise) {
    return result.then((r) => verdictOn(applied, body, r), overBudget);
  }
  return verdictOn(applied, body, result);
}

function overBudget(err: unknown): RequestVerdict {
  if (err instanceof ScanBudgetExceeded) return { kind: "over_budget", exceeded: err };
  throw err;
}

function verdictOn(
  applied: AppliedPolicy,
  body: Uint8Array<ArrayBuffer>,
  result: RedactBodyResult,
): RequestVerdict {
  if ("failed" in result) {
    return { kind: "uninspectable", reason: "the request body is not valid UTF-8 text" };
  }
  if (!result.changed) return { kind: "forward", body, counts: {}, inspected: true };
  if (applied.mode === "block") {
    return { kind: "block", counts: result.counts, stored: result.bytes };
  }
  return {
    kind: "forward",
    body: toOwnedBuffer(result.bytes),
    counts: result.counts,
    inspected: true,
  };
}

function toOwnedBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 &&
      bytes.byteLength === bytes.buffer.byteLength
    ? bytes as Uint8Array<ArrayBuffer>
    : new Uint8Array(bytes);
}

/** `email, phone`: what was found, never the values. */
export function foundTypes(counts: Counts): string[] {
  return Object.keys(counts).sort();
}
