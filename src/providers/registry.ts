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
import { vertexAdapter } from "./vertex.ts";

export const providerAdapters = {
  openai: openAiAdapter,
  anthropic: anthropicAdapter,
  "openai-compatible": openAiAdapter,
  gemini: geminiAdapter,
  vertex: vertexAdapter,
  "azure-openai": azureOpenAiAdapter,
  bedrock: bedrockAdapter,
} as const satisfies Record<ProviderKind, ProviderAdapter>;
