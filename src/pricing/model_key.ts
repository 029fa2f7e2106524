/**
 * The price-table key of a model id as the cloud providers spell it. Providers answer and route
 * with ids that name one priced model in many ways:
 *
 * - Gemini: `models/gemini-2.5-pro` (the API's resource name) for `gemini-2.5-pro`; Vertex:
 *   `projects/p/locations/l/publishers/google/models/gemini-2.5-pro`, and `@version` suffixes
 *   (`claude-sonnet-4-5@20250929`, stripped by `familyOf`).
 * - Bedrock: an optional geographic or global inference-profile prefix (`us.`, `eu.`, `apac.`,
 *   `jp.`, `au.`, `ca.`, `us-gov.`, `global.`), the vendor (`anthropic.`, `amazon.`, `meta.`,
 *   ...), the model, and a `-vN` or `-vN:M` version (`us.anthropic.claude-sonnet-4-5-20250929-v1:0`
 *   is `claude-sonnet-4-5`, scope `geo`); foundation-model and system inference-profile ARNs carry
 *   the same id. Application inference profiles, provisioned models and prompt routers name no
 *   model: only a config mapping (`models`) prices them.
 * - Azure OpenAI: a deployment name chosen by the customer; the config maps it to a model
 *   (`deployments`), optionally with its deployment type (`data_zone`, `regional`).
 *
 * The scope says which endpoint type served the request, so that a row's `scope_multipliers`
 * apply (Anthropic: "Regional endpoints include a 10% pricing premium over global endpoints" on
 * Bedrock and Vertex, from Claude Sonnet 4.5 on). Pure string work, no provider kind: an id
 * without these shapes is its own key, scope unknown (`null`, priced at 1x).
 */
import type { PriceScope } from "../config/mod.ts";

/** The same shape as the provider contract's `PriceKey` (an adapter's `priceKeyOf`). */
export interface PriceKey {
  /** The id the price table knows (`claude-sonnet-4-5`, `gpt-4o`, `gemini-2.5-pro`). */
  model: string;
  /** Endpoint scope a multiplier may apply to; null when the id says none. */
  scope: PriceScope | null;
}

/** A config mapping value: a model id, or a model with the scope its endpoint bills at. */
export type ModelMapping = string | { model: string; scope?: PriceScope | undefined };

/** Longest id read; anything longer is no model id and stays as it is (unpriced). */
const maxIdLength = 512;

/** Bedrock cross-region profile prefixes (AWS CDK `CrossRegionInferenceProfileRegion`, docs). */
const geoPrefix = /^(global|us-gov|us|eu|apac|jp|au|ca)\./i;

/** Vendors of Bedrock model ids (`{vendor}.{model}-v1:0`), as Bedrock lists them. */
const bedrockVendor =
  /^(anthropic|amazon|meta|mistral|cohere|ai21|openai|deepseek|qwen|writer|twelvelabs|stability|luma|moonshot|moonshotai|minimax|google|nvidia)\./i;

/** Bedrock's `:0` / `:200k` suffixes (version, context-length variant), then `-vN`. */
const throughputSuffix = /(?::[0-9a-z]+)+$/i;
const versionSuffix = /-v\d+$/i;

/** ARNs whose last part is a Bedrock model or system profile id. */
const modelArn =
  /^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:\d*:(foundation-model|inference-profile)\/([^/]+)$/;

/**
 * The key of `id` by its shape alone. Unknown shapes give `{model: id, scope: null}`, so the
 * lookup falls back to the id itself; ids the gateway can never price (an application inference
 * profile ARN) too: they stay unpriced unless config maps them.
 */
export function priceKeyOfId(id: string): PriceKey {
  let model = id.trim();
  if (model.length > maxIdLength) return { model: id, scope: null };
  model = decoded(model);
  const arn = modelArn.exec(model);
  if (arn !== null) {
    const key = bedrockKey(arn[2]!);
    // A foundation-model ARN is a call in the caller's own region.
    return arn[1] === "foundation-model" && key.scope === null
      ? { ...key, scope: "in_region" }
      : key;
  }
  const resource = model.lastIndexOf("models/");
  if (resource !== -1 && /^(?:models\/|projects\/|publishers\/|tunedmodels\/)/i.test(model)) {
    model = model.slice(resource + "models/".length);
  }
  return bedrockKey(model);
}

function bedrockKey(id: string): PriceKey {
  const geo = geoPrefix.exec(id);
  const rest = geo === null ? id : id.slice(geo[0].length);
  const vendor = bedrockVendor.exec(rest);
  // Without a vendor the id is no Bedrock id (`us.` alone could start anything).
  if (vendor === null) return { model: id, scope: null };
  const name = rest.slice(vendor[0].length);
  let model = name.replace(throughputSuffix, "");
  if (model === "") return { model: id, scope: null };
  // `claude-v2` is a model, not a version of `claude`: the version goes only when a name with
  // a digit or a dash is left (as the Bedrock adapter's own key does).
  const unversioned = model.replace(versionSuffix, "");
  if (unversioned !== model && /[-\d]/.test(unversioned)) model = unversioned;
  return { model, scope: scopeOf(geo) };
}

function scopeOf(geo: RegExpExecArray | null): PriceScope {
  if (geo === null) return "in_region";
  return geo[1]!.toLowerCase() === "global" ? "global" : "geo";
}

/** `%3A` as the SDKs encode a path label; the id unchanged when it is no valid encoding. */
function decoded(id: string): string {
  if (!id.includes("%")) return id;
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

/**
 * The key a config mapping gives `id` (Azure `deployments`, Bedrock `models` for ARNs and
 * aliases), or null when the mapping does not name it. Exact match: deployment names and ARNs
 * are identifiers, not families. The short form is scope `global` for a deployment map (Azure's
 * default deployment type is Global Standard) and no scope otherwise.
 */
export function mappedPriceKey(
  id: string,
  mapping: Readonly<Record<string, ModelMapping>> | undefined,
  shortScope: PriceScope | null = null,
): PriceKey | null {
  if (mapping === undefined || !Object.hasOwn(mapping, id)) return null;
  const to = mapping[id]!;
  if (typeof to === "string") return { model: to, scope: shortScope };
  return { model: to.model, scope: to.scope ?? shortScope };
}
