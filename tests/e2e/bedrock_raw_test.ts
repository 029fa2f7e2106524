/**
 * A Bedrock event stream with one corrupt message, through `src/main.ts serve` as a subprocess
 * and a loopback Bedrock Runtime (tests/support/bedrock_stub.ts, model id holding `crc`): the
 * `contentBlockStop` message's CRC is wrong. The rule: "a bad CRC is counted and the
 * bytes still reach the client unchanged". A raw HTTP client (an SDK would refuse the stream at
 * the bad CRC) gets every byte the upstream sent, in order, unchanged; the trace still has the
 * exact usage of the `metadata` event that follows, and its metadata says one frame was corrupt
 * (`usage_frame_errors`, also counted in `usage_parse_errors`).
 *
 * The same gateway serves an InvokeModel of a Meta Llama model, whose body is Llama's own: its usage
 * comes from Bedrock's token-count headers, priced by the config.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, startServer } from "../support/process.ts";
import {
  answerText,
  converseUsage,
  corruptConverseStreamReads,
  startBedrockStub,
} from "../support/bedrock_stub.ts";

const apiKey = "ABSKQmVkcm9ja0FQSUtleS1jcmMtdGVzdC0wMTIzNDU2Nzg5YWJjZGVmZ2hpams=";
const model = "us.anthropic.claude-sonnet-4-5-crc-20250929-v1:0";

const config = (port: number, upstream: string) =>
  `import { defineConfig } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { path: "./data/ongoingai.db" },
  providers: {
    bedrock: {
      kind: "bedrock",
      upstream: "${upstream}",
      // No built-in price for Llama: the config's, per 1M tokens.
      prices: { "llama3-3-70b-instruct": { input: 0.72, output: 0.72 } },
    },
  },
  tracing: { flush_interval_ms: 10 },
});
`;

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// deno-lint-ignore no-explicit-any
async function traceOf(origin: string, correlationId: string | null): Promise<any> {
  assert.ok(correlationId !== null, "the gateway names the exchange");
  for (let attempt = 0; attempt < 300; attempt++) {
    const page = await (await fetch(`${origin}/api/traces?limit=50`)).json();
    // deno-lint-ignore no-explicit-any
    const t = page.items.find((t: any) => t.correlation_id === correlationId);
    if (t !== undefined) return await (await fetch(`${origin}/api/traces/${t.id}`)).json();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the trace did not appear");
}

Deno.test("e2e bedrock, raw HTTP: a bad CRC is relayed unchanged and counted; Llama invoke usage from headers", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-bedrock-crc-" }));
  const stub = startBedrockStub();
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, stub.url));
  const server = await startServer([], { cwd: dir, port });
  try {
    const res = await fetch(
      `${server.origin}/bedrock/model/${encodeURIComponent(model)}/converse-stream`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${apiKey}`,
          "content-type": "application/json",
          accept: "application/vnd.amazon.eventstream",
        },
        body: JSON.stringify({ messages: [{ role: "user", content: [{ text: "Say hello." }] }] }),
      },
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/vnd.amazon.eventstream");
    const got = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual(got, concat(corruptConverseStreamReads()), "the bytes as the upstream sent");

    const t = await traceOf(server.origin, res.headers.get("x-ongoingai-correlation-id"));
    assert.equal(t.response_status, 200);
    assert.equal(t.error_code, null);
    assert.equal(t.streaming, true);
    assert.equal(t.response_bytes, got.byteLength);
    assert.equal(t.metadata.usage_frame_errors, 1, JSON.stringify(t.metadata));
    assert.equal(t.metadata.usage_parse_errors, 1, JSON.stringify(t.metadata));
    // The corrupt message held no usage: the `metadata` event after it is read as usual.
    const u = converseUsage;
    assert.equal(t.usage_status, "exact");
    assert.equal(t.input_tokens, u.inputTokens + u.cacheReadInputTokens + u.cacheWriteInputTokens);
    assert.equal(t.cached_input_tokens, u.cacheReadInputTokens);
    assert.equal(t.cache_write_tokens, u.cacheWriteInputTokens);
    assert.equal(t.output_tokens, u.outputTokens);

    // InvokeModel of another family: usage from the token-count headers.
    const llama = "us.meta.llama3-3-70b-instruct-v1:0";
    const invoked = await fetch(
      `${server.origin}/bedrock/model/${encodeURIComponent(llama)}/invoke`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ prompt: "Say hello.", max_gen_len: 64 }),
      },
    );
    assert.equal(invoked.status, 200);
    assert.equal((await invoked.json()).generation, answerText);
    assert.equal(invoked.headers.get("x-amzn-bedrock-input-token-count"), "24");
    const l = await traceOf(server.origin, invoked.headers.get("x-ongoingai-correlation-id"));
    assert.equal(l.model, llama);
    assert.equal(l.usage_status, "exact");
    assert.equal(l.input_tokens, 24);
    assert.equal(l.output_tokens, 3);
    assert.equal(l.total_tokens, 27);
    assert.equal(l.cost_status, "priced");
    assert.ok(Math.abs(l.estimated_cost_usd - (27 * 0.72) / 1e6) < 1e-12, l.estimated_cost_usd);
    assert.equal(l.metadata.usage_anomaly, undefined);

    const stopped = await server.stop("SIGTERM");
    assert.equal(stopped.code, 0, stopped.logs);
  } finally {
    await server.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
});
