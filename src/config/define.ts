/**
 * The two functions a `gateway.config.ts` calls. They are identity functions on purpose: the value
 * is the config, and the types are what make an editor complete keys and flag typos.
 */
import type { GatewayConfigInput } from "./schema.ts";
import type { EnvRef } from "./schema_env_ref.ts";
import { context, metrics, SpanKind, SpanStatusCode, trace } from "../otel_api.ts";

/** Returns its argument; exists so `export default defineConfig({...})` is type-checked. */
export function defineConfig(config: GatewayConfigInput): GatewayConfigInput {
  return config;
}

/**
 * A secret read from the environment when the gateway starts, e.g. `token: env("TEAM_A_KEY")`,
 * so the secret never sits in the reviewed file. YAML spells it `token: { env: TEAM_A_KEY }`.
 */
export function env(name: string): EnvRef {
  return { env: name };
}

/**
 * What `import ... from "ongoingai"` gives a config evaluated by the loader. It must hold every
 * runtime export of `src/mod.ts` (a test checks this); types need no runtime value.
 */
export const publicApi: Readonly<Record<string, unknown>> = Object.freeze({
  defineConfig,
  env,
  // The OpenTelemetry API, re-exported by src/mod.ts for custom detectors and hooks.
  context,
  metrics,
  SpanKind,
  SpanStatusCode,
  trace,
});
