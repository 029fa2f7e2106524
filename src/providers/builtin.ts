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
  bedrock: bedrockUpstream("us-east-1"),
};

/** Bedrock Runtime's endpoint in `region` (bedrock-client 3.1178.0 `dist-es/endpoint/bdd.js`). */
export function bedrockUpstream(region: string): string {
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}

/**
 * The default upstream of a provider of `kind`, given the AWS region its config names (the
 * `aws.region` a Bedrock provider signs for): Bedrock's endpoint in that region; else the kind's
 * one public host, if it has one.
 */
export function defaultUpstreamOf(kind: ProviderKind, awsRegion?: string): string | undefined {
  if (kind === "bedrock" && awsRegion !== undefined) return bedrockUpstream(awsRegion);
  return defaultUpstreamOfKind[kind];
}
