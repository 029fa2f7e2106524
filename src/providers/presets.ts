/**
 * OpenAI-compatible vendors the gateway knows by name. Naming one under `providers`
 * (`providers: { groq: {} }`) gives it its upstream, route and `stream_usage` without writing
 * them; what the config writes wins. Each preset is data for the one OpenAI adapter: no vendor
 * gets code of its own. Facts and sources per vendor: docs/providers-presets.md.
 *
 * `upstream` is the vendor's OpenAI base URL without its final `/v1`, so a client pointed at
 * `<gateway><prefix>/v1` reaches `<upstream>/v1/...` exactly as it would reach the vendor.
 */

export interface ProviderPreset {
  upstream: string;
  prefix: string;
  /**
   * Whether the gateway may add `stream_options.include_usage` to a stream that did not ask for
   * it. False for vendors that refuse the field (Mistral answers 422) or report usage on their
   * last chunk unasked (Together, OpenRouter): there the stream passes through untouched.
   */
  stream_usage: boolean;
  /** Self-hosted on this machine: no list price, so cost stays unknown, never zero. */
  local: boolean;
  /** LiteLLM's provider names whose price-file entries price this preset (`pricing.sources`). */
  litellm: readonly string[];
  /** The vendor's page on its OpenAI compatibility. */
  docs: string;
}

export const providerPresets = {
  mistral: {
    upstream: "https://api.mistral.ai",
    prefix: "/mistral",
    stream_usage: false,
    local: false,
    litellm: ["mistral"],
    docs: "https://docs.mistral.ai/api/",
  },
  deepseek: {
    upstream: "https://api.deepseek.com",
    prefix: "/deepseek",
    stream_usage: true,
    local: false,
    litellm: ["deepseek"],
    docs: "https://api-docs.deepseek.com/",
  },
  xai: {
    upstream: "https://api.x.ai",
    prefix: "/xai",
    stream_usage: true,
    local: false,
    litellm: ["xai"],
    docs: "https://docs.x.ai/api",
  },
  groq: {
    upstream: "https://api.groq.com/openai",
    prefix: "/groq",
    stream_usage: true,
    local: false,
    litellm: ["groq"],
    docs: "https://console.groq.com/docs/openai",
  },
  together: {
    upstream: "https://api.together.xyz",
    prefix: "/together",
    stream_usage: false,
    local: false,
    litellm: ["together_ai"],
    docs: "https://docs.together.ai/docs/openai-api-compatibility",
  },
  fireworks: {
    upstream: "https://api.fireworks.ai/inference",
    prefix: "/fireworks",
    stream_usage: true,
    local: false,
    litellm: ["fireworks_ai"],
    docs: "https://docs.fireworks.ai/tools-sdks/openai-compatibility",
  },
  openrouter: {
    upstream: "https://openrouter.ai/api",
    prefix: "/openrouter",
    // Usage comes on every stream's last message anyway; asking would only make the gateway
    // hide a chunk the client gets from OpenRouter directly.
    stream_usage: false,
    local: false,
    litellm: ["openrouter"],
    docs: "https://openrouter.ai/docs/use-cases/usage-accounting",
  },
  ollama: {
    upstream: "http://127.0.0.1:11434",
    prefix: "/ollama",
    stream_usage: true,
    local: true,
    litellm: [],
    docs: "https://docs.ollama.com/api/openai-compatibility",
  },
  vllm: {
    upstream: "http://127.0.0.1:8000",
    prefix: "/vllm",
    stream_usage: true,
    local: true,
    litellm: [],
    docs: "https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html",
  },
} as const satisfies Readonly<Record<string, ProviderPreset>>;

export type PresetId = keyof typeof providerPresets;

/** The preset ids in alphabetical order, as `check` lists them. */
export const presetIds: readonly PresetId[] = (Object.keys(providerPresets) as PresetId[])
  .sort();

/** Own keys only: a provider id such as `constructor` is no preset. */
export function isPresetId(id: string): id is PresetId {
  return Object.hasOwn(providerPresets, id);
}

export function presetOf(id: string): ProviderPreset | null {
  return isPresetId(id) ? providerPresets[id] : null;
}
