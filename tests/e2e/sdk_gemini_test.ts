/**
 * End to end for the `gemini` kind: `src/main.ts serve` as a subprocess, a loopback upstream that
 * answers with the recorded Gemini shapes (tests/testdata/gemini/), and the official
 * `@google/genai` client pointed at the gateway's prefix (`httpOptions.baseUrl`). generateContent
 * and generateContentStream report the same exact usage (cached and thought tokens included) and
 * the same cost, computed here from the price page's figures; countTokens is traced unbilled; a
 * raw JSON error written into a 200 stream raises in the SDK; the `?key=` credential is
 * fingerprinted and stored nowhere.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { GoogleGenAI } from "@google/genai";
import { freePort, type ServerProcess, startServer } from "../support/process.ts";

const apiKey = "AIzaSyE2EGEMINIKEY0123456789abcdefWXYZ12";
const fixtures = new URL("../testdata/gemini/", import.meta.url);
const read = (name: string) => Deno.readFile(new URL(name, fixtures));

interface SeenRequest {
  method: string;
  path: string;
  search: string;
  key: string | null;
}

/** A loopback Gemini API: the recorded answers by method, the mid-stream error for model `-err`. */
async function startGeminiStub() {
  const document = await read("generate_content_tool_use_prompt.json");
  const stream = await read("stream_tool_use_prompt.sse");
  const broken = await read("stream_error_pretty.sse");
  const seen: SeenRequest[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    await req.arrayBuffer();
    seen.push({
      method: req.method,
      path: url.pathname,
      search: url.search,
      key: req.headers.get("x-goog-api-key") ?? url.searchParams.get("key"),
    });
    const sse = { "content-type": "text/event-stream" };
    const json = { "content-type": "application/json; charset=UTF-8" };
    const m = /^\/v1(?:beta)?\/models\/([^:]+):(\w+)$/.exec(url.pathname);
    if (m === null) return new Response("not found", { status: 404 });
    const [, model, method] = m;
    if (method === "countTokens") {
      return new Response(JSON.stringify({ totalTokens: 31 }), { headers: json });
    }
    if (method === "generateContent") return new Response(document, { headers: json });
    if (method === "streamGenerateContent") {
      return new Response(model!.endsWith("-err") ? broken : stream, { headers: sse });
    }
    return new Response("unknown method", { status: 400 });
  });
  const addr = server.addr as Deno.NetAddr;
  return { url: `http://127.0.0.1:${addr.port}`, seen, close: () => server.shutdown() };
}

const config = (port: number, upstream: string) =>
  `import { defineConfig } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { path: "./data/ongoingai.db" },
  providers: {
    gemini: { kind: "gemini", upstream: "${upstream}" },
  },
  tracing: { flush_interval_ms: 10, capture_bodies: true },
});
`;

// deno-lint-ignore no-explicit-any
async function allTraces(origin: string, n: number): Promise<any[]> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const page = await (await fetch(`${origin}/api/traces?limit=200`)).json();
    if (page.items.length >= n) return [...page.items].reverse();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`fewer than ${n} traces appeared`);
}

Deno.test("e2e: @google/genai through the gateway's gemini provider, exact usage and cost", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-gemini-" }));
  const stub = await startGeminiStub();
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, stub.url));
  let server: ServerProcess | null = null;
  try {
    server = await startServer([], { cwd: dir, port });
    const ai = new GoogleGenAI({ apiKey, httpOptions: { baseUrl: `${server.origin}/gemini` } });
    const model = "gemini-2.5-flash";
    const contents = "What is the answer?";

    const whole = await ai.models.generateContent({ model, contents });
    assert.equal(whole.text, 'The answer is "finishReason": 42.');

    let streamed = "";
    for await (const chunk of await ai.models.generateContentStream({ model, contents })) {
      streamed += chunk.text ?? "";
    }
    assert.equal(streamed, whole.text);

    const counted = await ai.models.countTokens({ model, contents });
    assert.equal(counted.totalTokens, 31);

    // A raw JSON error object written into the 200 stream, outside SSE framing.
    await assert.rejects(async () => {
      for await (
        const _ of await ai.models.generateContentStream({ model: `${model}-err`, contents })
      ) {
        // The first chunks are text; the error object after them raises.
      }
    }, (e: Error) => /429|RESOURCE_EXHAUSTED|Resource exhausted|Incomplete JSON/.test(String(e)));

    // The upstream got the client's key in x-goog-api-key and the SDK's paths.
    assert.equal(stub.seen.length, 4);
    assert.ok(stub.seen.every((s) => s.key === apiKey), JSON.stringify(stub.seen));
    assert.match(stub.seen[1]!.search, /alt=sse/);

    const traces = await allTraces(server.origin, 4);
    assert.equal(traces.length, 4);
    const [doc, sse, count, broken] = traces;
    // usageMetadata: prompt 1844 + tool-use prompt 1934 in, 901 of them cached; candidates 432
    // + thoughts 91 out (gemini_usage.ts). gemini-2.5-flash: 0.30 in, 0.03 cached, 2.50 out.
    const input = 1844 + 1934, cached = 901, output = 432 + 91;
    const cost = ((input - cached) * 0.3 + cached * 0.03 + output * 2.5) / 1e6;
    for (const [t, streaming] of [[doc, false], [sse, true]] as const) {
      const where = `${t.request_path} streaming=${streaming}`;
      assert.equal(t.provider, "gemini", where);
      assert.equal(t.streaming, streaming, where);
      assert.equal(t.response_status, 200, where);
      assert.equal(t.usage_status, "exact", where);
      assert.equal(t.model, model, where);
      assert.equal(t.input_tokens, input, where);
      assert.equal(t.cached_input_tokens, cached, where);
      assert.equal(t.cache_write_tokens, 0, where);
      assert.equal(t.output_tokens, output, where);
      assert.equal(t.reasoning_tokens, 91, where);
      assert.equal(t.total_tokens, 4301, where);
      assert.equal(t.cost_status, "priced", where);
      assert.ok(Math.abs(t.estimated_cost_usd - cost) < 1e-12, `${where}: ${t.estimated_cost_usd}`);
      assert.equal(t.api_key_last4, apiKey.slice(-4), where);
      assert.equal(typeof t.api_key_hash, "string", where);
    }
    assert.equal(doc.estimated_cost_usd, sse.estimated_cost_usd);
    assert.match(count.request_path, /:countTokens$/);
    assert.equal(count.usage_status, "none");
    assert.equal(count.input_tokens, null);
    assert.equal(count.estimated_cost_usd, null);
    // The cut stream's running count is no usage.
    assert.equal(broken.usage_status, "unknown");
    assert.equal(broken.input_tokens, null);
    assert.equal(broken.usage_status, "unknown");

    // A client that sends its key as `?key=` (older clients): fingerprinted like the header.
    const byQuery = await fetch(
      `${server.origin}/gemini/v1beta/models/${model}:countTokens?key=${apiKey}`,
      { method: "POST", headers: { "content-type": "application/json" }, body: "{}" },
    );
    assert.equal(byQuery.status, 200);
    await byQuery.body?.cancel();
    const all = await allTraces(server.origin, 5);
    const q = all[4]!;
    assert.equal(q.request_path, `/gemini/v1beta/models/${model}:countTokens`);
    assert.equal(JSON.stringify(q).includes(apiKey), false);
    // The same key by header or query: one fingerprint.
    assert.equal(q.api_key_hash, doc.api_key_hash);
    assert.equal(q.api_key_last4, apiKey.slice(-4));

    const stopped = await server.stop("SIGTERM");
    assert.equal(stopped.code, 0, stopped.logs);
    assert.equal(stopped.logs.includes(apiKey), false);
    for await (const entry of Deno.readDir(join(dir, "data"))) {
      const bytes = new TextDecoder("latin1").decode(
        await Deno.readFile(join(dir, "data", entry.name)),
      );
      assert.equal(bytes.includes(apiKey.slice(0, -4)), false, `${entry.name} holds the key`);
    }
    server = null;
  } finally {
    await server?.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
});
