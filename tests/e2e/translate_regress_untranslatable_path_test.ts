/** Regressions found by the issue-21 review of the translation wiring. */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";

Deno.test("translate (review): a routed request no translation serves never reaches a target of another protocol", async () => {
  const seen: { path: string; headers: [string, string][]; body: string }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    seen.push({
      path: new URL(req.url).pathname,
      headers: [...req.headers],
      body: await req.text(),
    });
    return Response.json({ ok: true });
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  const h = await startHarness({
    server: { host: "127.0.0.1" },
    providers: {
      anthropic: { upstream: url, keys: [{ id: "a1", key: "sk-ant-api03-pool0123456789" }] },
    },
    routes: { claude: { targets: [{ provider: "anthropic", model: "claude-haiku-4-5" }] } },
  });
  try {
    for (const path of ["/v1/embeddings", "/v1/completions", "/v1/responses/input_tokens"]) {
      const res = await h.request(path, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "openai-organization": "org-secret",
          "openai-project": "proj_x",
        },
        body: JSON.stringify({ model: "claude", input: "hello", prompt: "p" }),
      });
      assert.equal(res.status, 400, path);
      const error = (await res.json() as { error: { code: string; message: string } }).error;
      assert.equal(error.code, "invalid_provider_path");
      assert.match(error.message, /cannot be translated/);
    }
    assert.equal(seen.length, 0);
  } finally {
    await h.close();
    await server.shutdown();
  }
});
