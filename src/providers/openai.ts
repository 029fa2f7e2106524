/**
 * The OpenAI wire format, also used unchanged by every OpenAI-compatible provider.
 *
 * A Chat Completions or Completions stream reports usage only when the request says
 * `stream_options.include_usage`. When the client did not, and the provider allows it
 * (`stream_usage`), we add it and remove the resulting usage-only chunk from what the client
 * receives, so the client sees the stream it asked for and the trace still gets exact tokens.
 */
import {
  encodeRequestText,
  isRecord,
  maxTokensOf,
  modelOf,
  readRequestJson,
  type RequestJson,
} from "./json_body.ts";
import { setTopLevelMember } from "./json_splice.ts";
import { openAiPathRule, OpenAiUsageReader } from "./openai_usage.ts";
import { cleanPath, endsWithSegments } from "./paths.ts";
import { createResponseParser, expectationFor, sseStreamKind } from "./response_parser.ts";
import { openAiErrorBodyFacts } from "./openai_errors.ts";
import { openAiCommitScanner } from "./commit_scanners.ts";
import { chatApiOperationOf } from "./operations.ts";
import { createSseEventFilter } from "./sse_event_filter.ts";
import { responsesWebSocket } from "./openai_responses_ws.ts";
import type {
  JsonPath,
  PreparedRequest,
  PrepareInput,
  ProviderAdapter,
  SseEvent,
  StreamTextField,
  StreamTextLocation,
} from "./types.ts";

/** The endpoints that accept `stream_options`; Responses streams always end with usage. */
const streamOptionsPaths = ["chat/completions", "completions"];

export const openAiAdapter: ProviderAdapter = {
  prepareRequest(input: PrepareInput): PreparedRequest {
    const json = readRequestJson(input.method, input.contentType, input.body);
    const streaming = json?.value.stream === true;
    const prepared: PreparedRequest = {
      body: input.body,
      model: json === null ? null : modelOf(json.value),
      streaming,
      hideUsageEvent: false,
      maxTokens: json === null
        ? null
        : maxTokensOf(json.value, ["max_completion_tokens", "max_tokens", "max_output_tokens"]),
    };
    const cacheKey = json?.value.prompt_cache_key;
    if (typeof cacheKey === "string") prepared.promptCacheKey = cacheKey;
    if (json === null || !streaming || !input.streamUsage) return prepared;
    const path = cleanPath(input.path);
    if (!streamOptionsPaths.some((s) => endsWithSegments(path, s))) return prepared;
    const body = withIncludeUsage(json);
    return body === null ? prepared : { ...prepared, body, hideUsageEvent: true };
  },

  streamKind: sseStreamKind,
  operationOf: chatApiOperationOf,
  keyHeader: (key) => ["authorization", `Bearer ${key}`],

  createUsageParser(info, observer) {
    return createResponseParser(
      info,
      expectationFor(info, openAiPathRule(info.path)),
      new OpenAiUsageReader(),
      observer,
    );
  },

  createCommitScanner: openAiCommitScanner,
  errorFacts: openAiErrorBodyFacts,

  hideUsageEvent() {
    return createSseEventFilter(isUsageOnlyChunk);
  },

  locateStreamText: locateOpenAiStreamText,

  /**
   * The shape Chat Completions streams use for a mid-stream failure. The `openai` SDK (7.57.0,
   * `core/streaming.mjs` `Stream.fromSSEResponse`) throws `APIError(error)` for any data event
   * whose JSON has an `error` member (and for `event: error`), on every endpoint, Responses
   * included; `code` and `type` become the error's fields.
   */
  streamError(code, message) {
    return `data: ${
      JSON.stringify({ error: { message, type: "gateway_error", code, param: null } })
    }\n\n`;
  },

  webSocket: responsesWebSocket,
};

/** The body with `stream_options.include_usage: true`, or null when the client already asked. */
function withIncludeUsage(json: RequestJson): Uint8Array<ArrayBuffer> | null {
  const current = json.value.stream_options;
  if (isRecord(current) && current.include_usage === true) return null;
  const options = isRecord(current) ? { ...current, include_usage: true } : {
    include_usage: true,
  };
  const text = setTopLevelMember(json.text, "stream_options", JSON.stringify(options));
  return text === null ? null : encodeRequestText(json, text);
}

/** The chunk `include_usage` adds: no choices, only usage. */
export function isUsageOnlyChunk(data: string): boolean {
  if (!data.includes('"usage"')) return false;
  try {
    const chunk: unknown = JSON.parse(data);
    return isRecord(chunk) && Array.isArray(chunk.choices) && chunk.choices.length === 0 &&
      isRecord(chunk.usage);
  } catch {
    return false;
  }
}

const noText: StreamTextLocation = { fields: [], closes: [] };

/**
 * Chat Completions (`choices[].delta`), Completions (`choices[].text`) and the Responses API
 * (`response.*.delta` events). A choice's texts close with its `finish_reason`; a Responses text
 * with its `.done` event, its content part or its output item; everything with `[DONE]`, the
 * final `response.*` event or an error.
 */
export function locateOpenAiStreamText({ event, data }: SseEvent): StreamTextLocation {
  if (typeof data === "string") {
    return data.trim() === "[DONE]" ? { fields: [], closes: "all" } : noText;
  }
  if (!isRecord(data)) return noText;
  const type = typeof data.type === "string" ? data.type : event;
  if (type !== null && (type.startsWith("response.") || type === "error")) {
    return locateResponsesEvent(type, data);
  }
  if (Array.isArray(data.choices)) return locateChoices(data.choices);
  return isRecord(data.error) ? { fields: [], closes: "all" } : noText;
}

const deltaTextMembers = ["content", "refusal", "reasoning_content", "reasoning"];

function locateChoices(choices: unknown[]): StreamTextLocation {
  const fields: StreamTextField[] = [];
  const closes: string[] = [];
  choices.forEach((choice, i) => {
    if (!isRecord(choice)) return;
    const channel = `choices/${typeof choice.index === "number" ? choice.index : i}`;
    if (typeof choice.text === "string") {
      fields.push({ channel: `${channel}/text`, path: ["choices", i, "text"] });
    }
    if (isRecord(choice.delta)) fields.push(...deltaFields(choice.delta, channel, i));
    if (typeof choice.finish_reason === "string") closes.push(channel);
  });
  return { fields, closes };
}

function deltaFields(delta: Record<string, unknown>, channel: string, i: number) {
  const at = ["choices", i, "delta"];
  const role: JsonPath[] = "role" in delta ? [[...at, "role"]] : [];
  const fields: StreamTextField[] = [];
  for (const m of deltaTextMembers) {
    if (typeof delta[m] === "string") {
      fields.push({ channel: `${channel}/${m}`, path: [...at, m], once: role });
    }
  }
  const fc = delta.function_call;
  if (isRecord(fc) && typeof fc.arguments === "string") {
    const once = [...role, [...at, "function_call", "name"]];
    fields.push({
      channel: `${channel}/function_call`,
      path: [...at, "function_call", "arguments"],
      once,
      json: true,
    });
  }
  const audio = delta.audio;
  if (isRecord(audio) && typeof audio.transcript === "string") {
    // The audio itself (`data`) is a piece of another stream: a copy must not repeat it.
    const a = [...at, "audio"];
    fields.push({
      channel: `${channel}/audio_transcript`,
      path: [...a, "transcript"],
      once: [...role, [...a, "id"], [...a, "data"], [...a, "expires_at"]],
    });
  }
  if (!Array.isArray(delta.tool_calls)) return fields;
  delta.tool_calls.forEach((call: unknown, j) => {
    if (!isRecord(call) || !isRecord(call.function)) return;
    if (typeof call.function.arguments !== "string") return;
    const c = [...at, "tool_calls", j];
    fields.push({
      // Pieces of one call share its `index`, not their position in the array.
      channel: `${channel}/tool_calls/${typeof call.index === "number" ? call.index : j}`,
      path: [...c, "function", "arguments"],
      once: [...role, [...c, "id"], [...c, "type"], [...c, "function", "name"]],
      json: true,
    });
  });
  return fields;
}

/** Responses API delta events: the `.done` event that ends them and what numbers their part. */
const responsesDeltas: Record<string, "content_index" | "summary_index" | null> = {
  "response.output_text.delta": "content_index",
  "response.refusal.delta": "content_index",
  "response.reasoning_text.delta": "content_index",
  "response.reasoning_summary_text.delta": "summary_index",
  "response.function_call_arguments.delta": null,
  "response.custom_tool_call_input.delta": null,
  "response.mcp_call_arguments.delta": null,
  "response.code_interpreter_call_code.delta": null,
  "response.audio.transcript.delta": null,
};

/** Deltas whose pieces join to a JSON text. */
const responsesJsonDeltas = new Set([
  "response.function_call_arguments.delta",
  "response.mcp_call_arguments.delta",
]);

const responsesEnds = new Set([
  "response.completed",
  "response.incomplete",
  "response.failed",
  "error",
]);

function locateResponsesEvent(type: string, data: Record<string, unknown>): StreamTextLocation {
  if (responsesEnds.has(type)) return { fields: [], closes: "all" };
  // Audio transcript events name no item: one transcript per response.
  const item = typeof data.item_id === "string"
    ? data.item_id
    : data.output_index === undefined
    ? "response"
    : `output/${data.output_index}`;
  const kind = type.slice("response.".length).replace(/\.(delta|done)$/, "");
  const deltaIndex = responsesDeltas[`response.${kind}.delta`];
  if (deltaIndex !== undefined) {
    const channel = deltaIndex === null ? `${item}/${kind}` : `${item}/${kind}/${data[deltaIndex]}`;
    if (type.endsWith(".done")) return { fields: [], closes: [channel] };
    if (typeof data.delta !== "string") return noText;
    const json = responsesJsonDeltas.has(`response.${kind}.delta`);
    return { fields: [{ channel, path: ["delta"], ...(json && { json }) }], closes: [] };
  }
  if (type === "response.content_part.done") {
    const n = data.content_index;
    return {
      fields: [],
      closes: ["output_text", "refusal", "reasoning_text"].map((k) => `${item}/${k}/${n}`),
    };
  }
  if (type === "response.reasoning_summary_part.done") {
    return { fields: [], closes: [`${item}/reasoning_summary_text/${data.summary_index}`] };
  }
  if (type === "response.output_item.done") {
    const id = isRecord(data.item) && typeof data.item.id === "string" ? data.item.id : null;
    return { fields: [], closes: [id ?? item, `output/${data.output_index}`] };
  }
  return noText;
}
