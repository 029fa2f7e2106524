/**
 * How the official clients of each wire format are pointed at another server: the environment
 * variable they read for the base URL, and the path they expect that URL to end with. `wrap` and
 * `shell-init` use it to point a user's tools at the gateway.
 */
import type { ProviderKind } from "./kinds.ts";

export interface ClientBaseUrl {
  /** The variable the current SDKs read. */
  variable: string;
  /** Older names some clients still read instead (Aider, OpenAI clients before 1.0). */
  aliases: readonly string[];
  /**
   * Appended to the gateway route unless the route already ends with it: the OpenAI SDKs append
   * `/chat/completions` to a base ending in `/v1`; the Anthropic SDK adds `/v1` itself.
   */
  pathSuffix: string;
}

/** OpenAI-compatible servers have no variable of their own: their clients are configured by hand. */
export const clientBaseUrls: Readonly<Partial<Record<ProviderKind, ClientBaseUrl>>> = {
  openai: { variable: "OPENAI_BASE_URL", aliases: ["OPENAI_API_BASE"], pathSuffix: "/v1" },
  anthropic: { variable: "ANTHROPIC_BASE_URL", aliases: [], pathSuffix: "" },
};

/** The base URL to give such a client for the gateway route at `origin` + `prefix`. */
export function clientBaseUrl(client: ClientBaseUrl, origin: string, prefix: string): string {
  return origin + (prefix.endsWith(client.pathSuffix) ? prefix : prefix + client.pathSuffix);
}
