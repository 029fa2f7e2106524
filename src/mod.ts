/**
 * The public surface for config authors: `defineConfig`, `env` and the config types.
 *
 * In this repository, `gateway.config.ts` imports this file by its relative path, so
 * `deno check gateway.config.ts` type-checks it. Elsewhere, import it by package name and map that
 * name to a checkout (or a release's `src/mod.ts`) in your deno.json `imports`:
 *
 * ```ts
 * import { defineConfig, env } from "ongoingai";
 *
 * export default defineConfig({
 *   providers: { groq: { kind: "openai-compatible", upstream: "https://api.groq.com/openai" } },
 *   auth: { enabled: true, keys: [{ id: "team-a", token: env("TEAM_A_KEY") }] },
 * });
 * ```
 *
 * The gateway does not `import()` your config (a compiled binary cannot): it transpiles it and
 * hands `"ongoingai"`, `"@ongoingai/gateway"` (also with `npm:`/`jsr:`) and relative paths to this
 * file the functions exported here. Other imports than relative files are refused.
 *
 * The OpenTelemetry API (`@opentelemetry/api`: `trace`, `context`, `metrics`) is re-exported for
 * code in the config and policies: inside a request, `trace.getActiveSpan()?.setAttribute(...)`
 * lands on the gateway's request span, and `trace.getTracer("mine").startSpan(...)` is exported
 * with the gateway's spans (scrubbed like them) when `observability.otel` is on.
 */
import type { z } from "zod";
import type {
  authKeySchema,
  customDetectorSchema,
  modelPriceSchema,
  namedPolicySchema,
  piiSchema,
  piiScopeSchema,
  poolKeySchema,
  providerSchema,
  RouteConfigInput,
  routeTargetSchema,
} from "./config/mod.ts";

export { defineConfig, env } from "./config/mod.ts";
export { context, metrics, SpanKind, SpanStatusCode, trace } from "./otel_api.ts";
export type {
  OtelAttributes,
  OtelContext,
  OtelMeter,
  OtelSpan,
  OtelSpanOptions,
  OtelTracer,
} from "./otel_api.ts";
export type {
  EnvRef,
  GatewayConfig,
  GatewayConfigInput,
  Permission,
  PiiMode,
  ProviderKind,
  Role,
  RouteFunction,
  RouteRequest,
} from "./config/mod.ts";

/**
 * One PII policy as a value, e.g. in `policies/strict.ts`: `export const strict: PiiPolicy = {...}`.
 * Spread one into `pii` to make it the base policy, or list it in `pii.policies` for scopes.
 */
export type PiiPolicy = z.input<typeof namedPolicySchema>;
/** The whole `pii` block: the base policy, `policies`, `scopes` and the placeholder salt. */
export type PiiConfig = z.input<typeof piiSchema>;
/** One entry of a policy's `custom_detectors`: a regex and an optional validator. */
export type PiiCustomDetector = z.input<typeof customDetectorSchema>;
/** One entry of `pii.scopes`: a selector and the mode/policy it applies. */
export type PiiScope = z.input<typeof piiScopeSchema>;
/** One entry of `providers`, e.g. `{ kind: "openai-compatible", upstream, prices }`. */
export type ProviderConfig = z.input<typeof providerSchema>;
/** One entry of `auth.keys`. */
export type AuthKeyConfig = z.input<typeof authKeySchema>;
/** USD per million tokens for one model. */
export type ModelPriceInput = z.input<typeof modelPriceSchema>;
/**
 * One entry of `routes`: `{ strategy, targets, retry, timeouts, circuit_breaker, stream_commit }`,
 * or a function of the request returning targets, a route name or null (see docs/routing.md).
 */
export type RouteConfig = RouteConfigInput;
/** One target of a route: `{ provider, model, weight?, on_context_length? }`. */
export type RouteTargetConfig = z.input<typeof routeTargetSchema>;
/** One key of a provider's key pool (`providers.<id>.keys`). */
export type ProviderKeyConfig = z.input<typeof poolKeySchema>;
