/** Regressions found by the issue-21 review of the translation wiring. */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";

const fixtures = new URL("file:///work/main/tests/testdata/translate/streams/anthropic.messages/");

Deno.test("translate (review): a Chat client that did not ask for usage gets no usage chunk from a translated stream", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    await req.text();
    const sse = await Deno.readFile(new URL("stop_sequence.sse", fixtures));
    return new Response(sse, { headers: { "content-type": "text/event-stream" } });
  });
  const h = await startHarness({
    server: { host: "127.0.0.1" },
    providers: {
      anthropic: {
        upstream: `http://127.0.0.1:${server.addr.port}`,
        keys: [{ id: "a1", key: "sk-ant-api03-pool0123456789" }],
      },
    },
    routes: { claude: { targets: [{ provider: "anthropic", model: "claude-haiku-4-5" }] } },
  });
  try {
    const res = await h.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "claude",
        stream: true,
        messages: [{ role: "user", content: "Count." }],
      }),
    });
    const text = await res.text();
    const usageLines = text.split("\n").filter((l) =>
      l.includes('"usage"') && !l.includes('"usage":null')
    );
    assert.equal(usageLines.length, 0);
  } finally {
    await h.close();
    await server.shutdown();
  }
});
