/** Regressions found by the issue-21 review of the translation wiring. */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";

Deno.test("translate (review): 'log1.txt' in a Responses input leaves OpenAI's own previous_response_id alone", async () => {
  const seen: { path: string; body: Record<string, unknown>; auth: string | null }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const body = await req.json() as Record<string, unknown>;
    seen.push({ path: new URL(req.url).pathname, body, auth: req.headers.get("authorization") });
    return Response.json({
      id: "resp_upstream",
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
  const h = await startHarness({
    server: { host: "127.0.0.1" },
    providers: { openai: { upstream: `http://127.0.0.1:${server.addr.port}` } },
    routes: { gpt: { targets: [{ provider: "openai", model: "gpt-5.1" }] } },
  });
  try {
    for (const text of ["tail notes.txt", "tail log1.txt"]) {
      const res = await h.request("/v1/responses", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer sk-client-own" },
        body: JSON.stringify({
          model: "gpt",
          input: text,
          previous_response_id: "resp_upstream",
          tools: [{ type: "web_search" }],
        }),
      });
      assert.equal(res.status, 200, await res.text());
    }
    assert.equal(seen.length, 2);
    // OpenAI's own conversation id goes to OpenAI as it is.
    assert.equal(seen[1]!.body["previous_response_id"], "resp_upstream");
  } finally {
    await h.close();
    await server.shutdown();
  }
});
