/** Regressions found by the issue-21 review of the translation wiring. */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";

function stub() {
  const seen: { path: string; headers: Headers; body: Record<string, unknown> }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const body = await req.json() as Record<string, unknown>;
    seen.push({ path: new URL(req.url).pathname, headers: req.headers, body });
    return Response.json({
      id: "msg_01",
      type: "message",
      role: "assistant",
      model: "claude-haiku-4-5",
      content: [{ type: "text", text: "ok" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 1, output_tokens: 1 },
    });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, seen, close: () => server.shutdown() };
}

Deno.test("translate (review): a body merely mentioning 'log1.' goes to its own protocol's target untouched (key, betas, cache_control)", async () => {
  const s = stub();
  const h = await startHarness({
    server: { host: "127.0.0.1" },
    providers: { anthropic: { upstream: s.url } },
    routes: { claude: { targets: [{ provider: "anthropic", model: "claude-haiku-4-5" }] } },
  });
  try {
    for (const text of ["read notes.txt", "read log1.txt"]) {
      const res = await h.request("/anthropic/v1/messages", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-api-key": "sk-ant-client-own-key",
          "anthropic-version": "2023-06-01",
          "anthropic-beta": "interleaved-thinking-2025-05-14",
        },
        body: JSON.stringify({
          model: "claude",
          max_tokens: 10,
          messages: [{
            role: "user",
            content: [{ type: "text", text, cache_control: { type: "ephemeral" } }],
          }],
          metadata: { user_id: "u1" },
          some_future_field: 1,
        }),
      });
      assert.equal(res.status, 200, await res.text());
    }
    // The client's request as it sent it: nothing decoded, nothing left out.
    const body = s.seen[1]!.body as { messages: { content: Record<string, unknown>[] }[] };
    assert.deepEqual(body.messages[0]!.content[0]!["cache_control"], { type: "ephemeral" });
    assert.equal(s.seen[1]!.body["some_future_field"], 1);
    assert.equal(s.seen[1]!.headers.get("x-api-key"), "sk-ant-client-own-key");
    assert.equal(s.seen[1]!.headers.get("anthropic-beta"), "interleaved-thinking-2025-05-14");
  } finally {
    await h.close();
    await s.close();
  }
});
