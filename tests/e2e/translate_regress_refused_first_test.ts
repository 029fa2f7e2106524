/** Regressions found by the issue-21 review of the translation wiring. */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";

Deno.test("translate (review): a field one target's protocol cannot carry moves on to the next target", async () => {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    await req.text();
    seen.push(new URL(req.url).pathname);
    return Response.json({
      id: "c1",
      object: "chat.completion",
      created: 1,
      model: "gpt-4.1",
      choices: [{ index: 0, message: { role: "assistant", content: "a" }, finish_reason: "stop" }, {
        index: 1,
        message: { role: "assistant", content: "b" },
        finish_reason: "stop",
      }],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
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
          model: "gpt-4.1",
        }],
      },
    },
  });
  try {
    const res = await h.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "mix", n: 2, messages: [{ role: "user", content: "hi" }] }),
    });
    assert.equal(res.status, 200);
  } finally {
    await h.close();
    await server.shutdown();
  }
});
