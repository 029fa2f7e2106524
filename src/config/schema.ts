/**
 * The one configuration schema. `gateway.config.ts`, `ongoingai.yaml`, `.json` files and the
 * `ONGOINGAI_*` / `OTEL_*` environment all resolve through it, so every source gets the same
 * defaults, the same strictness (unknown keys are errors) and the same messages.
 *
 * Keys are snake_case on purpose: they are the original's YAML keys, and one spelling for both
 * file formats means a YAML config can be pasted into `gateway.config.ts` unchanged.
 */
import { z } from "zod";

const MiB = 1024 * 1024;

/** A secret given by reference: `env("TEAM_A_KEY")` in TypeScript, `{ env: TEAM_A_KEY }` in YAML. */
export const envRefSchema = z.strictObject({
  env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name"),
});

const httpUrl = z.string().check((ctx) => {
  let url: URL;
  try {
    url = new URL(ctx.value);
  } catch {
    ctx.issues.push({
      code: "custom",
      input: ctx.value,
      message:
        `must be an absolute http(s) URL such as https://api.openai.com (got "${ctx.value}")`,
    });
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    ctx.issues.push({
      code: "custom",
      input: ctx.value,
      message: `must use http or https (got "${url.protocol.replace(":", "")}")`,
    });
  } else if (url.search || url.hash || url.username || url.password) {
    ctx.issues.push({
      code: "custom",
      input: ctx.value,
      message: "must not contain a query, fragment or credentials; pass keys as request headers",
    });
  }
});

const routePrefix = z
  .string()
  .regex(
    /^\/[A-Za-z0-9._~\-/]*$/,
    "must start with '/' and contain only path characters, e.g. /openai",
  )
  .refine((p) => p !== "/", "must not be '/' (it would capture every path, including /api)")
  .refine((p) => !p.split("/").some((s) => s === "." || s === ".."), "must not contain . or ..")
  .transform((p) => (p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p));

/** USD per one million tokens. */
const usdPerMillion = z.number().nonnegative().finite();

export const modelPriceSchema = z.strictObject({
  input: usdPerMillion,
  output: usdPerMillion,
  /** Price of input tokens read from the provider's prompt cache; defaults to `input`. */
  cached_input: usdPerMillion.optional(),
  /** Price of input tokens written to the prompt cache; defaults to `input`. */
  cache_write: usdPerMillion.optional(),
});

/** Model id (or family, matched by prefix on `-` boundaries) to its price. */
export const priceTableSchema = z.record(z.string().min(1), modelPriceSchema);

export const providerKinds = ["openai", "anthropic", "openai-compatible"] as const;

const timeoutMs = z.number().int().positive().max(24 * 60 * 60 * 1000);

export const providerSchema = z.strictObject({
  /** Wire format. `openai` and `anthropic` are inferred for the providers of those names. */
  kind: z.enum(providerKinds).optional(),
  prefix: routePrefix.optional(),
  upstream: httpUrl.optional(),
  /** Extra or overriding prices, USD per million tokens. */
  prices: priceTableSchema.optional(),
  /**
   * OpenAI streams: ask upstream for usage with `stream_options.include_usage` when the client
   * did not, and hide that extra chunk from the client. Turn off for servers that reject it.
   */
  stream_usage: z.boolean().optional(),
  enabled: z.boolean().optional(),
});

export const serverSchema = z.strictObject({
  host: z.string().min(1).default("0.0.0.0"),
  port: z.number().int().min(1, "must be between 1 and 65535").max(
    65535,
    "must be between 1 and 65535",
  ).default(8080),
  /** How long in-flight requests may run after SIGINT/SIGTERM before they are ended. */
  shutdown_grace_ms: z.number().int().nonnegative().max(10 * 60 * 1000).default(25_000),
  log_format: z.enum(["text", "json"]).default("text"),
}).prefault({});

export const proxySchema = z.strictObject({
  /** Largest request body forwarded; larger bodies get 413. Counted, not trusted from headers. */
  max_request_body_bytes: z.number().int().positive().default(32 * MiB),
  /** Time allowed until upstream response headers arrive (connect included). */
  headers_timeout_ms: timeoutMs.default(120_000),
  /** Longest silence allowed between two chunks of an upstream response body. */
  idle_timeout_ms: timeoutMs.default(60_000),
  /** Deadline for the whole exchange, streaming included. */
  total_timeout_ms: timeoutMs.default(600_000),
}).prefault({});

export const storageSchema = z.strictObject({
  driver: z.enum(["sqlite", "postgres"]).default("sqlite"),
  path: z.string().min(1).default("./data/ongoingai.db"),
  dsn: z.string().min(1).optional(),
}).prefault({});

export const tracingSchema = z.strictObject({
  capture_bodies: z.boolean().default(false),
  body_max_size: z.number().int().positive().default(MiB),
  /** Traces waiting to be written; a full queue drops (and counts) rather than slowing requests. */
  queue_size: z.number().int().positive().max(10_000_000).default(16_384),
  batch_size: z.number().int().positive().max(100_000).default(512),
  flush_interval_ms: z.number().int().positive().max(60_000).default(50),
  /** Secret for the provider-key fingerprint. Default: generated once and kept beside the database. */
  key_hash_secret: z.union([z.string().min(16), envRefSchema]).optional(),
}).prefault({});

export const otelSchema = z.strictObject({
  enabled: z.boolean().default(false),
  endpoint: z.string().default("localhost:4318"),
  insecure: z.boolean().default(true),
  service_name: z.string().default("ongoingai-gateway"),
  traces_enabled: z.boolean().default(true),
  metrics_enabled: z.boolean().default(true),
  prometheus_enabled: z.boolean().default(false),
  prometheus_path: z.string().default("/metrics"),
  sampling_ratio: z.number().min(0).max(1).default(1),
  export_timeout_ms: z.number().int().positive().default(3000),
  metric_export_interval_ms: z.number().int().positive().default(10_000),
}).prefault({});

export const piiModes = ["off", "redact_storage", "redact_upstream", "block"] as const;

/** The original's YAML writes `mode: ""` for "auto" (decided from capture_bodies): same as unset. */
const piiMode = z.enum(piiModes).or(z.literal("")).optional()
  .transform((m) => (m === "" ? undefined : m));

export const piiScopeSchema = z.strictObject({
  match: z.strictObject({
    org_id: z.string().min(1).optional(),
    workspace_id: z.string().min(1).optional(),
    key_id: z.string().min(1).optional(),
    provider: z.string().regex(/^[a-z0-9_-]+$/, "must be a lowercase provider id").optional(),
    route_prefix: z.string().startsWith("/", "must start with '/'").optional(),
  }).refine(
    (m) => Object.values(m).some((v) => v !== undefined),
    "must set at least one selector: org_id, workspace_id, key_id, provider, or route_prefix",
  ),
  mode: piiMode,
  policy_id: z.string().min(1).optional(),
});

export const piiSchema = z.strictObject({
  /** Unset means `redact_storage` when bodies are captured, else `off`. */
  mode: piiMode,
  policy_id: z.string().min(1).default("default/v1"),
  stages: z.strictObject({
    request_headers: z.boolean().default(true),
    request_body: z.boolean().default(true),
    response_headers: z.boolean().default(true),
    response_body: z.boolean().default(true),
  }).prefault({}),
  detectors: z.strictObject({
    email: z.boolean().default(true),
    phone: z.boolean().default(true),
    ssn: z.boolean().default(true),
    token_like: z.boolean().default(true),
  }).prefault({}),
  headers: z.strictObject({ denylist: z.array(z.string().min(1)).default([]) }).prefault({}),
  body: z.strictObject({
    key_denylist: z.array(z.string().min(1)).default([
      "email",
      "phone",
      "password",
      "secret",
      "ssn",
      "api_key",
      "authorization",
    ]),
  }).prefault({}),
  replacement: z.strictObject({
    format: z.string().min(1).default("[{type}_REDACTED:{hash}]"),
    hash_salt: z.union([z.string(), envRefSchema]).default(""),
  }).prefault({}),
  scopes: z.array(piiScopeSchema).default([]),
}).prefault({});

export const roles = ["owner", "admin", "developer", "member", "viewer"] as const;
export const permissions = [
  "proxy:write",
  "analytics:read",
  "keys:manage",
  "bodies:read",
] as const;

const limitFields = {
  requests_per_minute: z.number().int().nonnegative(),
  max_tokens_per_day: z.number().int().nonnegative(),
  max_cost_usd_per_day: z.number().nonnegative(),
};

/** Global limits; 0 means no limit. */
const limitsSchema = z.strictObject({
  requests_per_minute: limitFields.requests_per_minute.default(0),
  max_tokens_per_day: limitFields.max_tokens_per_day.default(0),
  max_cost_usd_per_day: limitFields.max_cost_usd_per_day.default(0),
}).prefault({});

/** A key's own limits: only what it sets overrides `limits.per_key`, so nothing is defaulted. */
const keyLimitsSchema = z.strictObject({
  requests_per_minute: limitFields.requests_per_minute.optional(),
  max_tokens_per_day: limitFields.max_tokens_per_day.optional(),
  max_cost_usd_per_day: limitFields.max_cost_usd_per_day.optional(),
});

export const authKeySchema = z.strictObject({
  id: z.string().min(1),
  /** A reference such as `env("TEAM_A_KEY")`; a plaintext string works but `check` warns. */
  token: z.union([z.string().min(1), envRefSchema]).optional(),
  /** Hex SHA-256 of the token, for keys whose plaintext never touches the repository. */
  token_hash: z.string().regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex characters (SHA-256)")
    .optional(),
  org_id: z.string().min(1).default("default"),
  workspace_id: z.string().min(1).optional(),
  /** The original's alias for `workspace_id`. */
  team: z.string().min(1).optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  created_by: z.string().optional(),
  role: z.enum(roles).default("developer"),
  permissions: z.array(z.enum(permissions)).default([]),
  limits: keyLimitsSchema.optional(),
}).refine((k) => k.token !== undefined || k.token_hash !== undefined, {
  message: 'needs either token (for example env("TEAM_KEY")) or token_hash',
});

export const authSchema = z.strictObject({
  enabled: z.boolean().default(false),
  header: z.string().regex(/^[A-Za-z0-9-]+$/, "must be an HTTP header name").default(
    "X-OngoingAI-Gateway-Key",
  ),
  keys: z.array(authKeySchema).default([]),
}).prefault({});

export const configSchema = z.strictObject({
  server: serverSchema,
  proxy: proxySchema,
  storage: storageSchema,
  providers: z.record(
    z.string().regex(
      /^[a-z][a-z0-9_-]*$/,
      "provider ids are lowercase letters, digits, - and _, starting with a letter (e.g. groq)",
    ),
    providerSchema,
  )
    .default({}),
  tracing: tracingSchema,
  observability: z.strictObject({ otel: otelSchema }).prefault({}),
  pii: piiSchema,
  auth: authSchema,
  limits: z.strictObject({ per_key: limitsSchema, per_workspace: limitsSchema }).prefault({}),
});

/** What a config author writes: everything optional, defaults filled in by the loader. */
export type GatewayConfigInput = z.input<typeof configSchema>;
/** The parsed file, before providers are resolved. */
export type ParsedConfig = z.output<typeof configSchema>;
export type ModelPrice = z.output<typeof modelPriceSchema>;
export type PriceTable = z.output<typeof priceTableSchema>;
export type ProviderKind = (typeof providerKinds)[number];
export type PiiMode = (typeof piiModes)[number];
export type Role = (typeof roles)[number];
export type Permission = (typeof permissions)[number];
export type EnvRef = z.output<typeof envRefSchema>;
