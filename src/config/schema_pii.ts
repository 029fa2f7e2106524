/**
 * The `pii` block: a base policy, named policies that scopes can select, and scopes. A policy is
 * a TypeScript value in `policies/*.ts`, reviewed in pull requests like code; `check` validates
 * what the schema cannot (regexes compile, scopes can match, policy ids exist).
 */
import { z } from "zod";
import { envRefSchema } from "./schema_env_ref.ts";

export const piiModes = ["off", "redact_storage", "redact_upstream", "block"] as const;

/** The original's YAML writes `mode: ""` for "auto" (decided from capture_bodies): same as unset. */
const piiMode = z.enum(piiModes).or(z.literal("")).optional()
  .transform((m) => (m === "" ? undefined : m));

export const builtinDetectorNames = [
  "email",
  "phone",
  "credit_card",
  "iban",
  "ssn",
  "ip_address",
  "token_like",
] as const;

const detectorsSchema = z.strictObject({
  email: z.boolean().default(true).describe("E-mail addresses."),
  phone: z.boolean().default(true).describe(
    "Phone numbers, international and national formats (see docs/pii-detection.md for precision).",
  ),
  credit_card: z.boolean().default(true).describe("Card numbers (12-19 digits, Luhn-checked)."),
  iban: z.boolean().default(true).describe("IBANs (country length and mod-97 checked)."),
  ssn: z.boolean().default(true).describe("US social security numbers."),
  ip_address: z.boolean().default(true).describe("IPv4 and IPv6 addresses."),
  token_like: z.boolean().default(true).describe(
    "Secrets: OpenAI, Anthropic, AWS, GitHub, Slack and Google keys, JWTs, private key blocks.",
  ),
}).prefault({});

export type MatchValidator = (match: string) => boolean;

export const customDetectorSchema = z.strictObject({
  name: z.string().regex(
    /^[a-z][a-z0-9_]*$/,
    "must be lowercase letters, digits and _, starting with a letter (e.g. employee_id)",
  ).describe("Count key in traces, e.g. `employee_id`."),
  type: z.string().regex(/^[A-Z][A-Z0-9_]*$/, "must be upper case, e.g. EMPLOYEE_ID").optional()
    .describe("Placeholder type; default: the name in upper case."),
  pattern: z.union([z.string().min(1), z.instanceof(RegExp).meta({ "x-type": "RegExp" })]).describe(
    "Regular expression (JavaScript syntax) matching the value.",
  ),
  flags: z.string().regex(/^[imsu]*$/, "may only contain i, m, s and u").optional().describe(
    "Flags for a string pattern (`g` is always added).",
  ),
  validate: z.custom<MatchValidator>(
    (v) => typeof v === "function",
    "must be a function (match: string) => boolean",
  ).meta({ "x-type": "(match: string) => boolean" }).optional().describe(
    "Accepts or rejects each match, e.g. a checksum.",
  ),
});

/** What one policy decides; shared by the base policy and the named ones. */
const policyFields = {
  stages: z.strictObject({
    request_headers: z.boolean().default(true).describe("Redact stored request headers."),
    request_body: z.boolean().default(true).describe(
      "Inspect request bodies (stored copies; in redact_upstream and block, what is forwarded).",
    ),
    response_headers: z.boolean().default(true).describe("Redact stored response headers."),
    response_body: z.boolean().default(true).describe(
      "Inspect response bodies (stored copies; in redact_upstream and block, what the client gets).",
    ),
  }).prefault({}).describe("Which parts of an exchange are inspected."),
  detectors: detectorsSchema.describe("Which built-in detectors run on text."),
  custom_detectors: z.array(customDetectorSchema).default([]).describe(
    "Detectors of your own: a regular expression and an optional validator.",
  ),
  headers: z.strictObject({
    denylist: z.array(z.string().min(1)).default([]).describe(
      "Header names whose stored values are always replaced by [REDACTED].",
    ),
  }).prefault({}),
  body: z.strictObject({
    key_denylist: z.array(z.string().min(1)).default([
      "email",
      "phone",
      "password",
      "secret",
      "ssn",
      "api_key",
      "authorization",
    ]).describe(
      "JSON field names whose string or number values are replaced whole. Compared without " +
        "case, `-`, `_` and spaces (`api_key` matches `apiKey`); `*` matches any run of " +
        "characters (`*password*`). Exact by default, so `token` does not hit `max_tokens`.",
    ),
  }).prefault({}),
};

const policyId = z.string().min(1).regex(/^\S+$/, "must not contain spaces");

/** A policy that scopes can select by its id: `policies/strict.ts` exports one of these. */
export const namedPolicySchema = z.strictObject({
  policy_id: policyId.describe("Recorded with each trace; scopes select the policy by it."),
  mode: piiMode.describe("Mode when a scope selects this policy without a mode of its own."),
  ...policyFields,
  replacement: z.strictObject({
    format: z.string().min(1).default("[{type}_REDACTED:{hash}]").describe(
      "Placeholder for a redacted value; `{type}` and `{hash}` are filled in.",
    ),
  }).prefault({}),
});

export const piiScopeSchema = z.strictObject({
  match: z.strictObject({
    org_id: z.string().min(1).optional().describe("Organisation id."),
    workspace_id: z.string().min(1).optional().describe("Workspace id."),
    key_id: z.string().min(1).optional().describe("Gateway key id."),
    provider: z.string().regex(/^[a-z0-9_-]+$/, "must be a lowercase provider id").optional()
      .describe("Provider id, e.g. `openai`."),
    route_prefix: z.string().startsWith("/", "must start with '/'").optional().describe(
      "Gateway path prefix, e.g. `/openai/v1/chat`.",
    ),
  }).refine(
    (m) => Object.values(m).some((v) => v !== undefined),
    "must set at least one selector: org_id, workspace_id, key_id, provider, or route_prefix",
  ).describe("Selectors, at least one; a request must match every selector given."),
  mode: piiMode.describe("Mode for matching requests."),
  policy_id: z.string().min(1).optional().describe(
    "Policy for matching requests: the base policy's id or one in `pii.policies`.",
  ),
});

export const piiSchema = z.strictObject({
  mode: piiMode.describe(
    "`off`, `redact_storage` (stored copies), `redact_upstream` (also what is forwarded and " +
      'returned) or `block` (refuse it). Unset or `""`: `redact_storage` when bodies are ' +
      "captured, else `off`.",
  ),
  policy_id: policyId.default("default/v1").describe(
    "Id of the base policy, recorded with traces.",
  ),
  ...policyFields,
  replacement: z.strictObject({
    format: z.string().min(1).default("[{type}_REDACTED:{hash}]").describe(
      "Placeholder for a redacted value; `{type}` and `{hash}` are filled in.",
    ),
    hash_salt: z.union([z.string(), envRefSchema]).default("").describe(
      "Key of the placeholder hash (HMAC-SHA-256), e.g. " +
        '`env("ONGOINGAI_PII_HASH_SALT")`. Unset: a random key per process, so placeholders ' +
        "are not comparable across restarts. A named variable that is unset with PII on stops " +
        "the gateway.",
    ),
  }).prefault({}),
  scan_budget: z.strictObject({
    time_ms: z.number().int().positive().default(5_000).describe(
      "Most CPU time (ms) for redacting one body (a 32 MiB body of prose takes about 1.5 s), run " +
        "in slices so other requests go on. Past " +
        "it: 413 pii_scan_budget_exceeded (redact_upstream, block), or the stored copy is dropped.",
    ),
    max_findings: z.number().int().positive().default(100_000).describe(
      "Most values redacted in one body; past it, as for `time_ms`.",
    ),
  }).prefault({}).describe("Bounds on redacting one body, so one request cannot hold the CPU."),
  policies: z.array(namedPolicySchema).default([]).describe(
    "More policies, selected by `scopes[].policy_id`; each is complete on its own.",
  ),
  scopes: z.array(piiScopeSchema).default([]).describe(
    "Overrides of `mode` and policy by org, workspace, key, provider or route; the most " +
      "specific match wins, ties go to the first declared.",
  ),
}).prefault({});

export type PiiMode = (typeof piiModes)[number];
export type BuiltinDetectorName = (typeof builtinDetectorNames)[number];
