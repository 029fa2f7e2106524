/**
 * The complete streamed answers of the OpenAI Responses API and the Anthropic Messages API, as
 * their documentation lists the events, for stubs that real clients (the coding agents' own
 * binaries) must accept: every event a client may rely on, in order, with the fields the
 * reference gives it. Pure: an answer in, SSE frames out. `upstream_stub.ts` keeps its shorter
 * sequences, which many tests count event by event; these are for clients that need all of them.
 *
 * Responses: response.created, response.in_progress, then per output item (a reasoning item when
 * reasoning tokens were spent, then the message) output_item.added, content_part.added,
 * output_text.delta..., output_text.done, content_part.done, output_item.done, and
 * response.completed with usage (input_tokens_details.cached_tokens,
 * output_tokens_details.reasoning_tokens). Messages: message_start with usage (cache read and
 * write, the write split by lifetime in cache_creation), content_block_start, ping,
 * content_block_delta..., content_block_stop, message_delta with usage.output_tokens,
 * message_stop.
 */

/** Token figures as the Responses API reports them (`cached` is part of `input`). */
export interface ResponsesUsage {
  input: number;
  cached: number;
  /**
   * The part of `input` written to the prompt cache, reported as
   * `input_tokens_details.cache_write_tokens` by the models that bill writes (gpt-5.6 and later);
   * absent for older models, which do not report it.
   */
  cacheWrite?: number;
  output: number;
  /** The part of `output` spent on reasoning. */
  reasoning: number;
}

/**
 * Token figures as the Messages API reports them: `input` is the uncached rest of the prompt;
 * cache reads and the two cache-write lifetimes come on top of it.
 */
export interface MessagesUsage {
  input: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  output: number;
}

export interface Answer {
  /** The response or message id the events carry. */
  id: string;
  model: string;
  /** The text, streamed as these deltas in order (their concatenation is the text). */
  pieces: readonly string[];
}

/** One SSE event as sent on the wire. */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

type Json = Record<string, unknown>;

/** The `usage` object of a Responses answer. */
export function responsesUsageObject(u: ResponsesUsage): Json {
  return {
    input_tokens: u.input,
    input_tokens_details: {
      cached_tokens: u.cached,
      ...(u.cacheWrite === undefined ? {} : { cache_write_tokens: u.cacheWrite }),
    },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: u.input + u.output,
  };
}

function reasoningItem(a: Answer, done: boolean): Json {
  // Opaque to clients: Codex asks for it (`include: ["reasoning.encrypted_content"]`) and sends
  // it back on the next turn unread.
  return {
    id: `rs_${a.id}`,
    type: "reasoning",
    summary: [],
    ...(done ? { encrypted_content: "gAAAAAB-stub-encrypted-reasoning" } : {}),
  };
}

function messageItem(a: Answer, done: boolean): Json {
  const text = a.pieces.join("");
  return {
    id: `msg_${a.id}`,
    type: "message",
    status: done ? "completed" : "in_progress",
    role: "assistant",
    content: done ? [{ type: "output_text", text, annotations: [], logprobs: [] }] : [],
  };
}

/** The Responses object at a stage of its life: `in_progress` (no output yet) or `completed`. */
export function responseObject(
  a: Answer,
  usage: ResponsesUsage,
  status: "in_progress" | "completed",
): Json {
  const done = status === "completed";
  const output = done
    ? [...(usage.reasoning > 0 ? [reasoningItem(a, true)] : []), messageItem(a, true)]
    : [];
  return {
    id: `resp_${a.id}`,
    object: "response",
    created_at: 1765000000,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: a.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: "medium", summary: null },
    service_tier: "default",
    store: false,
    temperature: 1,
    text: { format: { type: "text" }, verbosity: "medium" },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    truncation: "disabled",
    usage: done ? responsesUsageObject(usage) : null,
    user: null,
    metadata: {},
  };
}

/** Every event of a streamed Responses answer, each with its `sequence_number`. */
export function responsesEvents(a: Answer, usage: ResponsesUsage): string[] {
  const events: Json[] = [];
  const push = (type: string, fields: Json) => events.push({ type, ...fields });
  push("response.created", { response: responseObject(a, usage, "in_progress") });
  push("response.in_progress", { response: responseObject(a, usage, "in_progress") });
  let outputIndex = 0;
  if (usage.reasoning > 0) {
    push("response.output_item.added", {
      output_index: outputIndex,
      item: reasoningItem(a, false),
    });
    push("response.output_item.done", { output_index: outputIndex, item: reasoningItem(a, true) });
    outputIndex++;
  }
  const at = { item_id: `msg_${a.id}`, output_index: outputIndex, content_index: 0 };
  const text = a.pieces.join("");
  push("response.output_item.added", { output_index: outputIndex, item: messageItem(a, false) });
  push("response.content_part.added", {
    ...at,
    part: { type: "output_text", text: "", annotations: [], logprobs: [] },
  });
  for (const delta of a.pieces) push("response.output_text.delta", { ...at, delta, logprobs: [] });
  push("response.output_text.done", { ...at, text, logprobs: [] });
  push("response.content_part.done", {
    ...at,
    part: { type: "output_text", text, annotations: [], logprobs: [] },
  });
  push("response.output_item.done", { output_index: outputIndex, item: messageItem(a, true) });
  push("response.completed", { response: responseObject(a, usage, "completed") });
  return events.map((e, i) => sseFrame(e.type as string, { ...e, sequence_number: i }));
}

/** The `usage` object of a Messages answer (in message_start, and in a non-streamed message). */
export function messagesUsageObject(u: MessagesUsage, output: number): Json {
  return {
    input_tokens: u.input,
    cache_creation_input_tokens: u.cacheWrite5m + u.cacheWrite1h,
    cache_read_input_tokens: u.cacheRead,
    cache_creation: {
      ephemeral_5m_input_tokens: u.cacheWrite5m,
      ephemeral_1h_input_tokens: u.cacheWrite1h,
    },
    output_tokens: output,
    service_tier: "standard",
  };
}

/** The whole message, as a non-streamed answer gives it. */
export function messageObject(a: Answer, usage: MessagesUsage): Json {
  return {
    id: `msg_${a.id}`,
    type: "message",
    role: "assistant",
    model: a.model,
    content: [{ type: "text", text: a.pieces.join("") }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: messagesUsageObject(usage, usage.output),
  };
}

/** Every event of a streamed Messages answer. */
export function messagesEvents(a: Answer, usage: MessagesUsage): string[] {
  // message_start counts the output so far (one token, as the API does); message_delta the total.
  const start = {
    ...messageObject(a, usage),
    content: [],
    stop_reason: null,
    usage: messagesUsageObject(usage, 1),
  };
  return [
    sseFrame("message_start", { type: "message_start", message: start }),
    sseFrame("content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    }),
    sseFrame("ping", { type: "ping" }),
    ...a.pieces.map((text) =>
      sseFrame("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text },
      })
    ),
    sseFrame("content_block_stop", { type: "content_block_stop", index: 0 }),
    sseFrame("message_delta", {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: usage.output },
    }),
    sseFrame("message_stop", { type: "message_stop" }),
  ];
}
