import type { PiiConfig } from "../../../../../src/mod.ts";
import { policyVersion } from "./version.ts";

export const strictPolicy: PiiConfig = {
  mode: "block",
  policy_id: `strict/${policyVersion()}`,
  scopes: [{ match: { provider: "anthropic" }, mode: "redact_upstream" }],
};
