/**
 * Turns the parsed file into the runtime shape: built-in providers filled in, providers ordered
 * for routing, the effective PII mode decided once instead of at every request, and `env("NAME")`
 * references replaced by their values so no consumer ever sees an `EnvRef`.
 */
import {
  builtInProviders,
  defaultUpstreamOf,
  presetOf,
  type ProviderKind,
} from "../providers/mod.ts";
import type { ParsedConfig, PriceTable } from "./schema.ts";
import type { PiiMode } from "./schema_pii.ts";
import type { EnvRef } from "./schema_env_ref.ts";
import { durationMs } from "./schema_translation.ts";
import { resolveOtlpHeaders } from "./otlp_headers.ts";
import { resolveAws, type ResolvedAws, type ResolvedGcp, resolveGcp } from "./resolve_cloud.ts";

export type { ResolvedAws, ResolvedGcp };

export interface ResolvedProvider {
  id: string;
  kind: ProviderKind;
  /** Normalised: leading '/', no trailing '/'. */
  prefix: string;
  /** Absolute http(s) URL; its path is kept as the base path of every upstream request. */
  upstream: string;
  /** Config prices only; built-in prices are merged by the pricing module. */
  prices: PriceTable;
  stream_usage: boolean;
  /** The API a translated request uses on an OpenAI-format kind; absent: `chat`. */
  translation_api?: "chat" | "responses" | undefined;
  /** Relay Responses API WebSocket upgrades (`providers.<id>.websockets`); absent: true. */
  websockets?: boolean | undefined;
  /** The key pool (`providers.<id>.keys`), keys whose variable is unset left out; absent: none. */
  keys?: ResolvedPoolKey[] | undefined;
  /**
   * The OpenAI-compatible preset (`providers/presets.ts`) whose defaults filled this provider
   * and whose built-in prices price it; absent for the built-ins and for other ids.
   */
  preset?: string | undefined;
  /**
   * Kind `azure-openai`: deployment name to the model it serves (`providers.<id>.deployments`),
   * read by pricing and by the adapter's trace model; absent when the config has none.
   */
  deployments?: NonNullable<ParsedConfig["providers"][string]["deployments"]> | undefined;
  /** Model ids the provider names (an ARN, an alias) to the id they are priced as. */
  models?: NonNullable<ParsedConfig["providers"][string]["models"]> | undefined;
  /** Kind `bedrock`: the AWS credentials the gateway signs with (SigV4), env references read. */
  aws?: ResolvedAws | undefined;
  /** Kind `vertex`: the service-account key the gateway gets access tokens with. */
  gcp?: ResolvedGcp | undefined;
}

/** A pool key with its secret read from the environment. */
export interface ResolvedPoolKey {
  id: string;
  key: string;
  weight: number;
  rpm: number | null;
  tpm: number | null;
  /** Keys of one group share a quota and cool down together; null: a group of its own. */
  group: string | null;
}

type ParsedAuthKey = ParsedConfig["auth"]["keys"][number];

/** A gateway key with its token read from the environment; no token when the variable is unset. */
export type ResolvedAuthKey = Omit<ParsedAuthKey, "token"> & { token?: string };

/**
 * The config every consumer receives. Secrets given as `env("NAME")` are plain strings here:
 * `tracing.key_hash_secret` is absent when neither given nor set (the store then generates one),
 * `pii.replacement.hash_salt` is "" when its variable is unset.
 */
export type GatewayConfig =
  & Omit<
    ParsedConfig,
    "providers" | "tracing" | "pii" | "auth" | "observability" | "translation"
  >
  & {
    /** Enabled providers, longest prefix first so the most specific route wins. */
    providers: ResolvedProvider[];
    /** Effective PII mode after the "auto" rule. */
    pii_mode: PiiMode;
    tracing: Omit<ParsedConfig["tracing"], "key_hash_secret"> & { key_hash_secret?: string };
    pii: Omit<ParsedConfig["pii"], "replacement"> & {
      replacement: { format: string; hash_salt: string };
    };
    auth: Omit<ParsedConfig["auth"], "keys"> & { keys: ResolvedAuthKey[] };
    /** OTLP header values read from the environment; one whose variable is unset is left out. */
    observability: Omit<ParsedConfig["observability"], "otel"> & { otel: ResolvedOtel };
    translation: ResolvedTranslation;
  };

/** `translation.state_key` read (absent: neither given nor set, a per-process key is used);
 *  the store's retention also in milliseconds. */
export interface ResolvedTranslation {
  state_key?: string | undefined;
  response_store: { retention: string; retention_ms: number };
}

type OtelHeaderKey = "headers" | "traces_headers" | "metrics_headers";
export type ResolvedOtel =
  & Omit<ParsedConfig["observability"]["otel"], OtelHeaderKey>
  & Record<OtelHeaderKey, Record<string, string>>;

export function resolveProviders(
  parsed: ParsedConfig["providers"],
  env: Readonly<Record<string, string | undefined>> = {},
): ResolvedProvider[] {
  const ids = new Set([...Object.keys(builtInProviders), ...Object.keys(parsed)]);
  const out: ResolvedProvider[] = [];
  for (const id of ids) {
    const given = parsed[id] ?? {};
    if (given.enabled === false) continue;
    const builtIn = Object.hasOwn(builtInProviders, id) ? builtInProviders[id] : undefined;
    const kind = given.kind ?? builtIn?.kind ?? "openai-compatible";
    // A preset fills what the config left out; a provider written with another kind is no preset.
    const preset = builtIn === undefined && kind === "openai-compatible" ? presetOf(id) : null;
    out.push({
      id,
      kind,
      prefix: given.prefix ?? builtIn?.prefix ?? preset?.prefix ?? `/${id}`,
      upstream: given.upstream ?? builtIn?.upstream ?? preset?.upstream ??
        defaultUpstreamOf(kind, given.aws?.region) ?? "",
      prices: given.prices ?? {},
      stream_usage: given.stream_usage ?? preset?.stream_usage ?? true,
      websockets: given.websockets ?? true,
      ...(given.translation_api === undefined ? {} : { translation_api: given.translation_api }),
      ...(given.keys?.length ? { keys: resolvePoolKeys(given.keys, env) } : {}),
      ...(preset === null ? {} : { preset: id }),
      ...(given.deployments === undefined ? {} : { deployments: given.deployments }),
      ...(given.models === undefined ? {} : { models: given.models }),
      ...(given.aws === undefined ? {} : { aws: resolveAws(given.aws, env) }),
      ...(given.gcp === undefined ? {} : { gcp: resolveGcp(id, given.gcp, env) }),
    });
  }
  return out.sort((a, b) => b.prefix.length - a.prefix.length || a.id.localeCompare(b.id));
}

function resolvePoolKeys(
  keys: NonNullable<ParsedConfig["providers"][string]["keys"]>,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedPoolKey[] {
  return keys.flatMap((k) => {
    const key = resolveSecret(k.key, env);
    if (key === undefined) return [];
    return [{
      id: k.id,
      key,
      weight: k.weight,
      rpm: k.rpm ?? null,
      tpm: k.tpm ?? null,
      group: k.group ?? null,
    }];
  });
}

/** Path-segment boundary: `/openai` covers `/openai/v2` but not `/openaiish`. */
export function prefixesOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

export function effectivePiiMode(config: ParsedConfig): PiiMode {
  return config.pii.mode ?? (config.tracing.capture_bodies ? "redact_storage" : "off");
}

/** The value of a secret: itself, the variable it names, or undefined when that is unset/empty. */
export function resolveSecret(
  value: string | EnvRef | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  const v = env[value.env];
  return v === undefined || v === "" ? undefined : v;
}

export function resolveConfig(
  parsed: ParsedConfig,
  env: Readonly<Record<string, string | undefined>> = {},
): GatewayConfig {
  const { key_hash_secret, ...tracing } = parsed.tracing;
  const secret = resolveSecret(key_hash_secret, env);
  return {
    ...parsed,
    providers: resolveProviders(parsed.providers, env),
    pii_mode: effectivePiiMode(parsed),
    tracing: secret === undefined ? tracing : { ...tracing, key_hash_secret: secret },
    observability: {
      ...parsed.observability,
      otel: resolveOtlpHeaders(parsed.observability.otel, env),
    },
    pii: {
      ...parsed.pii,
      replacement: {
        format: parsed.pii.replacement.format,
        hash_salt: resolveSecret(parsed.pii.replacement.hash_salt, env) ?? "",
      },
    },
    auth: {
      ...parsed.auth,
      keys: parsed.auth.keys.map(({ token, ...key }) => {
        const t = resolveSecret(token, env);
        return t === undefined ? key : { ...key, token: t };
      }),
    },
    translation: resolveTranslation(parsed.translation, env),
  };
}

function resolveTranslation(
  parsed: ParsedConfig["translation"],
  env: Readonly<Record<string, string | undefined>>,
): ResolvedTranslation {
  const key = resolveSecret(parsed.state_key, env);
  const { retention } = parsed.response_store;
  const store = { retention, retention_ms: durationMs(retention) };
  return key === undefined ? { response_store: store } : { state_key: key, response_store: store };
}
