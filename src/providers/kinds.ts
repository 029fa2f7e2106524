/**
 * The wire formats the gateway speaks. The list lives here, with the adapters that implement
 * them; the config schema (`providers.<id>.kind`) reads it from here, so adding a kind is one
 * change in `providers/` that the config, the registry and the price table all see.
 */
export const providerKinds = ["openai", "anthropic", "openai-compatible"] as const;
export type ProviderKind = (typeof providerKinds)[number];
