/**
 * The request stage of a PII policy, for the forwarder: which policy applies, and in
 * `redact_upstream` and `block`, what may be forwarded. A refusal comes back as the error to
 * answer with; the exchange keeps the redacted body and the counts for its trace.
 */
import { foundTypes, guards, inspectRequest, type PiiPolicies } from "../pii/mod.ts";
import { GatewayError } from "../errors/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { Tenant } from "../traces/mod.ts";
import type { Exchange } from "./exchange.ts";

export interface RequestStage {
  ex: Exchange;
  policies: PiiPolicies | undefined;
  tenant: Tenant;
  body: Uint8Array<ArrayBuffer> | null;
  correlationId: string;
  log: Logger | undefined;
}

/** The body to forward, or the refusal to answer with (and trace) instead. */
export type RequestStageResult =
  | { body: Uint8Array<ArrayBuffer> | null }
  | { refuse: GatewayError; code: "pii_blocked" | "pii_uninspectable" };

export async function piiRequestStage(s: RequestStage): Promise<RequestStageResult> {
  const { ex, tenant } = s;
  ex.pii = s.policies?.resolve({
    org_id: tenant.org_id,
    workspace_id: tenant.workspace_id,
    key_id: tenant.gateway_key_id,
    provider: ex.route.provider.id,
    path: ex.path,
  }) ?? null;
  if (!guards(ex.pii)) return { body: s.body };
  const { mode, policy } = ex.pii;
  const budget = s.policies?.scanBudget ?? null;
  const verdict = await inspectRequest(ex.pii, s.body, ex.req.headers, { budget });
  const denied = (reason: string, counts?: Record<string, number>) =>
    s.log?.warn("pii guardrail denied request", {
      mode,
      reason,
      policy_id: policy.id,
      method: ex.req.method,
      path: ex.path,
      org_id: tenant.org_id,
      workspace_id: tenant.workspace_id,
      key_id: tenant.gateway_key_id,
      correlation_id: s.correlationId,
      ...(counts && { redaction_counts: counts }),
    });
  if (verdict.kind === "uninspectable") {
    denied("uninspectable");
    return {
      code: "pii_uninspectable",
      refuse: new GatewayError(
        "pii_uninspectable",
        `${verdict.reason}; PII mode ${mode} (policy ${policy.id}) forwards nothing it cannot inspect. Send uncompressed JSON or text, or give this route a pii scope with mode redact_storage`,
        { policy_id: policy.id },
      ),
    };
  }
  if (verdict.kind === "over_budget") {
    const { exceeded } = verdict;
    ex.piiOverBudget = exceeded.limit;
    denied(`scan_budget_${exceeded.limit}`);
    return {
      code: "pii_uninspectable",
      refuse: new GatewayError(
        "pii_scan_budget_exceeded",
        `${exceeded.message} on this request body, so PII mode ${mode} (policy ${policy.id}) cannot vouch for it and forwarded nothing. Send a smaller body (fewer values to redact), or raise ${exceeded.key}`,
        { policy_id: policy.id, limit: exceeded.key },
      ),
    };
  }
  ex.addPiiCounts(verdict.counts);
  if (verdict.kind === "block") {
    ex.redactedRequestBody = verdict.stored;
    denied("pii_detected", verdict.counts);
    const types = foundTypes(verdict.counts);
    return {
      code: "pii_blocked",
      refuse: new GatewayError(
        "pii_blocked",
        `the request contains ${
          types.join(", ")
        } and PII policy ${policy.id} blocks such requests; remove those values, or ask for a scope with mode redact_upstream`,
        { types, policy_id: policy.id },
      ),
    };
  }
  if (!verdict.inspected) return { body: s.body };
  ex.redactedRequestBody = verdict.body ?? new Uint8Array();
  return { body: verdict.body };
}
