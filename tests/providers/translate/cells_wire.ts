/**
 * Upstream answers for the conformance cells, written in each provider's own wire format from one
 * description (what the model said, why it stopped, what it cost), so that a document and its
 * stream twin say the same thing: the cells compare the client's usage streamed and not.
 * Shapes follow the SDK types named in research/issue21_plan.md (openai 7.57.0, @anthropic-ai/sdk
 * 1.12.0, @google/genai 3.6.1, @aws-sdk/client-bedrock-runtime 3.1178.0) and the codec goldens in
 * tests/testdata/translate/codecs/.
 */
import {
  encodeEventStreamMessage,
  eventStreamException,
  stringHeaders,
} from "../../../src/providers/aws_eventstream.ts";

export interface AnswerUsage {
  /** Input tokens neither read from nor written to a cache. */
  input: number;
  cacheRead: number;
  cacheWrite: number;
  /** All output tokens, reasoning included. */
  output: number;
  reasoning: number;
}

export interface AnswerCall {
  /** The id's distinct part; each provider's prefix is added. */
  id: string;
  name: string;
  args: Record<string, unknown>;
}

export interface Answer {
  thinking?: { text: string; signature: string };
  text?: string;
  calls?: AnswerCall[];
  stop: "end" | "stop_sequence" | "tool";
  stopSequence?: string;
  usage: AnswerUsage;
}

/** Which OpenAI Chat server answers: OpenAI shows no thinking text, compatible servers do. */
export type ChatServer = "openai" | "openai-compatible";

const created = 1765000000;

function chatUsage(u: AnswerUsage) {
  const prompt = u.input + u.cacheRead + u.cacheWrite;
  return {
    prompt_tokens: prompt,
    completion_tokens: u.output,
    total_tokens: prompt + u.output,
    prompt_tokens_details: { cached_tokens: u.cacheRead, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function chatCalls(a: Answer) {
  return (a.calls ?? []).map((c) => ({
    id: `call_${c.id}`,
    type: "function",
    function: { name: c.name, arguments: JSON.stringify(c.args) },
  }));
}

const chatFinish = { end: "stop", stop_sequence: "stop", tool: "tool_calls" } as const;

export function chatAnswer(a: Answer, server: ChatServer) {
  const message: Record<string, unknown> = {
    role: "assistant",
    content: a.text ?? null,
    refusal: null,
    annotations: [],
  };
  if (server === "openai-compatible" && a.thinking) message["reasoning_content"] = a.thinking.text;
  if (a.calls) message["tool_calls"] = chatCalls(a);
  return {
    id: "chatcmpl-cell1",
    object: "chat.completion",
    created,
    model: server === "openai" ? "gpt-4.1-2025-04-14" : "qwen3-32b",
    choices: [{ index: 0, message, logprobs: null, finish_reason: chatFinish[a.stop] }],
    usage: chatUsage(a.usage),
    ...(server === "openai" ? { service_tier: "default", system_fingerprint: "fp_cell" } : {}),
  };
}

export function chatStream(a: Answer, server: ChatServer): string {
  const model = server === "openai" ? "gpt-4.1-2025-04-14" : "qwen3-32b";
  const chunk = (delta: unknown, finish: string | null) => ({
    id: "chatcmpl-cell1",
    object: "chat.completion.chunk",
    created,
    model,
    system_fingerprint: "fp_cell",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    usage: null,
  });
  const out: unknown[] = [chunk({ role: "assistant", content: "", refusal: null }, null)];
  if (server === "openai-compatible" && a.thinking) {
    for (const piece of halves(a.thinking.text)) {
      out.push(chunk({ reasoning_content: piece }, null));
    }
  }
  for (const piece of halves(a.text ?? "")) out.push(chunk({ content: piece }, null));
  (a.calls ?? []).forEach((c, index) => {
    const [head, tail] = halves(JSON.stringify(c.args));
    out.push(chunk({
      tool_calls: [{
        index,
        id: `call_${c.id}`,
        type: "function",
        function: { name: c.name, arguments: "" },
      }],
    }, null));
    out.push(chunk({ tool_calls: [{ index, function: { arguments: head } }] }, null));
    out.push(chunk({ tool_calls: [{ index, function: { arguments: tail } }] }, null));
  });
  out.push(chunk({}, chatFinish[a.stop]));
  out.push({ ...chunk({}, null), choices: [], usage: chatUsage(a.usage) });
  return out.map((o) => `data: ${JSON.stringify(o)}\n\n`).join("") + "data: [DONE]\n\n";
}

/** A text in two pieces (the second empty for a text of one character), as a stream sends it. */
function halves(s: string): [string, string] {
  const at = Math.ceil(s.length / 2);
  return [s.slice(0, at), s.slice(at)];
}

function responsesUsage(u: AnswerUsage) {
  const input = u.input + u.cacheRead + u.cacheWrite;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u.cacheRead },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: input + u.output,
  };
}

function responsesOutput(a: Answer) {
  const out: Record<string, unknown>[] = [];
  if (a.thinking) {
    out.push({
      type: "reasoning",
      id: "rs_cell1",
      summary: [{ type: "summary_text", text: a.thinking.text }],
      encrypted_content: a.thinking.signature,
    });
  }
  if (a.text !== undefined) {
    out.push({
      type: "message",
      id: "msg_cell1",
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: a.text, annotations: [], logprobs: [] }],
    });
  }
  for (const c of a.calls ?? []) {
    out.push({
      type: "function_call",
      id: `fc_${c.id}`,
      call_id: `call_${c.id}`,
      name: c.name,
      arguments: JSON.stringify(c.args),
      status: "completed",
    });
  }
  return out;
}

function responsesEnvelope(a: Answer, done: boolean) {
  return {
    id: "resp_cell1",
    object: "response",
    created_at: created,
    status: done ? "completed" : "in_progress",
    error: null,
    incomplete_details: null,
    instructions: null,
    model: "gpt-5.1-2025-11-13",
    output: done ? responsesOutput(a) : [],
    parallel_tool_calls: true,
    store: false,
    usage: done ? responsesUsage(a.usage) : null,
  };
}

export function responsesAnswer(a: Answer) {
  return responsesEnvelope(a, true);
}

export function responsesStream(a: Answer): string {
  const events: Record<string, unknown>[] = [
    { type: "response.created", response: responsesEnvelope(a, false) },
    { type: "response.in_progress", response: responsesEnvelope(a, false) },
  ];
  responsesOutput(a).forEach((item, output_index) => {
    events.push(...responsesItemEvents(item, output_index));
  });
  events.push({ type: "response.completed", response: responsesEnvelope(a, true) });
  return events.map((e, sequence_number) => {
    const data = JSON.stringify({ ...e, sequence_number });
    return `event: ${e["type"]}\ndata: ${data}\n\n`;
  }).join("");
}

function responsesItemEvents(item: Record<string, unknown>, output_index: number) {
  const id = item["id"];
  const out: Record<string, unknown>[] = [];
  if (item["type"] === "reasoning") {
    const text = (item["summary"] as { text: string }[])[0]!.text;
    const part = { type: "summary_text", text };
    const at = { item_id: id, output_index, summary_index: 0 };
    out.push({ type: "response.output_item.added", output_index, item: { ...item, summary: [] } });
    out.push({ type: "response.reasoning_summary_part.added", ...at, part: { ...part, text: "" } });
    for (const delta of halves(text)) {
      out.push({ type: "response.reasoning_summary_text.delta", ...at, delta });
    }
    out.push({ type: "response.reasoning_summary_text.done", ...at, text });
    out.push({ type: "response.reasoning_summary_part.done", ...at, part });
  } else if (item["type"] === "message") {
    const text = (item["content"] as { text: string }[])[0]!.text;
    const at = { item_id: id, output_index, content_index: 0 };
    const part = { type: "output_text", text, annotations: [], logprobs: [] };
    const added = { ...item, status: "in_progress", content: [] };
    out.push({ type: "response.output_item.added", output_index, item: added });
    out.push({ type: "response.content_part.added", ...at, part: { ...part, text: "" } });
    for (const delta of halves(text)) {
      out.push({ type: "response.output_text.delta", ...at, delta, logprobs: [] });
    }
    out.push({ type: "response.output_text.done", ...at, text, logprobs: [] });
    out.push({ type: "response.content_part.done", ...at, part });
  } else {
    const args = String(item["arguments"]);
    const added = { ...item, arguments: "", status: "in_progress" };
    out.push({ type: "response.output_item.added", output_index, item: added });
    for (const delta of halves(args)) {
      out.push({
        type: "response.function_call_arguments.delta",
        item_id: id,
        output_index,
        delta,
      });
    }
    out.push({
      type: "response.function_call_arguments.done",
      item_id: id,
      output_index,
      arguments: args,
    });
  }
  out.push({ type: "response.output_item.done", output_index, item });
  return out;
}

const anthropicStop = { end: "end_turn", stop_sequence: "stop_sequence", tool: "tool_use" };

function anthropicUsage(u: AnswerUsage) {
  return {
    input_tokens: u.input,
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cacheRead,
    output_tokens: u.output,
  };
}

function anthropicContent(a: Answer) {
  const out: Record<string, unknown>[] = [];
  if (a.thinking) {
    out.push({ type: "thinking", thinking: a.thinking.text, signature: a.thinking.signature });
  }
  if (a.text !== undefined) out.push({ type: "text", text: a.text });
  for (const c of a.calls ?? []) {
    out.push({ type: "tool_use", id: `toolu_01${c.id}`, name: c.name, input: c.args });
  }
  return out;
}

function anthropicEnvelope(a: Answer, done: boolean) {
  return {
    id: "msg_01Cell",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5-20250929",
    content: done ? anthropicContent(a) : [],
    stop_reason: done ? anthropicStop[a.stop] : null,
    stop_sequence: done ? a.stopSequence ?? null : null,
    usage: done ? anthropicUsage(a.usage) : { ...anthropicUsage(a.usage), output_tokens: 1 },
  };
}

export function anthropicAnswer(a: Answer) {
  return anthropicEnvelope(a, true);
}

export function anthropicStream(a: Answer): string {
  const events: Record<string, unknown>[] = [
    { type: "message_start", message: anthropicEnvelope(a, false) },
  ];
  anthropicContent(a).forEach((block, index) => {
    events.push(...anthropicBlockEvents(block, index));
    events.push({ type: "content_block_stop", index });
    if (index === 0) events.push({ type: "ping" });
  });
  events.push({
    type: "message_delta",
    delta: { stop_reason: anthropicStop[a.stop], stop_sequence: a.stopSequence ?? null },
    usage: anthropicUsage(a.usage),
  });
  events.push({ type: "message_stop" });
  return events.map((e) => `event: ${e["type"]}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}

function anthropicBlockEvents(block: Record<string, unknown>, index: number) {
  const delta = (d: unknown) => ({ type: "content_block_delta", index, delta: d });
  switch (block["type"]) {
    case "thinking":
      return [
        {
          type: "content_block_start",
          index,
          content_block: { type: "thinking", thinking: "", signature: "" },
        },
        ...halves(String(block["thinking"])).map((thinking) =>
          delta({ type: "thinking_delta", thinking })
        ),
        delta({ type: "signature_delta", signature: block["signature"] }),
      ];
    case "text":
      return [
        { type: "content_block_start", index, content_block: { type: "text", text: "" } },
        ...halves(String(block["text"])).map((text) => delta({ type: "text_delta", text })),
      ];
    default:
      return [
        { type: "content_block_start", index, content_block: { ...block, input: {} } },
        ...halves(JSON.stringify(block["input"])).map((partial_json) =>
          delta({ type: "input_json_delta", partial_json })
        ),
      ];
  }
}

function geminiUsage(u: AnswerUsage) {
  const prompt = u.input + u.cacheRead + u.cacheWrite;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: u.output - u.reasoning,
    ...(u.cacheRead > 0 ? { cachedContentTokenCount: u.cacheRead } : {}),
    ...(u.reasoning > 0 ? { thoughtsTokenCount: u.reasoning } : {}),
    totalTokenCount: prompt + u.output,
  };
}

function geminiParts(a: Answer) {
  const parts: Record<string, unknown>[] = [];
  if (a.thinking) parts.push({ text: a.thinking.text, thought: true });
  if (a.text !== undefined) parts.push({ text: a.text });
  (a.calls ?? []).forEach((c, i) => {
    const call = { functionCall: { id: `fc_${c.id}`, name: c.name, args: c.args } };
    // Gemini signs the first function call of a thinking turn (plan section 3).
    parts.push(i === 0 && a.thinking ? { ...call, thoughtSignature: a.thinking.signature } : call);
  });
  return parts;
}

/** Gemini says STOP for a stop sequence and for a tool turn alike. */
function geminiChunk(parts: unknown[], finish: boolean, usage: AnswerUsage) {
  return {
    candidates: [{
      content: { role: "model", parts },
      ...(finish ? { finishReason: "STOP" } : {}),
      index: 0,
    }],
    usageMetadata: geminiUsage(usage),
    modelVersion: "gemini-2.5-pro",
    responseId: "resp_cell1",
  };
}

export function geminiAnswer(a: Answer) {
  return geminiChunk(geminiParts(a), true, a.usage);
}

export function geminiStream(a: Answer): string {
  const parts = geminiParts(a);
  const chunks: unknown[] = [];
  const partial = { ...a.usage, output: a.usage.reasoning };
  parts.forEach((p, i) => {
    const last = i === parts.length - 1;
    const text = (p as { text?: string }).text;
    if (typeof text === "string" && text.length > 1 && !last) {
      const [head, tail] = halves(text);
      chunks.push(geminiChunk([{ ...p, text: head }], false, partial));
      chunks.push(geminiChunk([{ ...p, text: tail }], false, partial));
    } else chunks.push(geminiChunk([p], last, last ? a.usage : partial));
  });
  return chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`).join("");
}

const converseStop = { end: "end_turn", stop_sequence: "stop_sequence", tool: "tool_use" };

function converseUsage(u: AnswerUsage) {
  return {
    inputTokens: u.input,
    outputTokens: u.output,
    totalTokens: u.input + u.cacheRead + u.cacheWrite + u.output,
    ...(u.cacheRead > 0 ? { cacheReadInputTokens: u.cacheRead } : {}),
    ...(u.cacheWrite > 0 ? { cacheWriteInputTokens: u.cacheWrite } : {}),
  };
}

function converseContent(a: Answer) {
  const out: Record<string, unknown>[] = [];
  if (a.thinking) {
    const { text, signature } = a.thinking;
    out.push({ reasoningContent: { reasoningText: { text, signature } } });
  }
  if (a.text !== undefined) out.push({ text: a.text });
  for (const c of a.calls ?? []) {
    out.push({ toolUse: { toolUseId: `tooluse_${c.id}`, name: c.name, input: c.args } });
  }
  return out;
}

export function converseAnswer(a: Answer) {
  return {
    output: { message: { role: "assistant", content: converseContent(a) } },
    stopReason: converseStop[a.stop],
    usage: converseUsage(a.usage),
    metrics: { latencyMs: 812 },
  };
}

/** The AWS event stream of a Converse answer, as hex (the cell's `.eventstream.hex`). */
export function converseStreamHex(a: Answer): string {
  const events: [string, Record<string, unknown>][] = [
    ["messageStart", { role: "assistant" }],
  ];
  converseContent(a).forEach((block, contentBlockIndex) => {
    const at = { contentBlockIndex };
    if ("reasoningContent" in block) {
      const { text, signature } = a.thinking!;
      for (const t of halves(text)) {
        events.push(["contentBlockDelta", { ...at, delta: { reasoningContent: { text: t } } }]);
      }
      events.push(["contentBlockDelta", { ...at, delta: { reasoningContent: { signature } } }]);
    } else if ("text" in block) {
      for (const text of halves(String(block["text"]))) {
        events.push(["contentBlockDelta", { ...at, delta: { text } }]);
      }
    } else {
      const use = block["toolUse"] as { toolUseId: string; name: string; input: unknown };
      const start = { toolUse: { toolUseId: use.toolUseId, name: use.name } };
      events.push(["contentBlockStart", { ...at, start }]);
      for (const input of halves(JSON.stringify(use.input))) {
        events.push(["contentBlockDelta", { ...at, delta: { toolUse: { input } } }]);
      }
    }
    events.push(["contentBlockStop", at]);
  });
  events.push(["messageStop", { stopReason: converseStop[a.stop] }]);
  events.push(["metadata", { usage: converseUsage(a.usage), metrics: { latencyMs: 812 } }]);
  // Bedrock pads each payload with a `p` member of varying length (seen in its streams).
  return eventStreamHex(events.map(([type, payload], i) => ({
    type,
    payload: { ...payload, p: "abcdefgh".slice(i % 8) },
  })));
}

/** AWS event-stream messages (`:event-type` and JSON payload each), as hex, one per line. */
export function eventStreamHex(events: { type: string; payload: unknown }[]): string {
  return events.map(({ type, payload }) =>
    hex(encodeEventStreamMessage({
      headers: stringHeaders({
        ":event-type": type,
        ":content-type": "application/json",
        ":message-type": "event",
      }),
      payload: new TextEncoder().encode(JSON.stringify(payload)),
    }))
  ).join("\n") + "\n";
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function unhex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The text a failing stream sends before the upstream reports it is overloaded. */
const partialText = "Partial answer";

/** Each upstream's stream that starts an answer, then fails with "overloaded" in band. */
export function overloadedStream(protocol: string, server: ChatServer): [string, string] {
  const sse = (events: [string | null, unknown][]) =>
    events.map(([event, data]) =>
      `${event === null ? "" : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`
    ).join("");
  const a: Answer = { text: partialText, stop: "end", usage: { ...zero, input: 20 } };
  switch (protocol) {
    case "openai.chat": {
      const text = chatStream(a, server).split("\n\n").slice(0, 3).join("\n\n") + "\n\n";
      return [
        "upstream_response.sse",
        text + sse([[null, {
          error: {
            message: "The server is overloaded or not ready yet.",
            type: "service_unavailable_error",
            param: null,
            code: "server_is_overloaded",
          },
        }]]),
      ];
    }
    case "openai.responses": {
      const events = responsesStream(a).split("\n\n").slice(0, 5).join("\n\n") + "\n\n";
      return [
        "upstream_response.sse",
        events + sse([["response.failed", {
          type: "response.failed",
          sequence_number: 5,
          response: {
            ...responsesEnvelope(a, false),
            status: "failed",
            error: {
              code: "server_is_overloaded",
              message: "Our servers are currently overloaded. Please try again later.",
            },
          },
        }]]),
      ];
    }
    case "anthropic.messages": {
      const events = anthropicStream(a).split("\n\n").slice(0, 3).join("\n\n") + "\n\n";
      return [
        "upstream_response.sse",
        events + sse([["error", {
          type: "error",
          error: { type: "overloaded_error", message: "Overloaded" },
          request_id: "req_011Cell",
        }]]),
      ];
    }
    case "gemini.generate":
      return [
        "upstream_response.sse",
        sse([
          [null, geminiChunk([{ text: partialText }], false, a.usage)],
          [null, {
            error: {
              code: 503,
              message: "The model is overloaded. Please try again later.",
              status: "UNAVAILABLE",
            },
          }],
        ]).replaceAll("\n\n", "\r\n\r\n"),
      ];
    default: {
      const frames = converseStreamHex(a).split("\n").slice(0, 2);
      const failure = encodeEventStreamMessage(
        eventStreamException(
          "serviceUnavailableException",
          "Bedrock is unable to process your request.",
        ),
      );
      return ["upstream_response.eventstream.hex", [...frames, hex(failure)].join("\n") + "\n"];
    }
  }
}

const zero: AnswerUsage = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 };
