/**
 * The request stage of a PII policy, for the forwarder: which policy applies, and in
 * `redact_upstream` and `block`, what may be forwarded. A refusal comes back as the error to
 * answer with (its code is what the trace records); the exchange keeps the redacted body and the
 * counts for its trace.
 */
import { type AppliedPolicy, foundTypes, guards, inspectRequest } from "../pii/mod.ts";
import { errorTable, GatewayError } from "../errors/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { Exchange } from "./exchange.ts";

type Body = Uint8Array<ArrayBuffer> | null;
type Verdict = Awaited<ReturnType<typeof inspectRequest>>;

/** The body to forward, or the refusal to answer with (and trace) instead. */
export async function piiRequestStage(
  ex: Exchange,
  body: Body,
  log: Logger | undefined,
): Promise<Body | GatewayError> {
  const { tenant } = ex;
  const applied = ex.pii.choose({
    org_id: tenant.org_id,
    workspace_id: tenant.workspace_id,
    key_id: tenant.gateway_key_id,
    provider: ex.route.provider.id,
    path: ex.path,
  });
  if (!guards(applied)) return body;
  const verdict = await inspectRequest(applied, body, ex.req.headers, {
    budget: ex.pii.scanBudget,
  });
  const refusal = refusalOf(ex, applied, verdict);
  if (refusal !== null) {
    const counts = verdict.kind === "block" ? verdict.counts : undefined;
    logDenied(log, ex, applied, refusal, counts);
    return refusal.error;
  }
  if (verdict.kind !== "forward") return body;
  ex.pii.add(verdict.counts);
  if (!verdict.inspected) return body;
  ex.pii.requestRedacted(verdict.body ?? new Uint8Array());
  return verdict.body;
}

interface Refusal {
  error: GatewayError;
  /** The `reason` field of the log line. */
  reason: string;
}

function refusalOf(ex: Exchange, applied: AppliedPolicy, verdict: Verdict): Refusal | null {
  const { mode, policy } = applied;
  if (verdict.kind === "uninspectable") {
    return {
      reason: "uninspectable",
      error: new GatewayError(
        "pii_uninspectable",
        `${verdict.reason}; PII mode ${mode} (policy ${policy.id}) forwards nothing it cannot inspect. Send uncompressed JSON or text, or give this route a pii scope with mode redact_storage`,
        { policy_id: policy.id },
      ),
    };
  }
  if (verdict.kind === "over_budget") {
    const { exceeded } = verdict;
    ex.pii.overBudget(exceeded.limit);
    return {
      reason: `scan_budget_${exceeded.limit}`,
      error: new GatewayError(
        "pii_scan_budget_exceeded",
        `${exceeded.message} on this request body, so PII mode ${mode} (policy ${policy.id}) cannot vouch for it and forwarded nothing. Send a smaller body (fewer values to redact), or raise ${exceeded.key}`,
        { policy_id: policy.id, limit: exceeded.key },
      ),
    };
  }
  if (verdict.kind !== "block") return null;
  ex.pii.add(verdict.counts);
  ex.pii.requestRedacted(verdict.stored);
  const types = foundTypes(verdict.counts);
  return {
    reason: "pii_detected",
    error: new GatewayError(
      "pii_blocked",
      `the request contains ${
        types.join(", ")
      } and PII policy ${policy.id} blocks such requests; remove those values, or ask for a scope with mode redact_upstream`,
      { types, policy_id: policy.id },
    ),
  };
}

/** At the level the error table gives the refusal's code. */
function logDenied(
  log: Logger | undefined,
  ex: Exchange,
  applied: AppliedPolicy,
  refusal: Refusal,
  counts: Record<string, number> | undefined,
): void {
  const { tenant } = ex;
  log?.[errorTable[refusal.error.code].level]("pii guardrail denied request", {
    mode: applied.mode,
    reason: refusal.reason,
    policy_id: applied.policy.id,
    method: ex.req.method,
    path: ex.path,
    org_id: tenant.org_id,
    workspace_id: tenant.workspace_id,
    key_id: tenant.gateway_key_id,
    correlation_id: ex.correlationId,
    ...(counts && { redaction_counts: counts }),
  });
}
