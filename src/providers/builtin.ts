/**
 * The providers a gateway has without configuring them: their wire format, gateway route and
 * upstream. The config fills these in (`providers.<id>` may override any of it or disable one);
 * `wrap` and `shell-init` point the official clients at these routes.
 */
import type { ProviderKind } from "./kinds.ts";

export interface BuiltInProvider {
  kind: ProviderKind;
  prefix: string;
  upstream: string;
}

export const builtInProviders: Readonly<Record<string, BuiltInProvider>> = {
  openai: { kind: "openai", prefix: "/openai", upstream: "https://api.openai.com" },
  anthropic: { kind: "anthropic", prefix: "/anthropic", upstream: "https://api.anthropic.com" },
};

/**
 * The upstream of a provider of this kind that names none (its service has one public host):
 * `providers.<id>.upstream` may be left out for these.
 */
export const defaultUpstreamOfKind: Readonly<Partial<Record<ProviderKind, string>>> = {
  gemini: "https://generativelanguage.googleapis.com",
  // Vertex's global endpoint: it serves `locations/global`; a regional location needs its own
  // host (`https://{location}-aiplatform.googleapis.com`), set as the provider's upstream.
  vertex: "https://aiplatform.googleapis.com",
};
