/**
 * The adapter of a kind this build lists but cannot serve yet (issue 20's Gemini, Vertex, Azure
 * OpenAI and Bedrock, while their adapters are written). Config validation refuses a provider of
 * such a kind (`unavailableKinds`), so nothing reaches this; should anything still do, it refuses
 * the request before it is sent, never forwards it half-understood (usage unread, model unknown).
 */
import type { ProviderKind } from "./kinds.ts";
import type { ProviderAdapter, UsageReport } from "./types.ts";

export function unavailableAdapter(kind: ProviderKind): ProviderAdapter {
  const refuse = (): never => {
    throw new Error(
      `provider kind ${kind} is not available yet in this build; use openai, anthropic or ` +
        "openai-compatible",
    );
  };
  const unknown: UsageReport = { model: null, usage: null, status: "unknown", parseErrors: 0 };
  return {
    prepareRequest: refuse,
    streamKind: () => null,
    createUsageParser: () => ({ push() {}, stop() {}, finish: () => unknown }),
    keyHeader: refuse,
  };
}
