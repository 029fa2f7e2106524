import type { PiiPolicy } from "../../../../../src/mod.ts";
import { policyVersion } from "./version.ts";

export const strictPolicy: PiiPolicy = {
  mode: "block",
  policy_id: `strict/${policyVersion()}`,
  scopes: [{ match: { provider: "anthropic" }, mode: "redact_upstream" }],
};
