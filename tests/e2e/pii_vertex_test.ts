/**
 * PII on Vertex streams end to end: one `vertex` kind speaks two wire formats (Claude's Messages
 * events under `publishers/anthropic`, Gemini's chunks under `publishers/google`), and both are
 * redacted in flight. `serve` as a subprocess with two `vertex` providers on one loopback upstream
 * (one under `redact_upstream`, one scoped to a `block` policy); the official clients,
 * `@anthropic-ai/vertex-sdk` and `@google/genai` in Vertex mode, stream answers whose address is
 * split across two events. Redacted, the clients see no address and exact usage; blocked, the
 * Anthropic SDK raises Anthropic's own error event (the path picks the wire format's error).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { AnthropicVertex } from "@anthropic-ai/vertex-sdk";
import { GoogleGenAI } from "@google/genai";
import { pollTraces } from "../support/trace_poll.ts";
import { freePort, startServer } from "../support/process.ts";

const email = "maria.lopez@example.org";
const project = "pii-proj";
const accessToken = "ya29.a0AfB_e2eVertexPiiToken0123456789abcdefWXYZ";
const authClient = {
  projectId: project,
  getRequestHeaders: () => Promise.resolve(new Headers({ authorization: `Bearer ${accessToken}` })),
} as never;

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const delta = (text: string) =>
  sse("content_block_delta", {
    type: "content_block_delta",
    index: 0,
    delta: { type: "text_delta", text },
  });

const claudeStream = sse("message_start", {
  type: "message_start",
  message: {
    id: "msg_vrtx_pii",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5-20250929",
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 14, output_tokens: 1 },
  },
}) +
  sse("content_block_start", {
    type: "content_block_start",
    index: 0,
    content_block: { type: "text", text: "" },
  }) +
  delta("Write to maria.lo") + delta("pez@example.org today.") +
  sse("content_block_stop", { type: "content_block_stop", index: 0 }) +
  sse("message_delta", {
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: { output_tokens: 11 },
  }) +
  sse("message_stop", { type: "message_stop" });

const geminiChunk = (text: string, final: boolean) =>
  `data: ${
    JSON.stringify({
      candidates: [{
        content: { parts: [{ text }], role: "model" },
        ...(final ? { finishReason: "STOP" } : {}),
        index: 0,
      }],
      usageMetadata: final
        ? { promptTokenCount: 9, candidatesTokenCount: 7, totalTokenCount: 16 }
        : { promptTokenCount: 9, totalTokenCount: 9 },
      modelVersion: "gemini-2.5-flash",
    })
  }\r\n\r\n`;
const geminiStream = geminiChunk("Write to maria.lo", false) +
  geminiChunk("pez@example.org today.", true);

function startStub() {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.arrayBuffer();
    const path = new URL(req.url).pathname;
    const headers = { "content-type": "text/event-stream" };
    if (path.endsWith(":streamRawPredict")) return new Response(claudeStream, { headers });
    if (path.endsWith(":streamGenerateContent")) return new Response(geminiStream, { headers });
    return new Response("unknown method", { status: 400 });
  });
  const addr = server.addr as Deno.NetAddr;
  return { url: `http://127.0.0.1:${addr.port}`, close: () => server.shutdown() };
}

const config = (port: number, upstream: string) =>
  `import { defineConfig } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { path: "./data/ongoingai.db" },
  providers: {
    vertex: { kind: "vertex", upstream: "${upstream}" },
    strict: { kind: "vertex", upstream: "${upstream}" },
  },
  tracing: { capture_bodies: true, flush_interval_ms: 10 },
  pii: {
    mode: "redact_upstream",
    replacement: { hash_salt: "e2e-salt-0123456789abcdef" },
    policies: [{ policy_id: "block/v1", mode: "block" }],
    scopes: [{ match: { provider: "strict" }, policy_id: "block/v1" }],
  },
});
`;

const claude = (origin: string, prefix: string) =>
  new AnthropicVertex({
    baseURL: `${origin}/${prefix}/v1`,
    region: "us-east5",
    projectId: project,
    authClient,
    maxRetries: 0,
  });

Deno.test("e2e: Claude and Gemini streams on Vertex under redact_upstream and block", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-pii-vertex-" }));
  const stub = startStub();
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, stub.url));
  const server = await startServer([], { cwd: dir, port });
  try {
    const params = {
      model: "claude-sonnet-4-5@20250929",
      max_tokens: 64,
      messages: [{ role: "user" as const, content: "Mail Maria" }],
    };
    const stream = claude(server.origin, "vertex").messages.stream(params);
    let text = "";
    for await (const e of stream) {
      if (e.type === "content_block_delta" && e.delta.type === "text_delta") text += e.delta.text;
    }
    const final = await stream.finalMessage();
    assert.match(text, /^Write to \S+ today\.$/);
    assert.ok(!text.includes(email), text);
    assert.deepEqual([final.usage.input_tokens, final.usage.output_tokens], [14, 11]);

    const ai = new GoogleGenAI({
      vertexai: true,
      project,
      location: "global",
      googleAuthOptions: { authClient },
      httpOptions: { baseUrl: `${server.origin}/vertex` },
    });
    let geminiText = "";
    const chunks = await ai.models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: "Mail Maria",
    });
    for await (const c of chunks) geminiText += c.text ?? "";
    assert.match(geminiText, /^Write to \S+ today\.$/);
    assert.ok(!geminiText.includes(email), geminiText);

    // Blocked: Anthropic's `event: error` (permission_error), which the Anthropic SDK raises.
    const blocked = claude(server.origin, "strict").messages.stream(params);
    let before = "";
    await assert.rejects(async () => {
      for await (const e of blocked) before += JSON.stringify(e);
    }, (e: Error) => /permission_error|PII|pii/i.test(String(e)));
    assert.ok(!before.includes(email));

    const [strictTrace, geminiTrace, claudeTrace] = await pollTraces(server.origin, 3);
    assert.equal(strictTrace.error_code, "pii_blocked");
    for (const [t, input, output] of [[claudeTrace, 14, 11], [geminiTrace, 9, 7]]) {
      assert.equal(t.error_code, null);
      assert.equal(t.usage_status, "exact");
      assert.deepEqual([t.input_tokens, t.output_tokens], [input, output]);
    }
  } finally {
    await server.kill();
    await stub.close();
  }
  const db = await Deno.readFile(join(dir, "data", "ongoingai.db"));
  assert.ok(!new TextDecoder().decode(db).includes(email), "the address is in no stored file");
  await Deno.remove(dir, { recursive: true });
});
