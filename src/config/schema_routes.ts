/**
 * The `routes` block and provider key pools (`providers.<id>.keys`). A route is a model name
 * clients may ask for; the gateway resolves it to targets (provider and model) and the policy
 * that decides retries, fallbacks, timeouts and the stream commit point. The same shape is
 * written in YAML, JSON and `gateway.config.ts`; only the last may give `targets` as a function
 * of the request (routing reviewed as code). Cross-field rules live in semantic_routes.ts.
 */
import { z } from "zod";
import { envRefSchema } from "./schema_env_ref.ts";

const MiB = 1024 * 1024;
const day = 24 * 60 * 60 * 1000;

export const routeStrategies = ["fallback", "weighted", "least_latency"] as const;
export const streamCommits = ["first_content", "complete"] as const;

/** Most targets one route may list or a route function may return. */
export const maxRouteTargets = 16;
/** Connecting longer than this is a dead upstream, whatever a route's other limits say. */
export const defaultConnectMs = 10_000;
/** Most attempts per target: more than this is a retry storm, not resilience. */
export const maxAttempts = 10;

/** What a route function is given: facts of the request, copied, frozen and bounded. */
export interface RouteRequest {
  /** The body's `model`: the name of the route being resolved. */
  readonly model: string;
  /** Who sent it: org, workspace and gateway key (without team mode: "default", null key). */
  readonly tenant: {
    readonly org_id: string;
    readonly workspace_id: string;
    readonly gateway_key_id: string | null;
  };
  /**
   * Request headers, names lower-case, credentials (provider keys, the gateway key, cookies)
   * left out, at most 64 of them with values cut to 1024 characters.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** Size of the request body in bytes. */
  readonly body_bytes: number;
  /** The path after the provider prefix (or the root), e.g. `/v1/chat/completions`. */
  readonly path: string;
}

const providerId = z.string().regex(
  /^[a-z][a-z0-9_-]*$/,
  "must be a provider id: lowercase letters, digits, - and _ (e.g. openai)",
);

/**
 * A share among targets or pool keys, default 1; 0 is a last resort, which the policy uses only
 * when every one with a weight is unavailable (routing/weighted.ts), so 0 is accepted and only a
 * negative weight refused.
 */
function weightSchema(of: "target" | "key") {
  return z.number().min(
    0,
    `must be 0 or more: 0 makes the ${of} a last resort (used only when every ${of} with a ` +
      `weight is unavailable); leave the ${of} out to never use it`,
  ).max(1_000_000).default(1);
}

export const routeTargetSchema = z.strictObject({
  provider: providerId.describe("Provider id of the config (`providers.<id>`) to send to."),
  model: z.string().min(1).max(256).describe(
    "Model sent upstream: the body's `model` is rewritten to it.",
  ),
  weight: weightSchema("target").describe(
    "Share of traffic under `strategy: weighted` (relative to the other targets); 0: a last " +
      "resort, tried only after every target with a weight.",
  ),
  on_context_length: z.boolean().default(false).describe(
    "This target has a larger context window: a context-length error of an earlier target " +
      "may go to it (such errors are otherwise passed to the client, never retried).",
  ),
});

/** One target as a route function returns it; `weight` and `on_context_length` may be left out. */
export type RouteTargetInput = z.input<typeof routeTargetSchema>;

/**
 * Targets chosen in code: a list of targets, the name of a route with a target list (its whole
 * policy then applies), or null for "no route: forward as if the route did not exist". It runs
 * in the gateway's process on every request of the route, so it must be synchronous and quick;
 * a throw or a wrong result answers that request 500 `route_function_failed`.
 */
export type RouteFunction = (
  req: RouteRequest,
) => readonly RouteTargetInput[] | string | null;

const routeFunctionSchema = z.custom<RouteFunction>(
  (v) => typeof v === "function",
  "must be a function (req) => targets | route name | null (gateway.config.ts only)",
).meta({ "x-type": "(req: RouteRequest) => RouteTarget[] | string | null" });

const phaseTimeout = z.number().int().positive("must be greater than 0; null means no limit")
  .max(day).nullable().optional();

export const routeRetrySchema = z.strictObject({
  attempts: z.number().int().min(1, "must be at least 1 (the first attempt counts)")
    .max(maxAttempts, `must be at most ${maxAttempts}: more is a retry storm, add a target`)
    .default(2).describe("Attempts per target, the first included, before the next target."),
  backoff_ms: z.number().int().nonnegative().max(60_000).default(250).describe(
    "Base of the exponential backoff between attempts on one target (full jitter).",
  ),
  max_backoff_ms: z.number().int().nonnegative().max(10 * 60_000).default(8000).describe(
    "Cap of one backoff wait.",
  ),
  max_retry_after_ms: z.number().int().nonnegative().max(60 * 60_000).default(10_000).describe(
    "Longest `Retry-After` (or reset header) honoured on the same target; a longer one sends " +
      "the request to the next target at once.",
  ),
}).prefault({});

export const routeTimeoutsSchema = z.strictObject({
  connect_ms: phaseTimeout.describe(
    "Connecting to the upstream (TCP and TLS). Unset: 10000. null: no limit of its own.",
  ),
  first_byte_ms: phaseTimeout.describe(
    "Until the response headers, connecting included. Unset: `proxy.headers_timeout_ms`.",
  ),
  first_token_ms: phaseTimeout.describe(
    "From sending an attempt until the first content of its stream. Unset: no limit of its own.",
  ),
  idle_ms: phaseTimeout.describe(
    "Longest gap between stream events. Unset: `proxy.idle_timeout_ms`.",
  ),
  total_ms: phaseTimeout.describe(
    "The whole request, every attempt and backoff included: no attempt starts or runs past " +
      "it. Unset: `proxy.total_timeout_ms` (0 there: no limit).",
  ),
}).prefault({});

const breakerSchema = z.strictObject({
  failures: z.number().int().min(1).max(1000).default(5).describe(
    "Consecutive failures of a target that open its breaker.",
  ),
  open_ms: z.number().int().positive().max(day).default(30_000).describe(
    "How long an open breaker skips the target before one probe request is let through.",
  ),
});

export const routeSchema = z.strictObject({
  strategy: z.enum(routeStrategies).default("fallback").describe(
    "`fallback`: targets in order; `weighted`: the first target drawn by `weight`, the rest " +
      "in order; `least_latency`: the target with the lowest recent latency first.",
  ),
  targets: z.union([
    z.array(routeTargetSchema).max(maxRouteTargets),
    routeFunctionSchema,
  ]).describe(
    "Where the route sends: a list of `{ provider, model }`, or in gateway.config.ts a " +
      "function of the request returning one (see docs/routing.md).",
  ),
  retry: routeRetrySchema.describe("Retries on one target before the next."),
  timeouts: routeTimeoutsSchema.describe("Per-phase time limits of each attempt, in ms."),
  circuit_breaker: z.union([z.literal(false), breakerSchema]).default({
    failures: 5,
    open_ms: 30_000,
  }).describe("Per-target circuit breaker, or false for none."),
  stream_commit: z.enum(streamCommits).default("first_content").describe(
    "When a stream is committed to the client: at its first content (`first_content`), or " +
      "once the upstream finished it cleanly (`complete`, bounded by `max_buffer_bytes`); " +
      "before it, a failure moves to the next attempt invisibly.",
  ),
  max_buffer_bytes: z.number().int().min(64 * 1024).max(256 * MiB).default(4 * MiB).describe(
    "`stream_commit: complete` holds at most this much of an answer; past it, it commits.",
  ),
});

/**
 * Model names are what clients send; they may hold `/`, `:`, `.` and `@`
 * (`meta-llama/Llama-3-70b`, `llama3:8b`, `claude-x@20250101`).
 */
export const routeNameSchema = z.string().regex(
  /^[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,199}$/,
  "route names are model names: letters, digits and . _ : @ / + -, starting with a letter " +
    "or digit, at most 200 characters (e.g. gpt-main)",
);

export const routesSchema = z.record(
  routeNameSchema,
  z.union([routeSchema, routeFunctionSchema]).describe(
    "The route clients reach by sending this name as `model`: an object, or in " +
      "gateway.config.ts a function, short for `{ targets: fn }`.",
  ),
).default({});

/** A route as written: an object, or (gateway.config.ts) a function, short for `{ targets: fn }`. */
export type RouteConfigInput = z.input<typeof routeSchema> | RouteFunction;
export type ParsedRoute = z.output<typeof routeSchema>;

export const poolKeySchema = z.strictObject({
  id: z.string().regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    "must be letters, digits, . _ -, at most 64 characters (e.g. team-a); it names the key in " +
      "traces, the API and logs",
  ).describe("Name of the key in traces, `GET /api/routes` and `ongoingai routes`."),
  key: z.union([z.string().min(1), envRefSchema]).describe(
    'The provider key, e.g. `env("OPENAI_KEY_A")` (YAML: `{ env: OPENAI_KEY_A }`).',
  ),
  weight: weightSchema("key").describe(
    "Share of requests among the keys that are not cooling down; 0: a last resort, used only " +
      "when every key with a weight is cooling down, disabled or at its rpm/tpm.",
  ),
  rpm: z.number().int().positive().optional().describe(
    "Requests per minute this key's account allows; the pool spreads load to stay under it.",
  ),
  tpm: z.number().int().positive().optional().describe(
    "Tokens per minute this key's account allows.",
  ),
  group: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "must be letters, digits, . _ -")
    .optional().describe(
      "Keys sharing one quota (one account or organisation): a 429 cools the whole group down.",
    ),
});

export const poolKeysSchema = z.array(poolKeySchema).max(64);
