/**
 * A stricter policy for compliance-sensitive teams: requests carrying PII or secrets are refused
 * before they reach the provider, and a company-specific identifier is detected as well.
 * `gateway.config.ts` lists it in `pii.policies`; a scope selects it by `policy_id`.
 */
import type { PiiPolicy } from "../src/mod.ts";
import { defaultPolicy } from "./default.ts";

export const strictPolicy: PiiPolicy = {
  ...defaultPolicy,
  policy_id: "strict/v1",
  mode: "block",
  custom_detectors: [
    // Employee ids look like EMP-123456; the validator keeps test ids (EMP-000000) out.
    {
      name: "employee_id",
      pattern: /\bEMP-\d{6}\b/,
      validate: (id) => !id.endsWith("000000"),
    },
  ],
  body: {
    key_denylist: [
      ...(defaultPolicy.body?.key_denylist ?? []),
      "*password*",
      "date_of_birth",
      "passport_number",
    ],
  },
};
