/**
 * Protocol translation through a route, end to end in process (issue 21): the official `openai`
 * SDK names a route whose target is an Anthropic provider; a loopback stub speaks the Messages API
 * exactly (a JSON answer, the SSE stream of a recorded fixture, an overloaded error). The stub
 * sees an Anthropic request with the pool key and none of the client's headers; the SDK gets Chat
 * Completions answers, streamed chunk by chunk, the error with the status its retry rule reads;
 * the trace is priced at the target's model.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { type Harness, startHarness } from "../support/gateway_harness.ts";

const fixtures = new URL("../testdata/translate/streams/anthropic.messages/", import.meta.url);
const poolKey = "sk-ant-api03-TRANSLATEPOOLKEY0123456789abcdefghij";

interface Seen {
  path: string;
  headers: Headers;
  body: Record<string, unknown>;
}

function startAnthropicStub() {
  const seen: Seen[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const body = await req.json() as Record<string, unknown>;
    seen.push({ path: new URL(req.url).pathname, headers: req.headers, body });
    if (body["model"] === "claude-busy") {
      return Response.json({
        type: "error",
        error: { type: "overloaded_error", message: "Overloaded" },
      }, { status: 529 });
    }
    if (body["stream"] === true) {
      const sse = await Deno.readFile(new URL("stop_sequence.sse", fixtures));
      return new Response(sse, { headers: { "content-type": "text/event-stream" } });
    }
    return Response.json({
      id: "msg_01",
      type: "message",
      role: "assistant",
      model: "claude-haiku-4-5",
      content: [{ type: "text", text: "Paris." }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 3, cache_read_input_tokens: 0 },
    });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, seen, close: () => server.shutdown() };
}

async function withGateway(
  fn: (h: Harness, stub: ReturnType<typeof startAnthropicStub>) => Promise<void>,
) {
  const stub = startAnthropicStub();
  const h = await startHarness({
    server: { host: "127.0.0.1" },
    providers: {
      anthropic: { upstream: stub.url, keys: [{ id: "a1", key: poolKey }] },
    },
    routes: {
      claude: { targets: [{ provider: "anthropic", model: "claude-haiku-4-5" }] },
      busy: {
        targets: [{ provider: "anthropic", model: "claude-busy" }],
        retry: { attempts: 1 },
      },
    },
  });
  try {
    await fn(h, stub);
  } finally {
    await h.close();
    await stub.close();
  }
}

function openaiClient(h: Harness): OpenAI {
  return new OpenAI({
    apiKey: "unused",
    baseURL: "http://gw.test/v1",
    maxRetries: 0,
    fetch: (url, init) => h.request(String(url).slice("http://gw.test".length), init),
  });
}

Deno.test("translate: an OpenAI Chat client on an Anthropic target, not streamed", async () => {
  await withGateway(async (h, stub) => {
    const client = new OpenAI({
      apiKey: "unused",
      baseURL: "http://gw.test/v1",
      maxRetries: 0,
      defaultHeaders: { "openai-organization": "org-secret", "anthropic-beta": "x" },
      fetch: (url, init) => h.request(String(url).slice("http://gw.test".length), init),
    });
    const res = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Capital?" }],
    });
    assert.equal(res.choices[0]!.message.content, "Paris.");
    assert.equal(res.choices[0]!.finish_reason, "stop");
    assert.equal(res.usage?.prompt_tokens, 12);
    assert.equal(res.usage?.completion_tokens, 3);
    const sent = stub.seen[0]!;
    assert.equal(sent.path, "/v1/messages");
    assert.equal(sent.body["model"], "claude-haiku-4-5");
    assert.equal(sent.body["system"], "Be brief.");
    assert.equal(sent.headers.get("x-api-key"), poolKey);
    assert.equal(sent.headers.get("anthropic-version"), "2023-06-01");
    assert.equal(sent.headers.get("authorization"), null);
    assert.equal(sent.headers.get("openai-organization"), null);
    assert.equal(sent.headers.get("anthropic-beta"), null);
    const [trace] = await h.tracesSettled(1);
    assert.equal(trace!.provider, "anthropic");
    assert.equal(trace!.model, "claude-haiku-4-5");
    assert.equal(trace!.input_tokens, 12);
    assert.equal(trace!.cost_status, "priced");
    assert.equal(trace!.metadata["client_protocol"], "openai.chat");
    assert.equal(trace!.metadata["upstream_protocol"], "anthropic.messages");
  });
});

Deno.test("translate: an OpenAI Chat client on an Anthropic target, streamed", async () => {
  await withGateway(async (h) => {
    const stream = await openaiClient(h).chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "Count." }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, "1, 2, 3, ünïcödé 🙂");
    assert.equal(finish, "stop");
    assert.deepEqual([usage?.prompt_tokens, usage?.completion_tokens], [9, 12]);
    const [trace] = await h.tracesSettled(1);
    assert.equal(trace!.input_tokens, 9);
    assert.equal(trace!.output_tokens, 12);
    assert.equal(trace!.response_status, 200);
  });
});

Deno.test("translate: an upstream's overloaded error reaches the OpenAI SDK as a retryable 503", async () => {
  await withGateway(async (h) => {
    const err = await openaiClient(h).chat.completions.create({
      model: "busy",
      messages: [{ role: "user", content: "Hi" }],
    }).then(() => null, (e) => e);
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.equal(err.status, 503);
    assert.match(err.message, /anthropic.*Overloaded/i);
  });
});

Deno.test("translate: an Anthropic client reaching an Anthropic route passes through untouched", async () => {
  await withGateway(async (h, stub) => {
    const client = new Anthropic({
      apiKey: "unused",
      baseURL: "http://gw.test/anthropic",
      maxRetries: 0,
      fetch: (url, init) => h.request(String(url).slice("http://gw.test".length), init),
    });
    const res = await client.messages.create({
      model: "claude",
      max_tokens: 100,
      messages: [{ role: "user", content: "Capital?" }],
    });
    assert.deepEqual(res.content, [{ type: "text", text: "Paris." }]);
    // Same protocol: the client's own key and version go to its own provider, as without routes.
    assert.equal(stub.seen[0]!.headers.get("authorization"), "Bearer unused");
    assert.ok(stub.seen[0]!.headers.has("x-stainless-lang"));
    assert.equal(stub.seen[0]!.body["max_tokens"], 100);
  });
});

Deno.test("translate: a Responses client's previous_response_id on a stateless Anthropic target", async () => {
  await withGateway(async (h, stub) => {
    const client = openaiClient(h);
    const first = await client.responses.create({ model: "claude", input: "Capital of France?" });
    assert.equal(first.output_text, "Paris.");
    const second = await client.responses.create({
      model: "claude",
      input: "And of Germany?",
      previous_response_id: first.id,
    });
    assert.equal(second.output_text, "Paris.");
    // The whole conversation went upstream, in order, the stored answer as the assistant's turn.
    const sent = stub.seen[1]!.body["messages"] as { role: string; content: unknown }[];
    assert.deepEqual(sent.map((m) => m.role), ["user", "assistant", "user"]);
    assert.match(JSON.stringify(sent[1]!.content), /Paris\./);
    assert.match(JSON.stringify(sent[2]!.content), /Germany/);
    // A streamed turn is kept too, before its last event reaches the client.
    const stream = await client.responses.create({
      model: "claude",
      input: "Count.",
      previous_response_id: second.id,
      stream: true,
    });
    let streamedId = "";
    for await (const event of stream) {
      if (event.type === "response.completed") streamedId = event.response.id;
    }
    await client.responses.create({
      model: "claude",
      input: "Again.",
      previous_response_id: streamedId,
    });
    const roles = (stub.seen[3]!.body["messages"] as { role: string }[]).map((m) => m.role);
    assert.deepEqual(roles, [
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
    ]);
  });
});

Deno.test("translate: an unknown or unstored previous_response_id is the SDK's 404", async () => {
  await withGateway(async (h, stub) => {
    const client = openaiClient(h);
    const unstored = await client.responses.create({
      model: "claude",
      input: "Hi",
      store: false,
    });
    for (const id of ["resp_nothing_here", unstored.id]) {
      const err = await client.responses.create({
        model: "claude",
        input: "Next",
        previous_response_id: id,
      }).then(() => null, (e) => e);
      assert.ok(err instanceof OpenAI.NotFoundError, String(err));
      assert.match(err.message, /previous_response_id: no response/);
    }
    assert.equal(stub.seen.length, 1);
  });
});

Deno.test("translate: Anthropic count_tokens on a Gemini target (its counter) and an OpenAI one (an estimate)", async () => {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    seen.push(new URL(req.url).pathname);
    const body = await req.json() as { generateContentRequest?: { contents?: unknown[] } };
    assert.equal(body.generateContentRequest?.contents?.length, 1);
    return Response.json({ totalTokens: 31 });
  });
  const up = `http://127.0.0.1:${server.addr.port}`;
  const h = await startHarness({
    server: { host: "127.0.0.1" },
    providers: {
      google: {
        kind: "gemini",
        upstream: up,
        keys: [{ id: "g1", key: "AIzaSyTRANSLATEPOOLKEY0123456789abcdefg" }],
      },
      openai: { upstream: up, keys: [{ id: "o1", key: "sk-proj-TRANSLATEPOOLKEY0123456789abcd" }] },
    },
    routes: {
      gem: { targets: [{ provider: "google", model: "gemini-2.5-flash" }] },
      gpt: { targets: [{ provider: "openai", model: "gpt-4.1" }] },
    },
  });
  try {
    const client = new Anthropic({
      apiKey: "unused",
      baseURL: "http://gw.test/anthropic",
      maxRetries: 0,
      fetch: (url, init) => h.request(String(url).slice("http://gw.test".length), init),
    });
    const params = { messages: [{ role: "user" as const, content: "How many tokens is this?" }] };
    const counted = await client.messages.countTokens({ model: "gem", ...params });
    assert.equal(counted.input_tokens, 31);
    assert.deepEqual(seen, ["/v1beta/models/gemini-2.5-flash:countTokens"]);
    const raw = await h.request("/anthropic/v1/messages/count_tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt", ...params }),
    });
    assert.equal(raw.status, 200);
    assert.equal(raw.headers.get("x-ongoingai-token-estimate"), "heuristic");
    const estimate = await raw.json() as { input_tokens: number };
    // ⌈24 UTF-8 bytes / 4⌉ + 3 per message + 3: a labelled estimate, never presented as exact.
    assert.equal(estimate.input_tokens, 12);
    assert.equal(seen.length, 1, "nothing is sent for an estimate");
    const traces = await h.tracesSettled(2);
    assert.equal(traces[1]!.provider, "openai");
    assert.equal(traces[1]!.metadata["client_protocol"], "anthropic.count_tokens");
    assert.deepEqual([traces[0]!.usage_status, traces[1]!.usage_status], ["none", "none"]);
  } finally {
    await h.close();
    await server.shutdown();
  }
});

Deno.test("translate: thinking state made by Anthropic comes back to it through a Chat client's tool call id", async () => {
  const seen: Record<string, unknown>[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    seen.push(await req.json());
    if (seen.length === 1) {
      const sse = await Deno.readFile(new URL("thinking_tools.sse", fixtures));
      return new Response(sse, { headers: { "content-type": "text/event-stream" } });
    }
    return Response.json({
      id: "msg_02",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [{ type: "text", text: "Sunny." }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 40, output_tokens: 2 },
    });
  });
  const h = await startHarness({
    server: { host: "127.0.0.1" },
    providers: {
      anthropic: {
        upstream: `http://127.0.0.1:${server.addr.port}`,
        keys: [{ id: "a1", key: poolKey }],
      },
    },
    routes: { claude: { targets: [{ provider: "anthropic", model: "claude-sonnet-4-5" }] } },
  });
  try {
    const client = openaiClient(h);
    const tools = [{
      type: "function" as const,
      function: { name: "get_weather", parameters: { type: "object", properties: {} } },
    }];
    const stream = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools,
      stream: true,
    });
    const calls = new Map<number, { id: string; name: string; args: string }>();
    for await (const chunk of stream) {
      for (const c of chunk.choices[0]?.delta.tool_calls ?? []) {
        const call = calls.get(c.index) ?? { id: "", name: "", args: "" };
        call.id += c.id ?? "";
        call.name += c.function?.name ?? "";
        call.args += c.function?.arguments ?? "";
        calls.set(c.index, call);
      }
    }
    const call = calls.get(0)!;
    // The id carries the seal's handle, within OpenAI's 40 characters; never Anthropic's own id.
    assert.match(call.id, /^call_og1_/);
    assert.ok(call.id.length <= 40, call.id);
    assert.equal(call.name, "get_weather");
    const answer = await client.chat.completions.create({
      model: "claude",
      tools,
      messages: [
        { role: "user", content: "Weather in Paris?" },
        {
          role: "assistant",
          content: "Let me look.",
          tool_calls: [{
            id: call.id,
            type: "function",
            function: { name: call.name, arguments: call.args },
          }],
        },
        { role: "tool", tool_call_id: call.id, content: "sunny, 21 °C" },
      ],
    });
    assert.equal(answer.choices[0]!.message.content, "Sunny.");
    // Anthropic got its own thinking block back, signature and text unchanged, before its call,
    // and the call and its result under its own id.
    const messages = seen[1]!["messages"] as { role: string; content: Record<string, unknown>[] }[];
    const assistant = messages[1]!.content;
    assert.deepEqual(assistant[0], {
      type: "thinking",
      thinking: "The user wants the weather.",
      signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxDYH",
    });
    const use = assistant.find((b) => b["type"] === "tool_use")!;
    assert.equal(use["id"], "toolu_01A");
    assert.equal(messages[2]!.content[0]!["tool_use_id"], "toolu_01A");
    // A tool call id the gateway did not issue (the issued one with its MAC changed) is refused.
    const forgedId = call.id.slice(0, -1) + (call.id.endsWith("A") ? "B" : "A");
    const forged = await client.chat.completions.create({
      model: "claude",
      tools,
      messages: [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{
            id: forgedId,
            type: "function",
            function: { name: "get_weather", arguments: "{}" },
          }],
        },
        { role: "tool", tool_call_id: forgedId, content: "x" },
      ],
    }).then(() => null, (e) => e);
    assert.ok(forged instanceof OpenAI.BadRequestError, String(forged));
    assert.match(forged.message, /not issued by this gateway/);
    assert.equal(seen.length, 2);
  } finally {
    await h.close();
    await server.shutdown();
  }
});

Deno.test("translate: an Anthropic client on OpenAI's Responses API (translation_api), reasoning state carried", async () => {
  const seen: Record<string, unknown>[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    assert.equal(new URL(req.url).pathname, "/v1/responses");
    seen.push(await req.json());
    return Response.json({
      id: `resp_${seen.length}`,
      object: "response",
      created_at: 1765000000,
      status: "completed",
      model: "gpt-5.1",
      output: [
        {
          type: "reasoning",
          id: "rs_1",
          summary: [{ type: "summary_text", text: "Weighing it." }],
          encrypted_content: "gAAAAB-openai-encrypted-reasoning",
        },
        {
          type: "message",
          id: "msg_1",
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: "Paris.", annotations: [] }],
        },
      ],
      usage: {
        input_tokens: 20,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 30,
        output_tokens_details: { reasoning_tokens: 25 },
        total_tokens: 50,
      },
    });
  });
  const h = await startHarness({
    server: { host: "127.0.0.1" },
    providers: {
      openai: {
        upstream: `http://127.0.0.1:${server.addr.port}`,
        translation_api: "responses",
        keys: [{ id: "o1", key: "sk-proj-TRANSLATEPOOLKEY0123456789abcd" }],
      },
    },
    routes: { gpt: { targets: [{ provider: "openai", model: "gpt-5.1" }] } },
  });
  try {
    const client = new Anthropic({
      apiKey: "unused",
      baseURL: "http://gw.test/anthropic",
      maxRetries: 0,
      fetch: (url, init) => h.request(String(url).slice("http://gw.test".length), init),
    });
    const first = await client.messages.create({
      model: "gpt",
      max_tokens: 4000,
      thinking: { type: "enabled", budget_tokens: 2048 },
      messages: [{ role: "user", content: "Capital of France?" }],
    });
    const thinking = first.content.find((b) => b.type === "thinking");
    assert.ok(thinking?.type === "thinking");
    assert.equal(thinking.thinking, "Weighing it.");
    assert.match(thinking.signature, /^og1\./, "OpenAI's state travels sealed");
    assert.equal(seen[0]!["store"], false);
    assert.deepEqual(seen[0]!["include"], ["reasoning.encrypted_content"]);
    await client.messages.create({
      model: "gpt",
      max_tokens: 4000,
      thinking: { type: "enabled", budget_tokens: 2048 },
      messages: [
        { role: "user", content: "Capital of France?" },
        { role: "assistant", content: first.content },
        { role: "user", content: "And Germany?" },
      ],
    });
    // OpenAI gets its own reasoning item back, as it made it.
    const items = seen[1]!["input"] as Record<string, unknown>[];
    const reasoning = items.find((i) => i["type"] === "reasoning");
    assert.equal(reasoning?.["encrypted_content"], "gAAAAB-openai-encrypted-reasoning");
    assert.equal(reasoning?.["id"], "rs_1");
    const [trace] = await h.tracesSettled(1);
    assert.equal(trace!.metadata["upstream_protocol"], "openai.responses");
    assert.equal(trace!.reasoning_tokens, 25);
  } finally {
    await h.close();
    await server.shutdown();
  }
});
