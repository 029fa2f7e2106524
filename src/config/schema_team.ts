/**
 * Team mode in the config: roles and permissions, limits, and gateway keys (part of
 * `configSchema` in schema.ts).
 */
import { z } from "zod";
import { envRefSchema } from "./schema_env_ref.ts";

export const roles = ["owner", "admin", "developer", "member", "viewer"] as const;
export const permissions = [
  "proxy:write",
  "analytics:read",
  "keys:manage",
  "bodies:read",
  "diagnostics:read",
  "audit:read",
  "traces:replay",
] as const;

const limitFields = {
  requests_per_minute: z.number().int().nonnegative().describe(
    "Requests per minute (UTC clock minute).",
  ),
  tokens_per_minute: z.number().int().nonnegative().describe(
    "Tokens (input and output) per minute; a request reserves its estimate (body size / 4 plus " +
      "`max_tokens`, or 1024 without it) and settles with its real usage.",
  ),
  max_tokens_per_day: z.number().int().nonnegative().describe("Tokens per UTC day."),
  cost_usd_per_day: z.number().nonnegative().describe(
    "Estimated cost in USD per UTC day; reserved from the estimate, settled with the real cost.",
  ),
  max_cost_usd_per_day: z.number().nonnegative().describe(
    "The original's name for `cost_usd_per_day`.",
  ),
};

const oneCostName = {
  message: "set cost_usd_per_day or its older name max_cost_usd_per_day, not both",
  path: ["max_cost_usd_per_day"],
};

/** Global limits; 0 means no limit. */
export const limitsSchema = z.strictObject({
  requests_per_minute: limitFields.requests_per_minute.default(0),
  tokens_per_minute: limitFields.tokens_per_minute.default(0),
  max_tokens_per_day: limitFields.max_tokens_per_day.default(0),
  cost_usd_per_day: limitFields.cost_usd_per_day.default(0),
  max_cost_usd_per_day: limitFields.max_cost_usd_per_day.default(0),
}).refine((l) => !(l.cost_usd_per_day > 0 && l.max_cost_usd_per_day > 0), oneCostName)
  .prefault({});

/** A key's own limits: only what it sets overrides `limits.per_key`, so nothing is defaulted. */
const keyLimitsSchema = z.strictObject({
  requests_per_minute: limitFields.requests_per_minute.optional(),
  tokens_per_minute: limitFields.tokens_per_minute.optional(),
  max_tokens_per_day: limitFields.max_tokens_per_day.optional(),
  cost_usd_per_day: limitFields.cost_usd_per_day.optional(),
  max_cost_usd_per_day: limitFields.max_cost_usd_per_day.optional(),
}).refine(
  (l) => !(l.cost_usd_per_day !== undefined && l.max_cost_usd_per_day !== undefined),
  oneCostName,
);

export const authKeySchema = z.strictObject({
  id: z.string().min(1).describe("Key id, recorded in traces as `gateway_key_id`."),
  token: z.union([z.string().min(1), envRefSchema]).optional().describe(
    'The key, given as `env("TEAM_A_KEY")`; a plaintext string works but `check` warns.',
  ),
  token_hash: z.string().regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex characters (SHA-256)")
    .optional().describe(
      "Hex SHA-256 of the key, so its plaintext never touches the repository. One of `token` " +
        "or `token_hash` is required.",
    ),
  org_id: z.string().min(1).default("default").describe("Organisation of the key."),
  workspace_id: z.string().min(1).optional().describe("Workspace of the key."),
  team: z.string().min(1).optional().describe("The original's alias for `workspace_id`."),
  name: z.string().optional().describe("Label for people."),
  description: z.string().optional().describe("Label for people."),
  created_by: z.string().optional().describe("Label for people."),
  role: z.enum(roles).default("developer").describe(
    "Role of the key; its default permissions are listed under Team mode.",
  ),
  permissions: z.array(z.enum(permissions)).default([]).describe(
    "Permissions added to the role's defaults.",
  ),
  limits: keyLimitsSchema.optional().describe(
    "This key's own limits; each one set replaces `limits.per_key` for this key.",
  ),
}).refine((k) => k.token !== undefined || k.token_hash !== undefined, {
  message: 'needs either token (for example env("TEAM_KEY")) or token_hash',
});

export const authSchema = z.strictObject({
  enabled: z.boolean().default(false).describe(
    "Require a gateway key on every provider route and every API route except `/` and " +
      "`/api/health`: 401 without a valid key, 403 without the permission.",
  ),
  header: z.string().regex(/^[A-Za-z0-9-]+$/, "must be an HTTP header name").default(
    "X-OngoingAI-Gateway-Key",
  ).describe("Header carrying the gateway key; it is never forwarded upstream."),
  keys: z.array(authKeySchema).default([]).describe(
    "Gateway keys defined here. Keys created through `/api/gateway-keys` or `ongoingai keys` " +
      "live in the database, beside these.",
  ),
  key_refresh_ms: z.int().min(100).max(60_000).default(2000).describe(
    "How often each instance reloads the database's keys: a key revoked on one instance is " +
      "refused by every instance within this time. If reloading fails for three times this " +
      "long, database keys are refused until it succeeds again (config keys still work).",
  ),
}).prefault({});

export type Role = (typeof roles)[number];
export type Permission = (typeof permissions)[number];
