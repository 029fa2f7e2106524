/**
 * Provider kind to wire format. OpenAI-compatible vendors speak the OpenAI format; what differs
 * between them (prefix, upstream, prices, `stream_usage`) is configuration, not code.
 */
import type { ProviderKind } from "./kinds.ts";
import { anthropicAdapter } from "./anthropic.ts";
import { openAiAdapter } from "./openai.ts";
import type { ProviderAdapter } from "./types.ts";

export const providerAdapters = {
  openai: openAiAdapter,
  anthropic: anthropicAdapter,
  "openai-compatible": openAiAdapter,
} as const satisfies Record<ProviderKind, ProviderAdapter>;
