/**
 * The default PII policy, reviewed as code. `gateway.config.ts` spreads it into its `pii` block,
 * which makes it the base policy; `policies/strict.ts` shows a second policy that scopes select.
 *
 * With `mode` unset the gateway decides: `redact_storage` when bodies are captured, else `off`.
 * Upstream traffic is only changed in `redact_upstream` and `block` modes. Try a change before
 * merging it: `echo '{"note":"mail jane@example.com"}' | ongoingai pii scan`.
 */
import type { PiiPolicy } from "../src/mod.ts";

export const defaultPolicy: PiiPolicy = {
  policy_id: "default/v1",
  stages: {
    request_headers: true,
    request_body: true,
    response_headers: true,
    response_body: true,
  },
  detectors: {
    email: true,
    phone: true,
    credit_card: true,
    iban: true,
    ssn: true,
    ip_address: true,
    token_like: true,
  },
  // Exact field names (case, -, _ and spaces aside): a bare "token" would also hit max_tokens.
  body: {
    key_denylist: ["email", "phone", "password", "secret", "ssn", "api_key", "authorization"],
  },
  headers: { denylist: ["cookie", "set-cookie"] },
  replacement: { format: "[{type}_REDACTED:{hash}]" },
};
