/**
 * Provider kind to wire format. OpenAI-compatible vendors speak the OpenAI format; what differs
 * between them (prefix, upstream, prices, `stream_usage`) is configuration, not code.
 */
import type { ProviderKind } from "./kinds.ts";
import { anthropicAdapter } from "./anthropic.ts";
import { azureOpenAiAdapter } from "./azure_openai.ts";
import { bedrockAdapter } from "./bedrock.ts";
import { geminiAdapter } from "./gemini.ts";
import { openAiAdapter } from "./openai.ts";
import type { ProviderAdapter } from "./types.ts";
import { unavailableAdapter } from "./unavailable.ts";

/**
 * Kinds listed for the config and the shared tables whose adapter this build does not have yet:
 * `check` refuses a provider of one (what, and what to use instead). A kind leaves this set in
 * the change that puts its real adapter below.
 */
export const unavailableKinds: ReadonlySet<ProviderKind> = new Set<ProviderKind>([
  "vertex",
]);

export const providerAdapters = {
  openai: openAiAdapter,
  anthropic: anthropicAdapter,
  "openai-compatible": openAiAdapter,
  gemini: geminiAdapter,
  vertex: unavailableAdapter("vertex"),
  "azure-openai": azureOpenAiAdapter,
  bedrock: bedrockAdapter,
} as const satisfies Record<ProviderKind, ProviderAdapter>;
