/**
 * The three client protocols of the translation matrix, each driven by its official SDK through
 * one tool loop (translate_sdk_test.ts): ask with a `get_weather` tool, get one call, send its
 * result back under the call's id, get the final text. Streamed answers go through the SDKs' own
 * stream readers (`responses.stream` and `messages.stream` check the event sequence as they
 * accumulate it; Chat chunks are accumulated here by `index`, as a client does). Each driver gives
 * back what the SDK saw, with its usage read the way its protocol reports it: `input` is every
 * prompt token (Anthropic's `input_tokens` plus its cache reads and writes), `output` every
 * generated token; null where the protocol has no such field.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";

export type ClientName = "openai.chat" | "openai.responses" | "anthropic.messages";

export interface SeenUsage {
  input: number;
  cached: number | null;
  cacheWrite: number | null;
  output: number;
  reasoning: number | null;
}

export interface LoopResult {
  call: { id: string; name: string; args: unknown };
  usage: [SeenUsage, SeenUsage];
  text: string;
  /** The first answer's thinking text (Messages with thinking asked for), else null. */
  thought?: string | null;
}

/** Claude's extended thinking as the Messages client asks for it (`toolLoop`'s `thinking`). */
export const thinkingAsked = { type: "enabled" as const, budget_tokens: 2048 };

export const question = "What is the weather in Paris?";
export const toolOutput = "18 °C, sunny";
const description = "The weather in a city today.";
const parameters = {
  type: "object" as const,
  properties: {
    city: { type: "string" },
    unit: { type: "string", enum: ["celsius", "fahrenheit"] },
  },
  required: ["city", "unit"],
  additionalProperties: false,
};
const clientKeys = {
  openai: "sk-proj-client-own-key-never-forwarded-0000",
  anthropic: "sk-ant-api03-client-own-key-never-forwarded-000000",
};

function chatUsage(u: OpenAI.CompletionUsage | undefined | null): SeenUsage {
  assert.ok(u, "the Chat answer has usage");
  return {
    input: u.prompt_tokens,
    cached: u.prompt_tokens_details?.cached_tokens ?? null,
    cacheWrite: null,
    output: u.completion_tokens,
    reasoning: u.completion_tokens_details?.reasoning_tokens ?? null,
  };
}

/** A streamed Chat answer, accumulated by tool call `index` as a client does. */
async function chatStreamed(
  client: OpenAI,
  body: OpenAI.ChatCompletionCreateParamsNonStreaming,
): Promise<{ message: OpenAI.ChatCompletionMessage; usage: SeenUsage; finish: string | null }> {
  const stream = await client.chat.completions.create({
    ...body,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = "";
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | null | undefined = null;
  const calls: { id: string; name: string; arguments: string }[] = [];
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (choice === undefined) continue;
    text += choice.delta.content ?? "";
    finish = choice.finish_reason ?? finish;
    for (const d of choice.delta.tool_calls ?? []) {
      if (d.id !== undefined) {
        assert.equal(d.index, calls.length, "a new call takes the next index");
        calls.push({ id: d.id, name: d.function?.name ?? "", arguments: "" });
      }
      const call = calls[d.index];
      assert.ok(call, `a delta for call ${d.index}, which has not started`);
      call.arguments += d.function?.arguments ?? "";
    }
  }
  const message: OpenAI.ChatCompletionMessage = {
    role: "assistant",
    content: text === "" ? null : text,
    refusal: null,
    ...(calls.length === 0 ? {} : {
      tool_calls: calls.map((c) => ({
        id: c.id,
        type: "function" as const,
        function: { name: c.name, arguments: c.arguments },
      })),
    }),
  };
  return { message, usage: chatUsage(usage), finish };
}

async function chatLoop(origin: string, model: string, streaming: boolean): Promise<LoopResult> {
  const client = new OpenAI({
    apiKey: clientKeys.openai,
    baseURL: `${origin}/openai/v1`,
    maxRetries: 0,
  });
  const tools: OpenAI.ChatCompletionTool[] = [{
    type: "function",
    function: { name: "get_weather", description, parameters, strict: true },
  }];
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: question }];
  const ask = async (msgs: OpenAI.ChatCompletionMessageParam[]) => {
    const body = { model, messages: msgs, tools };
    if (streaming) return await chatStreamed(client, body);
    const res = await client.chat.completions.create(body);
    const choice = res.choices[0]!;
    return { message: choice.message, usage: chatUsage(res.usage), finish: choice.finish_reason };
  };
  const first = await ask(messages);
  assert.equal(first.finish, "tool_calls");
  const calls = first.message.tool_calls ?? [];
  assert.equal(calls.length, 1, JSON.stringify(first.message));
  const call = calls[0]!;
  assert.ok(call.type === "function");
  const second = await ask([
    ...messages,
    first.message,
    { role: "tool", tool_call_id: call.id, content: toolOutput },
  ]);
  assert.equal(second.finish, "stop");
  return {
    call: { id: call.id, name: call.function.name, args: JSON.parse(call.function.arguments) },
    usage: [first.usage, second.usage],
    text: second.message.content ?? "",
  };
}

function responsesUsage(u: OpenAI.Responses.ResponseUsage | undefined): SeenUsage {
  assert.ok(u, "the response has usage");
  return {
    input: u.input_tokens,
    cached: u.input_tokens_details.cached_tokens,
    cacheWrite: null,
    output: u.output_tokens,
    reasoning: u.output_tokens_details.reasoning_tokens,
  };
}

async function responsesLoop(origin: string, model: string, streaming: boolean) {
  const client = new OpenAI({
    apiKey: clientKeys.openai,
    baseURL: `${origin}/openai/v1`,
    maxRetries: 0,
  });
  const tools: OpenAI.Responses.Tool[] = [
    { type: "function", name: "get_weather", description, parameters, strict: true },
  ];
  const input: OpenAI.Responses.ResponseInput = [{ role: "user", content: question }];
  const ask = (items: OpenAI.Responses.ResponseInput) => {
    const body = { model, input: items, tools };
    return streaming
      ? client.responses.stream(body).finalResponse()
      : client.responses.create(body);
  };
  const first = await ask(input);
  const calls = first.output.filter((o) => o.type === "function_call");
  assert.equal(calls.length, 1, JSON.stringify(first.output));
  const call = calls[0]!;
  assert.ok(call.type === "function_call");
  const second = await ask([
    ...input,
    call,
    { type: "function_call_output", call_id: call.call_id, output: toolOutput },
  ]);
  assert.equal(second.status, "completed");
  return {
    call: { id: call.call_id, name: call.name, args: JSON.parse(call.arguments) },
    usage: [responsesUsage(first.usage), responsesUsage(second.usage)] as [SeenUsage, SeenUsage],
    text: second.output_text,
  };
}

function messagesUsage(u: Anthropic.Usage): SeenUsage {
  const read = u.cache_read_input_tokens ?? 0;
  const write = u.cache_creation_input_tokens ?? 0;
  return {
    input: u.input_tokens + read + write,
    cached: u.cache_read_input_tokens,
    cacheWrite: u.cache_creation_input_tokens,
    output: u.output_tokens,
    reasoning: null,
  };
}

async function messagesLoop(origin: string, model: string, streaming: boolean, thinking: boolean) {
  const client = new Anthropic({
    apiKey: clientKeys.anthropic,
    baseURL: `${origin}/anthropic`,
    maxRetries: 0,
  });
  const tools: Anthropic.Tool[] = [{ name: "get_weather", description, input_schema: parameters }];
  const messages: Anthropic.MessageParam[] = [{ role: "user", content: question }];
  const ask = (msgs: Anthropic.MessageParam[]) => {
    const body = thinking
      ? { model, max_tokens: 4096, messages: msgs, tools, thinking: thinkingAsked }
      : { model, max_tokens: 512, messages: msgs, tools };
    return streaming ? client.messages.stream(body).finalMessage() : client.messages.create(body);
  };
  const first = await ask(messages);
  assert.equal(first.stop_reason, "tool_use");
  const uses = first.content.filter((b) => b.type === "tool_use");
  assert.equal(uses.length, 1, JSON.stringify(first.content));
  const use = uses[0]!;
  assert.ok(use.type === "tool_use");
  const second = await ask([
    ...messages,
    { role: "assistant", content: first.content },
    { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: toolOutput }] },
  ]);
  assert.equal(second.stop_reason, "end_turn");
  return {
    call: { id: use.id, name: use.name, args: use.input },
    usage: [messagesUsage(first.usage), messagesUsage(second.usage)] as [SeenUsage, SeenUsage],
    text: second.content.filter((b) => b.type !== "thinking").map((b) =>
      b.type === "text" ? b.text : `[${b.type}]`
    ).join(""),
    thought: first.content.find((b) => b.type === "thinking")?.thinking ?? null,
  };
}

/** One tool loop of `client` on the route `model`; `thinking`: Messages only, asks for it. */
export function toolLoop(
  client: ClientName,
  origin: string,
  model: string,
  streaming: boolean,
  thinking = false,
): Promise<LoopResult> {
  switch (client) {
    case "openai.chat":
      return chatLoop(origin, model, streaming);
    case "openai.responses":
      return responsesLoop(origin, model, streaming);
    case "anthropic.messages":
      return messagesLoop(origin, model, streaming, thinking);
  }
}
