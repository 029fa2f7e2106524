/** Regressions found by the issue-21 review of the translation wiring. */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";

Deno.test("translate (review): the response store across a failover between Anthropic and OpenAI, both ways", async () => {
  const seen: { path: string; body: Record<string, unknown> }[] = [];
  let anthropicDown = false;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const body = await req.json() as Record<string, unknown>;
    const path = new URL(req.url).pathname;
    seen.push({ path, body });
    if (path === "/v1/messages") {
      if (anthropicDown) {
        return Response.json({ type: "error", error: { type: "api_error", message: "boom" } }, {
          status: 500,
        });
      }
      return Response.json({
        id: "msg_01",
        type: "message",
        role: "assistant",
        model: "claude-haiku-4-5",
        content: [{ type: "text", text: "hello from claude" }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: { input_tokens: 1, output_tokens: 1 },
      });
    }
    const prev = body["previous_response_id"];
    if (typeof prev === "string" && prev.startsWith("resp_og_")) {
      return Response.json({
        error: {
          message: `Previous response with id '${prev}' not found.`,
          type: "invalid_request_error",
          param: "previous_response_id",
          code: "previous_response_not_found",
        },
      }, { status: 400 });
    }
    return Response.json({
      id: "resp_up",
      object: "response",
      status: "completed",
      model: "gpt-5.1",
      output: [{
        type: "message",
        id: "m1",
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text: "ok", annotations: [] }],
      }],
      usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 },
    });
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  const h = await startHarness({
    server: { host: "127.0.0.1" },
    providers: {
      openai: { upstream: url, keys: [{ id: "o1", key: "sk-pool-openai-0123456789" }] },
      anthropic: { upstream: url, keys: [{ id: "a1", key: "sk-ant-api03-pool0123456789" }] },
    },
    routes: {
      mix: {
        targets: [{ provider: "anthropic", model: "claude-haiku-4-5" }, {
          provider: "openai",
          model: "gpt-5.1",
        }],
      },
    },
  });
  try {
    const send = async (body: Record<string, unknown>) => {
      const res = await h.request("/v1/responses", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: JSON.parse(text) };
    };
    const t1 = await send({ model: "mix", input: "hi" });
    assert.equal(t1.status, 200);
    anthropicDown = true;
    const t2 = await send({ model: "mix", input: "again", previous_response_id: t1.json.id });
    // Anthropic fails, OpenAI continues the gateway's turn: the whole conversation, no id of ours.
    assert.equal(t2.status, 200, JSON.stringify(t2.json));
    const toOpenai = seen.filter((q) => q.path === "/v1/responses").at(-1)!;
    assert.equal(toOpenai.body["previous_response_id"] ?? null, null);
    assert.match(JSON.stringify(toOpenai.body["input"]), /hi[\s\S]*again/);
    // And the reverse: a conversation OpenAI stored, router starting with Anthropic (up).
    anthropicDown = false;
    const t3 = await send({ model: "mix", input: "x", previous_response_id: "resp_up" });
    assert.equal(t3.status, 200);
  } finally {
    await h.close();
    await server.shutdown();
  }
});
