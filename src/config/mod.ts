/**
 * Configuration as code: the schema, the one loader every command uses (`gateway.config.ts`,
 * `ongoingai.yaml` or JSON, then `ONGOINGAI_*` / `OTEL_*` variables), semantic checks, and the
 * formatting of config problems with their dotted paths.
 */
export {
  loadConfig,
  type LoadOptions,
  type LoadResult,
  validateConfig,
  type ValidateOptions,
} from "./load.ts";
export {
  type ConfigIssue,
  displayFile,
  formatIssue,
  formatIssues,
  type FormatOptions,
  formatPath,
  githubAnnotation,
  type ValidationReport,
  validationReport,
} from "./issues.ts";
export { type EnvVariable, envVariables } from "./env_variables.ts";
export {
  type ConfigFormat,
  defaultConfigFiles,
  discoverConfig,
  type Discovery,
  skippedTsConfig,
} from "./discover.ts";
export { defineConfig, env, publicApi } from "./define.ts";
export { prefixesOverlap } from "./semantic.ts";
export {
  effectivePiiMode,
  type GatewayConfig,
  resolveConfig,
  type ResolvedAuthKey,
  type ResolvedAws,
  type ResolvedGcp,
  type ResolvedPoolKey,
  type ResolvedProvider,
  resolveProviders,
} from "./resolve.ts";
export * from "./schema.ts";
export {
  maxScopeMultiplier,
  maxTiers,
  maxTierThreshold,
  maxUsdPerUse,
  type PerUseTool,
  perUseTools,
  type PriceScope,
  priceScopes,
  type PriceTier,
  type ServiceTierName,
  serviceTierNames,
  type ServiceTierRates,
} from "./schema_pricing.ts";
/** The built-in providers: `providers/` owns them, the config fills them in. */
export { builtInProviders } from "../providers/mod.ts";
export * from "./schema_env_ref.ts";
export * from "./schema_team.ts";
export * from "./schema_pii.ts";
export { mergeHeaders, parseHeaderList, signalHeaders } from "./otlp_headers.ts";
export {
  type OtlpProtocol,
  otlpProtocols,
  otlpProtocolSchema,
  signalProtocol,
} from "./otlp_protocol.ts";
export { buildSupportIssues, withBuildSupport } from "./build_support.ts";
export { prometheusPath, prometheusSetting } from "./prometheus_setting.ts";
export { otlpBaseUrl } from "./otlp_endpoint.ts";
export { fieldNameMatcher, normaliseFieldName } from "./field_names.ts";
