/**
 * Upstream answers for the conformance cells, written in each provider's own wire format from one
 * description (what the model said, why it stopped, what it cost), so that a document and its
 * stream twin say the same thing: the cells compare the client's usage streamed and not.
 * Shapes follow the SDK types named in research/issue21_plan.md (openai 7.57.0, @anthropic-ai/sdk
 * 1.12.0, @google/genai 3.6.1, @aws-sdk/client-bedrock-runtime 3.1178.0) and the codec goldens in
 * tests/testdata/translate/codecs/. OpenAI's two protocols here; the others in cells_wire_others.ts,
 * failing streams in cells_wire_failing.ts.
 */

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

export const created = 1765000000;

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
export function halves(s: string): [string, string] {
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

export function responsesEnvelope(a: Answer, done: boolean) {
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
