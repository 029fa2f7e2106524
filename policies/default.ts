/**
 * The default PII policy, reviewed as code. `gateway.config.ts` imports it as its `pii` block;
 * copy it to `policies/<name>.ts` for a stricter variant and import that instead.
 *
 * With `mode` unset the gateway decides: `redact_storage` when bodies are captured, else `off`.
 * Upstream traffic is only changed in `redact_upstream` and `block` modes.
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
  detectors: { email: true, phone: true, ssn: true, token_like: true },
  // Exact-ish field names only: a bare "token" would also match max_tokens and usage counters.
  body: {
    key_denylist: ["email", "phone", "password", "secret", "ssn", "api_key", "authorization"],
  },
  headers: { denylist: ["cookie", "set-cookie"] },
  replacement: { format: "[{type}_REDACTED:{hash}]" },
  scopes: [
    // Example: block requests carrying PII from one compliance-sensitive workspace.
    // { match: { workspace_id: "workspace-compliance", route_prefix: "/openai/v1/chat" }, mode: "block" },
  ],
};
