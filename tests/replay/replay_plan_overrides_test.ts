/**
 * The replay planner's overrides (api/replay_plan.ts): model, route, set, provider, the root
 * `/v1` entry, a WebSocket create sent over HTTP and the stored query, each leaving every other
 * byte as stored. Real provider adapters, so path-model kinds (Gemini, Bedrock, Azure
 * deployments) are placed as the proxy places them.
 */
import assert from "node:assert/strict";
import { planReplay, providerOfPath } from "../../src/api/replay_plan.ts";
import type { ReplayContext } from "../../src/api/replay_plan.ts";
import type { Trace } from "../../src/traces/mod.ts";
import { chatBody, ctx, providers, refusal, stored, text } from "./replay_plan_fixture.ts";

Deno.test("replay plan: a model override changes only the model, wherever the kind keeps it", () => {
  const gem =
    '{"contents":[{"parts":[{"text":"hi"}]}],  "generationConfig":{"seed":12345678901234567890}}';
  const converse = '{"messages":[{"role":"user","content":[{"text":"hi"}]}]}';
  const cases: {
    name: string;
    trace: Partial<Trace>;
    model: string;
    url: string;
    body: string;
  }[] = [
    {
      name: "OpenAI body model",
      trace: {},
      model: "gpt-4.1",
      url: "/openai/v1/chat/completions",
      body: chatBody.replace('"gpt-4o-mini"', '"gpt-4.1"'),
    },
    {
      name: "Anthropic body model",
      trace: {
        provider: "anthropic",
        request_path: "/anthropic/v1/messages",
        request_body: '{"max_tokens": 10 ,"model":"claude-3-5-haiku","messages":[]}',
      },
      model: "claude-sonnet-4",
      url: "/anthropic/v1/messages",
      body: '{"max_tokens": 10 ,"model":"claude-sonnet-4","messages":[]}',
    },
    {
      name: "a body without a model gets one",
      trace: { request_body: '{"messages":[] }' },
      model: "gpt-4.1",
      url: "/openai/v1/chat/completions",
      body: "", // checked by parse below
    },
    {
      name: "Gemini path model",
      trace: {
        provider: "gemini",
        request_path: "/gemini/v1beta/models/gemini-2.0-flash:generateContent",
        request_body: gem,
      },
      model: "gemini-2.5-pro",
      url: "/gemini/v1beta/models/gemini-2.5-pro:generateContent",
      body: gem,
    },
    {
      name: "Bedrock path model",
      trace: {
        provider: "bedrock",
        request_path: "/bedrock/model/anthropic.claude-3-haiku-20240307-v1:0/converse",
        request_body: converse,
      },
      model: "amazon.nova-pro-v1:0",
      // The adapter escapes the model id as Bedrock's own clients do.
      url: "/bedrock/model/amazon.nova-pro-v1%3A0/converse",
      body: converse,
    },
    {
      name: "Azure deployment path",
      trace: {
        provider: "azure",
        request_path: "/azure/openai/deployments/gpt4o-prod/chat/completions",
        request_body: '{"messages":[]}',
      },
      model: "gpt41-prod",
      url: "/azure/openai/deployments/gpt41-prod/chat/completions",
      body: '{"messages":[]}',
    },
  ];
  for (const c of cases) {
    const trace = stored(c.trace);
    const plan = planReplay(trace, { model: c.model }, ctx);
    assert.equal(plan.url, c.url, c.name);
    assert.deepEqual(plan.changed, ["model"], c.name);
    if (c.body === "") {
      assert.equal(JSON.parse(text(plan.body)!).model, c.model, c.name);
    } else {
      assert.equal(text(plan.body), c.body, c.name);
    }
  }
});

Deno.test("replay plan: a route override names the route as the model; with model it is a 400", () => {
  const plan = planReplay(stored(), { route: "fast" }, ctx);
  assert.equal(text(plan.body), chatBody.replace('"gpt-4o-mini"', '"fast"'));
  assert.deepEqual(plan.changed, ["route"]);
  const both = refusal(stored(), { route: "fast", model: "gpt-4.1" });
  assert.equal(both.code, "bad_request");
  assert.match(both.message, /model or route, not both/);
  const unknown = refusal(stored(), { route: "slow" });
  assert.equal(unknown.code, "bad_request");
  assert.match(unknown.message, /route slow is not configured/);
});

Deno.test("replay plan: set replaces and adds members, every other byte as stored", () => {
  const plan = planReplay(
    stored(),
    { set: { temperature: 0, max_tokens: 64, stop: ["\n"], model: "gpt-4.1" } },
    ctx,
  );
  const body = text(plan.body)!;
  assert.deepEqual(plan.changed, ["set.temperature", "set.max_tokens", "set.stop", "set.model"]);
  assert.ok(body.startsWith('{"seed": 12345678901234567890,  "model" : "gpt-4.1",'), body);
  assert.ok(body.includes('"content":"hi \\u00e9 \\"q\\""'), body);
  const parsed = JSON.parse(body);
  assert.equal(parsed.temperature, 0);
  assert.equal(parsed.max_tokens, 64);
  assert.deepEqual(parsed.stop, ["\n"]);
  const both = planReplay(stored(), { model: "gpt-4.1", set: { temperature: 1 } }, ctx);
  assert.deepEqual(both.changed, ["model", "set.temperature"]);
});

Deno.test("replay plan: a provider of the same wire format changes the path prefix", () => {
  const cases: { trace: Partial<Trace>; to: string; url: string; c?: ReplayContext }[] = [
    { trace: {}, to: "groq", url: "/groq/v1/chat/completions" },
    {
      trace: { provider: "groq", request_path: "/groq/v1/chat/completions" },
      to: "openai",
      url: "/openai/v1/chat/completions",
    },
    // The root entry of routes speaks OpenAI's format.
    {
      trace: { provider: "openai", request_path: "/v1/chat/completions" },
      to: "groq",
      url: "/groq/v1/chat/completions",
    },
  ];
  for (const c of cases) {
    const plan = planReplay(stored(c.trace), { provider: c.to }, ctx);
    assert.equal(plan.url, c.url, c.to);
    assert.equal(text(plan.body), chatBody, c.to);
    assert.deepEqual(plan.changed, ["provider"], c.to);
  }
  // Azure OpenAI shares OpenAI's bodies, not its paths (deployments, api-version): refused.
  for (
    const [trace, to] of [
      [{}, "azure"],
      [
        { provider: "azure", request_path: "/azure/openai/deployments/d/chat/completions" },
        "openai",
      ],
    ] as const
  ) {
    assert.throws(
      () => planReplay(stored(trace), { provider: to }, ctx),
      /does not take the paths/,
    );
  }
  const forked = planReplay(stored(), { provider: "groq", model: "llama-3.3-70b" }, ctx);
  assert.deepEqual(forked.changed, ["provider", "model"]);
  assert.equal(JSON.parse(text(forked.body)!).model, "llama-3.3-70b");
});

Deno.test("replay plan: the longest prefix wins; a prefix is a whole segment", () => {
  assert.equal(providerOfPath(providers, "/openai/eu/v1/chat/completions")?.id, "openai-eu");
  assert.equal(providerOfPath(providers, "/openai/v1/chat/completions")?.id, "openai");
  assert.equal(providerOfPath(providers, "/openai")?.id, "openai");
  assert.equal(providerOfPath(providers, "/openaix/v1/chat/completions"), null);
  assert.equal(providerOfPath(providers, "/v1/chat/completions"), null);
  const eu = planReplay(stored({ request_path: "/openai/eu/v1/chat/completions" }), {}, ctx);
  assert.equal(eu.url, "/openai/eu/v1/chat/completions");
});

Deno.test("replay plan: the root /v1 entry of routes replays to the root path", () => {
  const trace = stored({ request_path: "/v1/chat/completions", route: "fast" });
  const plan = planReplay(trace, {}, ctx);
  assert.equal(plan.url, "/v1/chat/completions");
  assert.equal(text(plan.body), chatBody);
  assert.equal(plan.answerProtocol, "openai.chat");
  const routed = planReplay(trace, { route: "smart" }, ctx);
  assert.equal(routed.url, "/v1/chat/completions");
  assert.equal(JSON.parse(text(routed.body)!.replace(/12345678901234567890/, "0")).model, "smart");
  // Without a configured provider for the root, the default key header is a bearer token.
  assert.deepEqual(plan.keyHeader("sk-1"), ["authorization", "Bearer sk-1"]);
});

Deno.test("replay plan: a WebSocket response.create is sent over HTTP as a stream", () => {
  const frame = '{"type":"response.create","model":"gpt-5","input":"hi","stream":false}';
  const trace = stored({
    request_method: "GET",
    request_path: "/openai/v1/responses",
    request_body: frame,
    request_bytes: frame.length,
    metadata: { transport: "websocket" },
  });
  const plan = planReplay(trace, {}, ctx);
  assert.equal(plan.method, "POST");
  assert.equal(plan.url, "/openai/v1/responses");
  assert.deepEqual(JSON.parse(text(plan.body)!), { model: "gpt-5", input: "hi", stream: true });
  assert.deepEqual(plan.notes, ["websocket_create_sent_over_http"]);
  assert.ok(plan.headers.some(([n, v]) => n === "content-type" && v === "application/json"));
  assert.equal(plan.answerProtocol, "openai.responses");
  const forked = planReplay(trace, { model: "gpt-5-mini" }, ctx);
  assert.equal(JSON.parse(text(forked.body)!).model, "gpt-5-mini");
});

Deno.test("replay plan: the stored query is appended; a dropped one is a note", () => {
  const cases: { metadata: Record<string, unknown>; url: string; notes: string[] }[] = [
    { metadata: {}, url: "/gemini/v1beta/models/m:streamGenerateContent", notes: [] },
    {
      metadata: { request_query: "alt=sse" },
      url: "/gemini/v1beta/models/m:streamGenerateContent?alt=sse",
      notes: [],
    },
    {
      metadata: { request_query: "alt=sse", request_query_dropped: 1 },
      url: "/gemini/v1beta/models/m:streamGenerateContent?alt=sse",
      notes: ["query_parameters_not_stored"],
    },
    {
      metadata: { request_query_dropped: 2 },
      url: "/gemini/v1beta/models/m:streamGenerateContent",
      notes: ["query_parameters_not_stored"],
    },
  ];
  for (const c of cases) {
    const trace = stored({
      provider: "gemini",
      request_path: "/gemini/v1beta/models/m:streamGenerateContent",
      request_body: '{"contents":[]}',
      metadata: c.metadata,
    });
    const plan = planReplay(trace, {}, ctx);
    assert.equal(plan.url, c.url);
    assert.deepEqual(plan.notes, c.notes);
    // A model override keeps the query after the new path.
    const forked = planReplay(trace, { model: "gemini-2.5-pro" }, ctx);
    assert.equal(forked.url, c.url.replace("/m:", "/gemini-2.5-pro:"));
  }
});
