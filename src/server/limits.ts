/**
 * Team-mode limits on the proxy path: the estimate a request reserves, the 429 it gets when a
 * limit is hit, and the settlement with the usage its trace records.
 */
import type { Principal } from "../auth/mod.ts";
import type { GatewayConfig } from "../config/mod.ts";
import {
  anyLimit,
  type CounterStore,
  defaultOutputTokens,
  type Estimate,
  Limiter,
  type LimitHit,
  limitSetOf,
} from "../limits/mod.ts";
import type { AdmitRequest, Admitted } from "../proxy/mod.ts";
import type { TraceRecord } from "../traces/mod.ts";
import { zeroUsage } from "../providers/mod.ts";
import { errorTable, GatewayError } from "../errors/mod.ts";
import type { Logger } from "../log/mod.ts";

export type Admit = (
  principal: Principal,
) => (req: AdmitRequest) => Promise<Admitted | GatewayError>;

/** Null when nothing is limited: then the hot path pays nothing. */
export function createAdmission(
  config: GatewayConfig,
  store: CounterStore,
  now: () => number,
  log: Logger,
): Admit | null {
  const l = config.limits;
  const configured = anyLimit(limitSetOf(l.per_key)) || anyLimit(limitSetOf(l.per_workspace)) ||
    config.auth.keys.some((k) => k.limits !== undefined && anyLimit(limitSetOf(k.limits)));
  if (!config.auth.enabled || !configured) return null;
  const limiter = new Limiter(
    l,
    store,
    (err) => log.warn("settling a limit reservation failed", { error: String(err) }),
  );
  return (principal) => async (req) => {
    const estimate = estimateOf(req, now());
    let admission;
    try {
      admission = await limiter.admit(
        {
          orgId: principal.orgId,
          workspaceId: principal.workspaceId,
          keyId: principal.keyId,
          keyLimits: principal.limits,
        },
        estimate,
        now(),
      );
    } catch (err) {
      const refusal = new GatewayError(
        "store_unavailable",
        "usage limits could not be checked (storage unavailable); retry shortly",
      );
      log[errorTable[refusal.code].level]("checking limits failed", { error: String(err) });
      return refusal;
    }
    if (!admission.ok) return refusal(admission.hit);
    const { reservation } = admission;
    return { settle: (trace) => reservation.settle(actualOf(trace)) };
  };
}

const bytesPerToken = 4;

/**
 * Input from the body size, output from `max_tokens` (or a default); cost at the model's price
 * valid at `at` (now), for the request's path as the settlement prices it (proxy/exchange.ts):
 * without it, Claude on a regional Vertex endpoint would be reserved at the global price.
 */
export function estimateOf(req: AdmitRequest, at: number): Estimate {
  const input = Math.ceil(req.requestBytes / bytesPerToken);
  const output = req.maxTokens ?? defaultOutputTokens;
  const cost = req.route.cost(
    req.model,
    {
      model: req.model,
      status: "exact",
      parseErrors: 0,
      usage: {
        ...zeroUsage(),
        input_tokens: input,
        output_tokens: output,
        total_tokens: input + output,
      },
    },
    at,
    req.path,
  );
  return { tokens: input + output, costUsd: cost.estimated_cost_usd ?? 0 };
}

/** Nothing reached the provider: nothing used. Usage unknown: the estimate stands. */
function actualOf(trace: TraceRecord): { tokens: number | null; costUsd: number | null } {
  if (trace.usage_status === "none") return { tokens: 0, costUsd: 0 };
  return {
    tokens: trace.usage_status === "exact" ? trace.total_tokens : null,
    // A partial cost is a lower bound: it is still spent.
    costUsd: trace.cost_status === "priced" || trace.cost_status === "partial"
      ? trace.estimated_cost_usd
      : null,
  };
}

const labels: Record<LimitHit["limit"], string> = {
  requests_per_minute: "requests per minute",
  tokens_per_minute: "tokens per minute",
  tokens_per_day: "tokens per day",
  cost_usd_per_day: "cost per day (USD)",
};

function refusal(hit: LimitHit): GatewayError {
  const configPath = hit.limit === "tokens_per_day" ? "max_tokens_per_day" : hit.limit;
  return new GatewayError(
    "rate_limited",
    `the ${hit.scope}'s limit of ${hit.max} ${labels[hit.limit]} is reached ` +
      `(limits.per_${hit.scope}.${configPath}); retry after ${hit.retryAfterS} s`,
    { limit: hit.limit, max: hit.max, scope: hit.scope, retry_after_s: hit.retryAfterS },
  );
}
