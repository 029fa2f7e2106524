/**
 * PII figures, read from the finished trace (`recordTrace`), so the proxy's hot path pays nothing
 * more than it already does to record the counts on the trace. Only detector names, modes and
 * numbers: never a matched value. Label sets are bounded: `type` is a detector's count key (the
 * built-ins plus the config's custom detectors, and the registry's series bound past that),
 * `action` the mode that handled the request, `reason` a closed set.
 */
import type { TraceRecord } from "../traces/mod.ts";
import type { MetricsRegistry } from "./registry.ts";
import { meterProviderOf } from "./otel_meter.ts";

/** The modes that act on findings; `off` records none. */
export const piiActions = ["redact_storage", "redact_upstream", "block"] as const;

/** Trace error codes of a refused exchange, to the `reason` label. */
const blockReasons: Partial<Record<string, string>> = {
  pii_blocked: "pii_detected",
  pii_uninspectable: "uninspectable",
};

export function createPiiMetrics(registry: MetricsRegistry): (trace: TraceRecord) => void {
  const meter = meterProviderOf(registry).getMeter();
  const findings = meter.createCounter("ongoingai_pii_findings_total", {
    description:
      "PII values found in proxied exchanges (request, response and stored copies), by " +
      "detector and the PII mode that handled them. Counts only, never a value.",
    labels: ["type", "action"],
    keepOnOverflow: ["action"],
  });
  const blocked = meter.createCounter("ongoingai_pii_blocked_requests_total", {
    description:
      "Exchanges a PII policy refused or cut off: pii_detected (mode block found a value), " +
      "uninspectable (a body the guardrail could not read) or scan_budget (past pii.scan_budget).",
    labels: ["provider", "reason"],
    keepOnOverflow: ["reason"],
  });
  const dropped = meter.createCounter("ongoingai_pii_storage_dropped_total", {
    description:
      "Bodies a PII policy should have redacted for storage and did not store: not_utf8 " +
      "(not text), uninspectable (a stream the redactor cannot follow, e.g. a corrupt AWS " +
      "event stream), scan_budget_time or scan_budget_findings (past pii.scan_budget), " +
      "redaction_failed (a detector threw).",
    labels: ["reason"],
    keepOnOverflow: ["reason"],
  });
  return (trace) => {
    const meta = trace.metadata;
    const drop = meta["redaction_storage_drop_reason"];
    if (typeof drop === "string") dropped.add(1, { reason: drop });
    const action = meta["redaction_mode"];
    const counts = meta["redaction_counts"];
    if (
      typeof action === "string" && (piiActions as readonly string[]).includes(action) &&
      typeof counts === "object" && counts !== null
    ) {
      for (const [type, n] of Object.entries(counts)) {
        if (typeof n === "number" && n > 0) findings.add(n, { type, action });
      }
    }
    const reason = trace.error_code === null
      ? undefined
      : meta["redaction_scan_budget_exceeded"] !== undefined
      ? "scan_budget"
      : blockReasons[trace.error_code];
    if (reason !== undefined) blocked.add(1, { provider: trace.provider, reason });
  };
}
