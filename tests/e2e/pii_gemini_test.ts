/**
 * PII on a Gemini stream end to end: `serve` as a subprocess with two `gemini` providers on one
 * loopback upstream (one under `redact_upstream`, one scoped to a `block` policy), and the
 * official `@google/genai` client streaming `generateContentStream`. The upstream writes an address
 * split across two chunks of text, in thinking text, and whole in a function call's `args`:
 * redacted, the client sees placeholders everywhere and the call once; blocked, the SDK raises.
 * The database file is searched afterwards for the address.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { GoogleGenAI } from "@google/genai";
import { pollTraces } from "../support/trace_poll.ts";
import { freePort, startServer } from "../support/process.ts";

const email = "maria.lopez@example.org";
const apiKey = "AIzaSyE2EPIIGEMINI0123456789abcdefWXYZ12";

const chunk = (parts: unknown[], final = false) =>
  `data: ${
    JSON.stringify({
      candidates: [{
        content: { parts, role: "model" },
        ...(final ? { finishReason: "STOP" } : {}),
        index: 0,
      }],
      usageMetadata: final
        ? {
          promptTokenCount: 12,
          candidatesTokenCount: 20,
          thoughtsTokenCount: 9,
          totalTokenCount: 41,
        }
        : { promptTokenCount: 12, totalTokenCount: 12 },
      modelVersion: "gemini-2.5-flash",
      responseId: "r-pii",
    })
  }\r\n\r\n`;

const stream = chunk([{ text: "The user wrote maria.lo", thought: true }]) +
  chunk([{ text: `pez@example.org, so I reply.`, thought: true }]) +
  chunk([{ text: "Write to maria.lo" }]) +
  chunk([
    { text: "pez@example.org today." },
    { functionCall: { name: "send_mail", args: { to: email, copies: 2 } } },
  ], true);

function startStub() {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.arrayBuffer();
    if (!new URL(req.url).pathname.endsWith(":streamGenerateContent")) {
      return new Response("unknown method", { status: 400 });
    }
    return new Response(stream, { headers: { "content-type": "text/event-stream" } });
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
    gemini: { kind: "gemini", upstream: "${upstream}" },
    strict: { kind: "gemini", upstream: "${upstream}" },
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

Deno.test("e2e: a Gemini stream under redact_upstream and block, with @google/genai", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-pii-gemini-" }));
  const stub = startStub();
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, stub.url));
  const server = await startServer([], { cwd: dir, port });
  try {
    const model = "gemini-2.5-flash";
    const contents = "Mail Maria";
    const ai = new GoogleGenAI({ apiKey, httpOptions: { baseUrl: `${server.origin}/gemini` } });
    let text = "";
    let thought = "";
    const calls: unknown[] = [];
    let usage: unknown = null;
    for await (const c of await ai.models.generateContentStream({ model, contents })) {
      for (const p of c.candidates?.[0]?.content?.parts ?? []) {
        if (p.thought === true) thought += p.text ?? "";
        else text += p.text ?? "";
      }
      calls.push(...(c.functionCalls ?? []));
      usage = c.usageMetadata ?? usage;
    }
    assert.match(text, /^Write to \S+ today\.$/);
    assert.match(thought, /^The user wrote \S+, so I reply\.$/);
    assert.ok(!text.includes(email) && !thought.includes(email), `${thought} | ${text}`);
    assert.equal(calls.length, 1, "the function call exactly once");
    const call = calls[0] as { name: string; args: { to: string; copies: number } };
    assert.equal(call.name, "send_mail");
    assert.notEqual(call.args.to, email);
    assert.equal(call.args.copies, 2);
    assert.deepEqual(usage, {
      promptTokenCount: 12,
      candidatesTokenCount: 20,
      thoughtsTokenCount: 9,
      totalTokenCount: 41,
    });

    // Under `block` the stream ends with Gemini's error object before the address: the SDK raises.
    const strict = new GoogleGenAI({ apiKey, httpOptions: { baseUrl: `${server.origin}/strict` } });
    let before = "";
    await assert.rejects(async () => {
      for await (const c of await strict.models.generateContentStream({ model, contents })) {
        before += JSON.stringify(c);
      }
      // The error object as its own read is an ApiError (403); coalesced with the chunk before
      // it, the SDK's "Incomplete JSON segment" (commit_gemini.ts `termination`): an error either way.
    }, (e: Error) => /PII|PERMISSION_DENIED|403|Incomplete JSON segment/.test(String(e)));
    assert.ok(!before.includes(email));

    const [blocked, redacted] = await pollTraces(server.origin, 2);
    assert.equal(blocked.error_code, "pii_blocked");
    assert.equal(redacted.error_code, null);
    assert.equal(redacted.usage_status, "exact");
    assert.equal(redacted.output_tokens, 29);
  } finally {
    await server.kill();
    await stub.close();
  }
  const db = await Deno.readFile(join(dir, "data", "ongoingai.db"));
  assert.ok(!new TextDecoder().decode(db).includes(email), "the address is in no stored file");
  await Deno.remove(dir, { recursive: true });
});
