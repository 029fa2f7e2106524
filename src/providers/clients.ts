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
  /**
   * The clients sign each request for the host they send it to (AWS SigV4): the gateway can
   * forward their requests only by re-signing with its own credentials, so the variable is set
   * only for a provider that holds them.
   */
  signsForHost?: true;
}

/**
 * OpenAI-compatible servers have no variable of their own: their clients are configured by hand.
 *
 * - `gemini`: `GOOGLE_GEMINI_BASE_URL`, read by `@google/genai` in Node (it appends
 *   `/v1beta/models/...`) and by the Gemini CLI.
 * - `vertex`: `GOOGLE_VERTEX_BASE_URL`, read by `@google/genai` in Vertex mode (it appends
 *   `/v1beta1/projects/...` or `/v1/...`) and by the Gemini CLI on Vertex. Claude Code's
 *   `ANTHROPIC_VERTEX_BASE_URL` ends in `/v1` instead: `wrap --via vertex` sets that one.
 * - `bedrock`: `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`, the AWS SDKs' service-specific endpoint (the
 *   JS v3 SDK builds it from the service id "Bedrock Runtime": smithy core
 *   `getEndpointUrlConfig`); the SDK signs for the gateway's host, so the variable is set only
 *   when the provider holds credentials to re-sign with (`signsForHost`). Claude Code's
 *   `ANTHROPIC_BEDROCK_BASE_URL` is its own: `wrap --via bedrock` sets that one.
 * - `azure-openai`: `AZURE_OPENAI_ENDPOINT`, read by `openai`'s `AzureOpenAI`, which appends
 *   `/openai/...` itself.
 */
export const clientBaseUrls: Readonly<Partial<Record<ProviderKind, ClientBaseUrl>>> = {
  openai: { variable: "OPENAI_BASE_URL", aliases: ["OPENAI_API_BASE"], pathSuffix: "/v1" },
  anthropic: { variable: "ANTHROPIC_BASE_URL", aliases: [], pathSuffix: "" },
  gemini: { variable: "GOOGLE_GEMINI_BASE_URL", aliases: [], pathSuffix: "" },
  vertex: { variable: "GOOGLE_VERTEX_BASE_URL", aliases: [], pathSuffix: "" },
  bedrock: {
    variable: "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
    aliases: [],
    pathSuffix: "",
    signsForHost: true,
  },
  "azure-openai": { variable: "AZURE_OPENAI_ENDPOINT", aliases: [], pathSuffix: "" },
};

/** The base URL to give such a client for the gateway route at `origin` + `prefix`. */
export function clientBaseUrl(client: ClientBaseUrl, origin: string, prefix: string): string {
  return origin + (prefix.endsWith(client.pathSuffix) ? prefix : prefix + client.pathSuffix);
}
