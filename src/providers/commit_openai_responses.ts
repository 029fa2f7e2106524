/**
 * Commit rules for the OpenAI Responses API, over SSE and over its WebSocket mode (the frames are
 * the SSE events' data). From the streaming-events reference
 * (platform.openai.com/docs/api-reference/responses-streaming):
 *
 * - preamble: the response's lifecycle before output (`response.created`, `response.queued`,
 *   `response.in_progress`, each only the response object with an empty `output`) and the
 *   containers that open empty (`response.output_item.added`, `response.content_part.added`,
 *   `response.reasoning_summary_part.added`), deltas with an empty `delta`, and events outside
 *   the `response.*` family (Codex's `codex.rate_limits`, keep-alives);
 * - content: every other `response.*` event: text, refusal, function-call and tool-input deltas,
 *   reasoning summary and reasoning text deltas, a finished output item (a reasoning item with its
 *   encrypted content, a tool call), built-in tool progress. An event the rules do not know is
 *   content: committing is today's behaviour, holding an unknown output could stall it;
 * - terminator: `response.completed` or `response.incomplete` (the provider's own answer, such
 *   as `max_output_tokens` or a content filter, which must reach the client);
 * - in-band error: `response.failed` (its `response.error`) and the `error` event.
 *
 * The termination is the `error` event (`{type, code, message, param, sequence_number}`): the
 * `openai` SDK raises `APIError` for an SSE event named `error`, while `response.failed` is
 * yielded as an ordinary event and its `finalResponse()` resolves with the failed response.
 */
import { isRecord } from "./json_body.ts";
import { openAiErrorFacts } from "./openai_errors.ts";
import { statusIn } from "./error_facts.ts";
import { leadingTypeOf, looksLikeObject, malformed, parseEvent } from "./commit_events.ts";
import type { CommitRules, EventVerdict } from "./commit_types.ts";

const preambleTypes = new Set([
  "response.created",
  "response.queued",
  "response.in_progress",
  "response.output_item.added",
  "response.content_part.added",
  "response.reasoning_summary_part.added",
]);
const cleanEnds = new Set(["response.completed", "response.incomplete"]);
/** Where OpenAI puts it: right after `type`. */
const sequenceNumber = /"sequence_number"\s*:\s*(\d{1,15})/;

export class OpenAiResponsesCommitRules implements CommitRules {
  readonly terminatorName = "response.completed";
  #sequence = -1;
  /** The last event after the commit point, not yet read for its sequence number. */
  #last: string | null = null;

  constructor(private readonly transport: "sse" | "websocket") {}

  classify(name: string | null, data: string): EventVerdict {
    // Compatible servers may end with the Chat `[DONE]`; it is neither output nor the end.
    if (data === "[DONE]") return { kind: "preamble" };
    const parsed = parseEvent(data);
    if (!parsed.ok) return parsed.verdict;
    const event = parsed.value;
    if (typeof event.sequence_number === "number") {
      this.#sequence = event.sequence_number;
      this.#last = null;
    }
    const type = typeof event.type === "string" ? event.type : name;
    if (type === null) return malformed("an event without a type");
    if (type === "error") {
      const error = isRecord(event.error) ? event.error : event;
      const status = statusIn(event.status, event.status_code);
      return { kind: "error", status, error: openAiErrorFacts(status, error) };
    }
    if (type === "response.failed") {
      const response = isRecord(event.response) ? event.response : {};
      return { kind: "error", status: null, error: openAiErrorFacts(null, response.error) };
    }
    if (cleanEnds.has(type)) return { kind: "end", problem: null };
    if (preambleTypes.has(type) || !type.startsWith("response.")) return { kind: "preamble" };
    if (type.endsWith(".delta") && event.delta === "") return { kind: "preamble" };
    return { kind: "content" };
  }

  glance(name: string | null, data: string): EventVerdict {
    const type = name ?? leadingTypeOf(data);
    if (type === null || type === "error" || type === "response.failed") {
      return this.classify(name, data);
    }
    if (!looksLikeObject(data)) return malformed(`an event's data is not a JSON object`);
    // `response.completed` repeats the whole output: not parsed again (the usage reader does).
    if (cleanEnds.has(type)) return { kind: "end", problem: null };
    // Its sequence number is read only if a termination follows it.
    this.#last = data;
    return { kind: "content" };
  }

  termination(message: string, code: string): string {
    if (this.transport === "websocket") {
      // The WebSocket mode's error frame (research/issue18_agents.md section 3).
      return JSON.stringify({
        type: "error",
        status: 502,
        error: { type: "server_error", code, message, param: null },
      });
    }
    const n = this.#last === null ? undefined : sequenceNumber.exec(this.#last.slice(0, 160))?.[1];
    const event = {
      type: "error",
      code,
      message,
      param: null,
      sequence_number: (n === undefined ? this.#sequence : Number(n)) + 1,
    };
    return `event: error\ndata: ${JSON.stringify(event)}\n\n`;
  }
}
