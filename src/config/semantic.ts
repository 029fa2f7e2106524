/**
 * Checks that need more than one field at a time, run after the schema on the resolved config:
 * what would make `serve` fail or misroute at run time is an error here, before a port is bound.
 */
import { builtInCredentialHeaders, builtInProviders, presetIds } from "../providers/mod.ts";
import type { PathSegment, RawIssue } from "./issues.ts";
import type { GatewayConfig } from "./resolve.ts";
import { prefixesOverlap } from "./resolve.ts";
import type { ParsedConfig } from "./schema.ts";
import type { EnvRef } from "./schema_env_ref.ts";
import { closest } from "./suggest.ts";
import { checkPii, piiActive } from "./semantic_pii.ts";
import { checkObservability, checkOtlpHeaders } from "./semantic_otel.ts";
import { checkKeyPools, checkRoutes } from "./semantic_routes.ts";
import { checkCloudKeys } from "./semantic_cloud.ts";
import { checkCloudCredentials } from "./semantic_cloud_credentials.ts";
import { checkTranslation } from "./semantic_translation.ts";

export interface SemanticResult {
  errors: RawIssue[];
  warnings: RawIssue[];
}

type Env = Readonly<Record<string, string | undefined>>;

export { prefixesOverlap };

const apiPrefix = "/api";

export function semanticChecks(
  parsed: ParsedConfig,
  config: GatewayConfig,
  env: Env,
): SemanticResult {
  const out: SemanticResult = { errors: [], warnings: [] };
  checkStorage(config, out);
  checkProviders(parsed, config, out);
  checkCloudKeys(parsed, config, out);
  checkCloudCredentials(parsed, config, out);
  checkAuth(parsed, config, out);
  checkSecrets(parsed, config, env, out);
  checkPii(config, out);
  checkObservability(config, out, apiPrefix);
  checkOtlpHeaders(parsed, config, env, out);
  checkRoutes(parsed, config, out);
  checkKeyPools(parsed, config, env, out);
  checkTranslation(parsed, config, env, out);
  const total = config.proxy.total_timeout_ms;
  if (total > 0 && config.proxy.headers_timeout_ms > total) {
    out.warnings.push({
      at: ["proxy", "headers_timeout_ms"],
      message:
        `is longer than proxy.total_timeout_ms (${config.proxy.total_timeout_ms}), so it never fires`,
    });
  }
  return out;
}

function checkStorage(config: GatewayConfig, out: SemanticResult): void {
  if (config.storage.driver === "postgres" && !config.storage.dsn) {
    out.errors.push({
      at: ["storage", "dsn"],
      message: "is required when storage.driver is postgres",
      hint:
        "set storage.dsn or ONGOINGAI_STORAGE_DSN, e.g. postgres://user:password@localhost:5432/ongoingai",
    });
  }
}

function checkProviders(parsed: ParsedConfig, config: GatewayConfig, out: SemanticResult): void {
  const providers = [...config.providers].sort((a, b) => a.id.localeCompare(b.id));
  const explicitPrefix = (id: string) => parsed.providers[id]?.prefix !== undefined;
  for (const [i, p] of providers.entries()) {
    if (p.kind === "openai-compatible" && p.upstream === "") {
      const typo = closest(p.id, [...Object.keys(builtInProviders), ...presetIds]);
      out.errors.push({
        at: ["providers", p.id, "upstream"],
        message: `is required for an openai-compatible provider that is no preset ` +
          `(presets: ${presetIds.join(", ")})`,
        hint: typo
          ? `did you mean providers.${typo}?`
          : "e.g. upstream: https://llm.example.com, or use a preset id such as providers.groq",
      });
    }
    if (p.kind === "azure-openai" && p.upstream === "") {
      out.errors.push({
        at: ["providers", p.id, "upstream"],
        message: "is required for an azure-openai provider: the endpoint of your Azure OpenAI " +
          "resource (there is no default)",
        hint: "e.g. upstream: https://my-resource.openai.azure.com (the Azure portal shows it " +
          "under Keys and Endpoint); clients then use the endpoint " +
          `http://<gateway>${p.prefix}`,
      });
    }
    if (prefixesOverlap(p.prefix, apiPrefix)) {
      out.errors.push({
        at: ["providers", p.id, "prefix"],
        message: `"${p.prefix}" overlaps the gateway API under /api`,
        hint: `choose another prefix, e.g. /${p.id}`,
      });
    }
    for (const q of providers.slice(i + 1)) {
      if (!prefixesOverlap(p.prefix, q.prefix)) continue;
      // Blame the provider whose prefix the user wrote, so the error points at their line.
      const [blamed, other] = explicitPrefix(q.id) || !explicitPrefix(p.id) ? [q, p] : [p, q];
      out.errors.push({
        at: ["providers", blamed.id, "prefix"],
        message: `"${blamed.prefix}" overlaps providers.${other.id}.prefix "${other.prefix}"`,
        hint: "each provider needs its own path segment, e.g. /openai and /groq",
      });
    }
  }
}

function checkAuth(parsed: ParsedConfig, config: GatewayConfig, out: SemanticResult): void {
  const { auth } = config;
  if (auth.enabled && auth.keys.length === 0) {
    out.errors.push({
      at: ["auth", "keys"],
      message: "auth.enabled is true but no keys are configured",
      hint: "add auth.keys entries, or set auth.enabled: false",
    });
  }
  // The built-in providers' key headers must reach the upstream untouched (providers/headers.ts).
  if (builtInCredentialHeaders.includes(auth.header.toLowerCase())) {
    out.errors.push({
      at: ["auth", "header"],
      message:
        `conflicts with the provider credential header ${auth.header} (Authorization/X-API-Key)`,
      hint: "keep the default X-OngoingAI-Gateway-Key",
    });
  }
  const ids = new Map<string, number>();
  const tokens = new Map<string, number>();
  for (const [i, key] of auth.keys.entries()) {
    const firstId = ids.get(key.id);
    if (firstId !== undefined) {
      out.errors.push({
        at: ["auth", "keys", i, "id"],
        message: `duplicates auth.keys[${firstId}].id "${key.id}"`,
      });
    } else ids.set(key.id, i);
    const token = key.token?.trim();
    if (token) {
      const first = tokens.get(token);
      if (first !== undefined) {
        out.errors.push({
          at: ["auth", "keys", i, "token"],
          message: `is the same token as auth.keys[${first}]`,
        });
      } else tokens.set(token, i);
    }
    const given = parsed.auth.keys[i]?.token;
    const at: PathSegment[] = ["auth", "keys", i, "token"];
    if (typeof given === "string") {
      out.warnings.push({
        at,
        message: "is a plaintext secret in the config file",
        hint: 'use token: env("TEAM_KEY") (YAML: token: { env: TEAM_KEY }) or token_hash',
      });
    } else if (given && key.token === undefined && auth.enabled) {
      // Keys are only read when auth is on; without a token_hash this key could never match.
      const issue = unsetVariable(given, at);
      (key.token_hash === undefined ? out.errors : out.warnings).push(issue);
    }
  }
}

function unsetVariable(ref: EnvRef, at: PathSegment[]): RawIssue {
  return {
    at,
    message: `environment variable ${ref.env} is not set`,
    hint: `export ${ref.env}=...`,
  };
}

function checkSecrets(
  parsed: ParsedConfig,
  config: GatewayConfig,
  env: Env,
  out: SemanticResult,
): void {
  const secret = parsed.tracing.key_hash_secret;
  const secretAt: PathSegment[] = ["tracing", "key_hash_secret"];
  if (typeof secret === "object") {
    const value = env[secret.env];
    if (!value) out.errors.push(unsetVariable(secret, secretAt));
    else if (value.length < 16) {
      out.errors.push({
        at: secretAt,
        message: `must be at least 16 characters (from ${secret.env})`,
      });
    }
  } else if (secret !== undefined) {
    out.warnings.push({
      at: secretAt,
      message: "is a plaintext secret in the config file",
      hint:
        'use key_hash_secret: env("ONGOINGAI_KEY_HASH_SECRET"), or omit it to use a generated one',
    });
  }
  const salt = parsed.pii.replacement.hash_salt;
  if (typeof salt === "object" && !env[salt.env]) {
    // Unused while every mode is off. Once used, fail closed: the config asked for a salt kept
    // the same across restarts and instances; running on a stand-in would quietly break that.
    if (piiActive(config)) out.errors.push(unsetSalt(salt, parsed, config));
  }
}

/** The one text `serve` and `check` print for a salt variable that is missing when needed. */
function unsetSalt(ref: EnvRef, parsed: ParsedConfig, config: GatewayConfig): RawIssue {
  const why = config.pii_mode === "off"
    ? "a pii scope sets a mode"
    : parsed.pii.mode === undefined
    ? `pii mode ${config.pii_mode}, since tracing.capture_bodies is on`
    : `pii mode ${config.pii_mode}`;
  return {
    at: ["pii", "replacement", "hash_salt"],
    message: `environment variable ${ref.env} is not set, but PII redaction is on (${why}) ` +
      "and keys its placeholders with this salt; the gateway does not start without it",
    hint: `set it to a long random value, the same on every restart and instance: ` +
      `export ${ref.env}="$(openssl rand -hex 32)"`,
  };
}
