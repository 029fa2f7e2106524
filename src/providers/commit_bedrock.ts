/**
 * Commit rules for Bedrock's event streams (issue 20 plan sections 6.4 and 6.5), over messages
 * as `BedrockStreamMessage` (bedrock_stream.ts) or, through an `SseEventObserver`, by the names
 * `bedrockObserverName` gives them.
 *
 * ConverseStream (`ConverseStreamOutput`, bedrock-client 3.1178.0 `schemas_0.js:1552`):
 * - preamble: `messageStart`; a `contentBlockStart` that opens no tool use; a delta whose piece
 *   is empty; `messageStop` (its `metadata` is next);
 * - content: a delta with text, reasoning (`reasoningContent.text`, `redactedContent`,
 *   `signature`), tool input, a citation, an image or a tool result; a tool-use start;
 *   `contentBlockStop`; event types the rules do not know (the SDK skips them, but holding them
 *   would hold an answer the rules cannot judge);
 * - terminator: `metadata`, clean only after a `messageStop`;
 * - in-band error: any exception or error message, with the status its type declares
 *   (`throttlingException` 429, `serviceUnavailableException` 503, `internalServerException`
 *   500, `modelStreamErrorException` 424, `validationException` 400, `modelTimeoutException`
 *   408). The SDK throws every one of them (bedrock_stream.ts).
 * InvokeModelWithResponseStream (`ResponseStream`, `schemas_0.js:1637`): every event is a
 * `chunk`; an Anthropic event inside is judged by `AnthropicCommitRules` (its `error` event is an
 * in-band error too); another family's chunk is the end when it carries the invocation metrics,
 * content when it holds output text, else preamble.
 *
 * The termination is a whole exception message: `internalServerException` (modeled in both
 * unions, so `@aws-sdk/client-bedrock-runtime` throws `InternalServerException`), or
 * `validationException` (400, not retried) for a PII block, as the Anthropic rules use
 * `permission_error` for it.
 */
import { encodeEventStreamMessage, eventStreamException } from "./aws_eventstream.ts";
import { isRecord } from "./json_body.ts";
import { looksLikeObject, malformed, parseEvent } from "./commit_events.ts";
import type { CommitRules, EventVerdict } from "./commit_types.ts";
import { AnthropicCommitRules } from "./commit_anthropic.ts";
import {
  bedrockExceptionFacts,
  bedrockStatusOf,
  bedrockStopReasonFacts,
} from "./bedrock_errors.ts";
import type { ProviderErrorFacts } from "./error_facts.ts";
import { type BedrockStreamMessage, messageFromObserver } from "./bedrock_stream.ts";
import { chunkLeadingType, chunkText, invocationMetricsMember } from "./bedrock_invoke_usage.ts";

/**
 * `CommitRules` of the AWS event-stream framing, with the message-level entry points the tests
 * and the rules themselves use (`classify`/`glance` take what the observer feeds: the name from
 * `bedrockObserverName` and the payload text).
 */
export interface BedrockCommitRules extends CommitRules {
  readonly framing: "aws-eventstream";
  classifyMessage(m: BedrockStreamMessage): EventVerdict;
  glanceMessage(m: BedrockStreamMessage): EventVerdict;
  termination(message: string, code?: string): Uint8Array<ArrayBuffer>;
}

/** The termination the gateway writes after the commit point: one whole exception message. */
export function bedrockTermination(message: string, code?: string): Uint8Array<ArrayBuffer> {
  const type = code === "pii_blocked" ? "validationException" : "internalServerException";
  return encodeEventStreamMessage(eventStreamException(type, message));
}

/** An exception or error message as an `error` verdict; null for an event. */
function errorVerdict(m: BedrockStreamMessage): EventVerdict | null {
  if (m.messageType === "event") return null;
  if (m.messageType !== "exception" && m.messageType !== "error") {
    return malformed(`a message of type ${JSON.stringify(m.messageType)} (the SDK throws on it)`);
  }
  let message: unknown = null;
  try {
    const body: unknown = JSON.parse(m.payload);
    if (isRecord(body)) message = body.message ?? body.Message ?? null;
  } catch {
    // An exception whose payload is no JSON is still an error; it just has no message.
  }
  const status = bedrockStatusOf(m.type);
  return { kind: "error", status, error: bedrockExceptionFacts(m.type, status, message) };
}

abstract class BedrockRulesBase {
  readonly framing = "aws-eventstream" as const;
  abstract classifyMessage(m: BedrockStreamMessage): EventVerdict;
  abstract glanceMessage(m: BedrockStreamMessage): EventVerdict;

  classify(name: string | null, data: string): EventVerdict {
    return this.classifyMessage(messageFromObserver(name, data));
  }
  glance(name: string | null, data: string): EventVerdict {
    return this.glanceMessage(messageFromObserver(name, data));
  }
  termination(message: string, code?: string): Uint8Array<ArrayBuffer> {
    return bedrockTermination(message, code);
  }
}

const deltaPieces = ["text", "toolUse", "reasoningContent", "citation", "image", "toolResult"];

export class BedrockConverseCommitRules extends BedrockRulesBase implements BedrockCommitRules {
  readonly terminatorName = "metadata";
  #stopped = false;
  #stopFacts: ProviderErrorFacts | null = null;

  /**
   * Facts of an answer that ended without answering (`messageStop` with `stopReason`
   * `guardrail_intervened`, `content_filtered`, `model_context_window_exceeded`); null otherwise.
   */
  get answerFacts(): ProviderErrorFacts | null {
    return this.#stopFacts;
  }

  classifyMessage(m: BedrockStreamMessage): EventVerdict {
    const error = errorVerdict(m);
    if (error !== null) return error;
    const parsed = parseEvent(m.payload);
    if (!parsed.ok) return parsed.verdict;
    const event = parsed.value;
    switch (m.type) {
      case null:
        return malformed("an event without an :event-type");
      case "messageStart":
        return { kind: "preamble" };
      case "messageStop":
        this.#stopped = true;
        this.#stopFacts = bedrockStopReasonFacts(event.stopReason);
        return { kind: "preamble" };
      case "metadata":
        return this.#end();
      case "contentBlockStart":
        return {
          kind: isRecord(event.start) && event.start.toolUse !== undefined ? "content" : "preamble",
        };
      case "contentBlockDelta":
        return { kind: emptyDelta(event.delta) ? "preamble" : "content" };
    }
    return { kind: "content" };
  }

  glanceMessage(m: BedrockStreamMessage): EventVerdict {
    if (m.messageType !== "event" || m.type === null) return this.classifyMessage(m);
    if (!looksLikeObject(m.payload)) return malformed("an event's payload is not a JSON object");
    // A stop is rare and small: parsed, for its stopReason.
    if (m.type === "messageStop") return this.classifyMessage(m);
    return m.type === "metadata" ? this.#end() : { kind: "content" };
  }

  #end(): EventVerdict {
    return {
      kind: "end",
      problem: this.#stopped ? null : "a metadata event before any messageStop",
    };
  }
}

/** A delta whose one piece is empty (`{"text": ""}`, `{"toolUse": {"input": ""}}`). */
function emptyDelta(delta: unknown): boolean {
  if (!isRecord(delta)) return false;
  const members = Object.keys(delta);
  if (members.length !== 1 || !deltaPieces.includes(members[0]!)) return false;
  const piece = delta[members[0]!];
  if (piece === "") return true;
  if (!isRecord(piece)) return false;
  const values = Object.values(piece);
  return values.length > 0 && values.every((v) => v === "");
}

/** Members that hold output text in the families' stream events (bounded walk, depth 4). */
const textMembers = new Set([
  "text",
  "completion",
  "generation",
  "outputText",
  "content",
  "arguments",
  "partial_json",
  "thinking",
]);

export class BedrockInvokeCommitRules extends BedrockRulesBase implements BedrockCommitRules {
  readonly terminatorName = "its last chunk (message_stop, or amazon-bedrock-invocationMetrics)";
  readonly #anthropic = new AnthropicCommitRules();

  classifyMessage(m: BedrockStreamMessage): EventVerdict {
    const error = errorVerdict(m);
    if (error !== null) return error;
    if (m.type !== "chunk") return { kind: "content" };
    let text: string;
    try {
      text = chunkText(m.payload);
    } catch {
      return malformed("a chunk whose payload holds no base64 bytes");
    }
    const parsed = parseEvent(text);
    if (!parsed.ok) return parsed.verdict;
    if (typeof parsed.value.type === "string") return this.#anthropic.classify(null, text);
    if (parsed.value[invocationMetricsMember] !== undefined) return { kind: "end", problem: null };
    return { kind: hasText(parsed.value, 0) ? "content" : "preamble" };
  }

  glanceMessage(m: BedrockStreamMessage): EventVerdict {
    if (m.messageType !== "event" || m.type !== "chunk") return this.classifyMessage(m);
    const type = chunkLeadingType(m.payload);
    // A delta is the common case: no decoding past its first bytes.
    if (type === "content_block_delta") return { kind: "content" };
    return this.classifyMessage(m);
  }
}

function hasText(value: unknown, depth: number): boolean {
  if (depth > 4) return false;
  if (Array.isArray(value)) return value.slice(0, 16).some((v) => hasText(v, depth + 1));
  if (!isRecord(value)) return false;
  for (const [k, v] of Object.entries(value).slice(0, 64)) {
    if (textMembers.has(k) && typeof v === "string" && v !== "") return true;
    if (typeof v === "object" && v !== null && hasText(v, depth + 1)) return true;
  }
  return false;
}
