/**
 * OpenTelemetry `gen_ai.operation.name` from a request path, for the OpenAI and Anthropic wire
 * formats (one rule for both: Anthropic also serves an OpenAI-compatible `/v1/chat/completions`).
 * Telemetry asks the adapter (`operationOf`), never matches a wire format's paths itself.
 */
import { cleanPath } from "./paths.ts";

export function chatApiOperationOf(path: string): string | null {
  const p = cleanPath(path).replace(/\/+$/, "");
  if (p.endsWith("/chat/completions") || p.endsWith("/messages") || p.endsWith("/responses")) {
    return "chat";
  }
  if (p.endsWith("/completions")) return "text_completion";
  if (p.endsWith("/embeddings")) return "embeddings";
  return null;
}
