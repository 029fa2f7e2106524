/**
 * The wire formats the gateway speaks. The list lives here, with the adapters that implement
 * them; the config schema (`providers.<id>.kind`) reads it from here, so adding a kind is one
 * change in `providers/` that the config, the registry and the price table all see.
 */
export const providerKinds = [
  "openai",
  "anthropic",
  "openai-compatible",
  "gemini",
  "vertex",
  "azure-openai",
  "bedrock",
] as const;
export type ProviderKind = (typeof providerKinds)[number];

/**
 * The protocols clients speak, by kind: OpenAI-compatible vendors speak OpenAI's. A route's
 * targets must share one (until translation exists), and a client reaches a route only through
 * an entry point of that protocol.
 */
export const wireFormats = ["openai", "anthropic", "gemini", "vertex", "bedrock"] as const;
export type WireFormat = (typeof wireFormats)[number];

export const wireFormatOf = {
  openai: "openai",
  anthropic: "anthropic",
  "openai-compatible": "openai",
  gemini: "gemini",
  // Vertex speaks Gemini's bodies but not its paths (`/v1/projects/{p}/locations/{l}/publishers/
  // {publisher}/models/{m}:{method}`), and Claude's Messages under `publishers/anthropic`: a
  // route can aim a Vertex request only at Vertex targets (their `withModel` keeps the client's
  // publisher, project and location). As `gemini`, a Vertex request naming a route of Gemini API
  // targets would be sent there with a path the Gemini API has no form of, Claude's too.
  vertex: "vertex",
  "azure-openai": "openai",
  bedrock: "bedrock",
} as const satisfies Record<ProviderKind, WireFormat>;

/**
 * Where a kind's requests name their model: the JSON body (`model`), or the request path
 * (Gemini, Vertex, Bedrock, Azure deployments). A route can aim a path-model request at another
 * model only through the adapter's `withModel`; `check` refuses routes to such a kind without it.
 */
export type ModelLocation = "body" | "path";

export const modelLocationOf = {
  openai: "body",
  anthropic: "body",
  "openai-compatible": "body",
  gemini: "path",
  vertex: "path",
  // `/openai/deployments/{deployment}/...`; the `/openai/v1/...` form names it in the body.
  "azure-openai": "path",
  bedrock: "path",
} as const satisfies Record<ProviderKind, ModelLocation>;

/**
 * OpenTelemetry `gen_ai.provider.name` per kind (the GenAI semantic conventions' well-known
 * values): OpenAI-compatible vendors speak OpenAI's API, so they are `openai` there too.
 */
export const genAiProviderNames = {
  openai: "openai",
  anthropic: "anthropic",
  "openai-compatible": "openai",
  gemini: "gcp.gemini",
  vertex: "gcp.vertex_ai",
  "azure-openai": "azure.ai.openai",
  bedrock: "aws.bedrock",
} as const satisfies Record<ProviderKind, string>;
