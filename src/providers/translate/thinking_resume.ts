/**
 * Claude's rule on thinking in a tool loop, for the encoders that reach Claude (Anthropic
 * Messages, Bedrock Converse): with thinking on, a request whose last assistant message calls a
 * tool must start that message with the thinking block Claude signed, or Claude answers 400
 * ("Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled,
 * a final `assistant` message must start with a thinking block", anomalyco/opencode#3077; Bedrock
 * passes the same). A history from another protocol, or a client that could not keep the
 * signature (no seal yet, part T5), has none: the encoders leave thinking off for that request.
 */
import type { OpaqueState, Request } from "./ir.ts";

/** Whether the last tool call keeps a thinking block its encoder sends (`own` state first). */
export function thinkingResumes(
  req: Request,
  own: (state: OpaqueState | null, model: string) => boolean,
): boolean {
  const last = req.messages.findLast((m) => m.role === "assistant");
  if (last === undefined || !last.content.some((b) => b.type === "tool_call")) return true;
  // The encoders drop thinking that is not the target model's own: the first block kept counts.
  const kept = last.content.find((b) =>
    b.type === "thinking" || b.type === "redacted_thinking" ? own(b.state, req.model) : true
  );
  return kept?.type === "thinking" || kept?.type === "redacted_thinking";
}

export const thinkingNotResumedWhy =
  "Claude needs its signed thinking block back before the last tool call and the history has none";
