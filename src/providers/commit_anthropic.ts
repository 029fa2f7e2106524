/**
 * Commit rules for Anthropic Messages streams. From the streaming reference
 * (docs.claude.com/en/docs/build-with-claude/streaming): `message_start` (a Message with empty
 * `content`), then per content block `content_block_start`, deltas and `content_block_stop`,
 * then `message_delta` and a final `message_stop`; any number of `ping` events; an `error` event
 * (such as `overloaded_error`) may arrive after the 200; new event types may be added.
 *
 * - preamble: `message_start`, `ping`, a `content_block_start` whose block opens empty (`text:
 *   ""`, `thinking: ""`, a tool use with empty `input`), deltas with an empty piece, and a
 *   `message_delta` before any block (its `message_stop` then ends an empty answer cleanly);
 * - content: any other delta (text, tool input JSON, thinking, signature, citations), a block that
 *   starts with content (`redacted_thinking`, server tool results), `content_block_stop`, and
 *   event types the rules do not know;
 * - terminator: `message_stop`; in-band error: the `error` event, with the status its documented
 *   type means (`overloaded_error` 529, `rate_limit_error` 429, `api_error` 500).
 *
 * Thinking is content: Claude Code shows it as it streams, it is billed output, and holding it
 * would hold a long-thinking answer for minutes and trip the first-token timeout on healthy
 * streams. The termination is `event: error` with an `api_error`: `@anthropic-ai/sdk` raises
 * `APIError` for an event named `error` (it skips unnamed data).
 */
import { isRecord } from "./json_body.ts";
import { anthropicErrorFacts, anthropicStatusOf } from "./anthropic_errors.ts";
import { leadingTypeOf, looksLikeObject, malformed, parseEvent } from "./commit_events.ts";
import type { CommitRules, EventVerdict } from "./commit_types.ts";

const emptyStarts: Record<string, string> = { text: "text", thinking: "thinking" };
const toolUses = new Set(["tool_use", "server_tool_use", "mcp_tool_use"]);
const deltaPieces = ["text", "partial_json", "thinking"];

export class AnthropicCommitRules implements CommitRules {
  readonly terminatorName = "message_stop";

  classify(name: string | null, data: string): EventVerdict {
    const parsed = parseEvent(data);
    if (!parsed.ok) return parsed.verdict;
    const event = parsed.value;
    const type = typeof event.type === "string" ? event.type : name;
    switch (type) {
      case null:
        return malformed("an event without a type");
      case "message_start":
      case "ping":
      case "message_delta":
        return { kind: "preamble" };
      case "message_stop":
        return { kind: "end", problem: null };
      case "error": {
        const error = isRecord(event.error) ? event.error : event;
        const status = anthropicStatusOf(error.type);
        return { kind: "error", status, error: anthropicErrorFacts(status, error) };
      }
      case "content_block_start":
        return { kind: opensEmpty(event.content_block) ? "preamble" : "content" };
      case "content_block_delta":
        return { kind: emptyDelta(event.delta) ? "preamble" : "content" };
    }
    return { kind: "content" };
  }

  glance(name: string | null, data: string): EventVerdict {
    const type = name ?? leadingTypeOf(data);
    if (type === null || type === "error") return this.classify(name, data);
    if (!looksLikeObject(data)) return malformed(`an event's data is not a JSON object`);
    return type === "message_stop" ? { kind: "end", problem: null } : { kind: "content" };
  }

  termination(message: string): string {
    const event = { type: "error", error: { type: "api_error", message } };
    return `event: error\ndata: ${JSON.stringify(event)}\n\n`;
  }
}

function opensEmpty(block: unknown): boolean {
  if (!isRecord(block) || typeof block.type !== "string") return false;
  const member = emptyStarts[block.type];
  if (member !== undefined) return block[member] === "" || block[member] === undefined;
  if (!toolUses.has(block.type)) return false;
  const input = block.input;
  return input === undefined || (isRecord(input) && Object.keys(input).length === 0);
}

function emptyDelta(delta: unknown): boolean {
  if (!isRecord(delta)) return false;
  const member = deltaPieces.find((m) => typeof delta[m] === "string");
  return member !== undefined && delta[member] === "";
}
