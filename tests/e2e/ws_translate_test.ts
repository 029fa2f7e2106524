/**
 * A Responses WebSocket client (as Codex speaks it) naming a route whose target is Anthropic,
 * end to end: the real `serve`, a real WebSocket client on `/openai/v1/responses` (the socket's
 * upstream is the Responses WebSocket stub), and a loopback Anthropic Messages stub. The socket
 * cannot reach Anthropic, so each create goes through the gateway's HTTP path (ws_relay/bridge.ts),
 * translated, and its events come back as frames: a prewarm is answered without asking a model, a
 * turn streams, and the next create continuing it with `previous_response_id`, `store: false` and
 * only the new input sends Anthropic the whole conversation, as OpenAI's WebSocket mode keeps it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll, startServer } from "../support/process.ts";
import { startResponsesWsStub } from "../support/responses_ws_stub.ts";
import { connectWs } from "../support/ws_gateway.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const fixtures = new URL("../testdata/translate/streams/anthropic.messages/", import.meta.url);

function startAnthropicStub() {
  const seen: Json[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    seen.push({ key: req.headers.get("x-api-key"), body: await req.json() });
    const sse = await Deno.readFile(new URL("stop_sequence.sse", fixtures));
    return new Response(sse, { headers: { "content-type": "text/event-stream" } });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, seen, close: () => server.shutdown() };
}

const create = (body: Json) => JSON.stringify({ type: "response.create", store: false, ...body });

Deno.test("ws translate e2e: creates naming an Anthropic route are bridged, translated and continued", async () => {
  const wsStub = await startResponsesWsStub();
  const claude = startAnthropicStub();
  const cwd = await Deno.makeTempDir({ prefix: "ongoingai-ws-translate-" });
  const port = freePort();
  await Deno.writeTextFile(
    join(cwd, "ongoingai.yaml"),
    `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 3000 }
storage: { path: ./data/gw.db }
providers:
  openai: { upstream: "${wsStub.url}" }
  anthropic:
    upstream: "${claude.url}"
    keys: [{ id: a1, key: sk-ant-api03-WSBRIDGEPOOLKEY0123456789abcdefghij }]
routes:
  claude: { targets: [{ provider: anthropic, model: claude-haiku-4-5 }] }
tracing: { flush_interval_ms: 10 }
`,
  );
  const server = await startServer([], { cwd, port });
  try {
    const c = await connectWs(`${server.origin.replace("http:", "ws:")}/openai/v1/responses`, {
      authorization: "Bearer sk-proj-ws-translate-0000000000000000",
    });
    // 1. The prewarm: an empty response at once, nothing sent anywhere.
    c.socket.send(create({ model: "claude", input: [], generate: false }));
    const prewarm = [...await c.untilTerminal(1)];
    assert.equal(JSON.parse(prewarm.at(-1)!).type, "response.completed");
    assert.equal(claude.seen.length, 0);
    // 2. The turn, translated to Anthropic and streamed back frame by frame.
    const user = {
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: "Count." }],
    };
    c.socket.send(create({ model: "claude", input: [user] }));
    const turn = (await c.untilTerminal(2)).slice(prewarm.length).map((f) => JSON.parse(f));
    const text = turn.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta);
    assert.equal(text.join(""), "1, 2, 3, ünïcödé 🙂");
    const done = turn.at(-1)!;
    assert.equal(done.type, "response.completed");
    assert.equal(done.response.usage.input_tokens, 9);
    assert.match(done.response.id, /^resp_og_/);
    // 3. The next turn names it, with only its new input: Anthropic gets the whole conversation.
    const next = {
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: "Again." }],
    };
    c.socket.send(
      create({ model: "claude", input: [next], previous_response_id: done.response.id }),
    );
    await c.untilTerminal(3);
    const roles = claude.seen[1]!.body.messages.map((m: Json) => m.role);
    assert.deepEqual(roles, ["user", "assistant", "user"]);
    assert.equal(claude.seen[1]!.key, "sk-ant-api03-WSBRIDGEPOOLKEY0123456789abcdefghij");
    assert.equal(wsStub.frames.length, 0, "nothing went up the socket's own upstream");
    c.socket.close(1000);
    await c.closed;
    const traces = await poll("2 traces", async () => {
      const page = await (await fetch(`${server.origin}/api/traces?limit=10`)).json() as Json;
      return page.items.length >= 2 ? page.items as Json[] : undefined;
    });
    assert.deepEqual(traces.map((t) => [t.provider, t.model, t.route]), [
      ["anthropic", "claude-haiku-4-5", "claude"],
      ["anthropic", "claude-haiku-4-5", "claude"],
    ]);
  } finally {
    await server.stop();
    await wsStub.close();
    await claude.close();
    await Deno.remove(cwd, { recursive: true });
  }
});
