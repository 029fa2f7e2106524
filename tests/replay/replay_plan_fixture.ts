/**
 * Shared by the replay planner's tests: the configured providers (real adapters), a stored
 * trace whose body any re-serialisation would change, and a refusal reader.
 */
import assert from "node:assert/strict";
import { GatewayError } from "../../src/errors/mod.ts";
import { providerAdapters, type ProviderKind } from "../../src/providers/mod.ts";
import { planReplay, type ReplayContext, type ReplayProvider } from "../../src/api/replay_plan.ts";
import type { ReplayOptions } from "../../src/api/replay_options.ts";
import type { Trace } from "../../src/traces/mod.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

function provider(id: string, kind: ProviderKind, prefix: string): ReplayProvider {
  return { id, kind, prefix, adapter: providerAdapters[kind] };
}

export const providers: ReplayProvider[] = [
  provider("openai", "openai", "/openai"),
  provider("openai-eu", "openai", "/openai/eu"),
  provider("groq", "openai-compatible", "/groq"),
  provider("anthropic", "anthropic", "/anthropic"),
  provider("gemini", "gemini", "/gemini"),
  provider("bedrock", "bedrock", "/bedrock"),
  provider("azure", "azure-openai", "/azure"),
];
export const ctx: ReplayContext = { providers, routes: new Set(["fast", "smart"]) };
export const noRoutes: ReplayContext = { providers, routes: new Set() };

/** Odd spacing, a 64-bit integer and escapes: any re-serialisation would change these bytes. */
export const chatBody =
  '{"seed": 12345678901234567890,  "model" : "gpt-4o-mini","messages":[{"role":"user","content":"hi \\u00e9 \\"q\\""}]}';

export function stored(overrides: Partial<Trace> = {}): Trace {
  return makeTrace({
    request_body: chatBody,
    request_bytes: new TextEncoder().encode(chatBody).byteLength,
    metadata: { lineage_checkpoint_id: "x", lineage_immutable: true, stream_chunks: 0 },
    ...overrides,
  });
}

export const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

/** The refusal's `reason` and message, or a failure when the plan was made. */
export function refusal(
  trace: Trace,
  options: ReplayOptions = {},
  c: ReplayContext = ctx,
): { code: string; reason: unknown; message: string } {
  try {
    planReplay(trace, options, c);
  } catch (e) {
    assert.ok(e instanceof GatewayError, String(e));
    return { code: e.code, reason: e.details?.reason, message: e.message };
  }
  assert.fail("expected a refusal");
}
