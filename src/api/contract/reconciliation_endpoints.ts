/**
 * The contract of `GET /api/reconciliation` (issue 24), kept apart from endpoints.ts so each file
 * stays readable.
 */
import { reconciliationQuerySchema } from "../reconciliation.ts";
import { reconciliationResponseSchema } from "../reconciliation_schema.ts";
import type { Endpoint } from "./endpoint.ts";
import { errorResponseSchema } from "./schemas.ts";

const error = (description: string) => ({ description, schema: errorResponseSchema });

export const reconciliationEndpoints: readonly Endpoint[] = [
  {
    method: "get",
    path: "/api/reconciliation",
    operationId: "getReconciliation",
    access: "diagnostics:read",
    summary: "The traces against the provider's own usage and cost reports",
    description: "Compares each provider's reports saved with `ongoingai reconcile --save` with " +
      "the traces of the providers of that kind, per UTC day and model: tokens by kind, " +
      "requests and USD, each difference beyond the tolerance with its likely cause (traffic " +
      "that bypassed the gateway, unpriced or partially priced models, a price that differs, " +
      "usage the gateway marked unknown, 1-hour cache writes counted as 5-minute). The " +
      "provider's bill covers every tenant's traffic to its account, hence `diagnostics:read`. " +
      "A provider with no saved report is named in `notes`. docs/reconcile.md.",
    tag: "analytics",
    query: reconciliationQuerySchema,
    responses: {
      200: { description: "The reconciliation.", schema: reconciliationResponseSchema },
      400: error("invalid_parameter: names the parameter at fault and what it accepts."),
      500: error("internal_error: the store failed, or a saved report cannot be read."),
    },
    example: { query: { provider: "anthropic", tolerance: "1" } },
  },
];
