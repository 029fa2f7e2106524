/**
 * Presets against a loopback stub that answers in each vendor's own usage shape (as their docs
 * and the issues cited in docs/providers-presets.md show them), through the whole gateway: the
 * trace gets exact tokens and the cost computed here from the vendor's price list.
 * - Mistral streams without `stream_options` and puts usage on its finishing chunk;
 * - xAI puts usage on the finishing chunk, sends an empty chunk after it, and counts reasoning
 *   beside `completion_tokens`;
 * - DeepSeek reports cache reads as `prompt_cache_hit_tokens`.
 */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";

type Json = Record<string, unknown>;

const sse = (chunks: unknown[]) =>
  chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + "data: [DONE]\n\n";

const chunk = (model: string, choices: unknown[], extra: Json = {}) => ({
  id: "cmpl-1",
  object: "chat.completion.chunk",
  created: 1765000000,
  model,
  choices,
  ...extra,
});

const mistralStream = sse([
  chunk("mistral-small-2506", [{
    index: 0,
    delta: { role: "assistant", content: "" },
    finish_reason: null,
  }]),
  chunk("mistral-small-2506", [{ index: 0, delta: { content: "Bonjour" }, finish_reason: null }]),
  chunk("mistral-small-2506", [{ index: 0, delta: { content: "" }, finish_reason: "stop" }], {
    usage: { prompt_tokens: 7, total_tokens: 17, completion_tokens: 10 },
  }),
]);

const xaiStream = sse([
  chunk("grok-4-1-fast-reasoning", [{
    index: 0,
    delta: { role: "assistant", content: "42" },
    finish_reason: null,
  }]),
  chunk("grok-4-1-fast-reasoning", [{ index: 0, delta: {}, finish_reason: "stop" }], {
    usage: {
      prompt_tokens: 32,
      completion_tokens: 9,
      total_tokens: 135,
      prompt_tokens_details: {
        text_tokens: 32,
        audio_tokens: 0,
        image_tokens: 0,
        cached_tokens: 6,
      },
      completion_tokens_details: { reasoning_tokens: 94, audio_tokens: 0 },
    },
  }),
  chunk("grok-4-1-fast-reasoning", []),
]);

const deepseekDocument = {
  id: "c1",
  object: "chat.completion",
  created: 1765000000,
  model: "deepseek-chat",
  choices: [{
    index: 0,
    message: { role: "assistant", content: "hi" },
    logprobs: null,
    finish_reason: "stop",
  }],
  usage: {
    prompt_tokens: 1500,
    completion_tokens: 80,
    total_tokens: 1580,
    prompt_cache_hit_tokens: 1024,
    prompt_cache_miss_tokens: 476,
  },
  system_fingerprint: "fp_1",
};

interface VendorStub {
  url: string;
  bodies: string[];
  close(): Promise<void>;
}

/** Answers by the model asked for: a vendor-shaped stream or document. */
function startVendorStub(): Promise<VendorStub> {
  const bodies: string[] = [];
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) =>
        resolve({ url: `http://127.0.0.1:${port}`, bodies, close: () => server.shutdown() }),
    }, async (req) => {
      const body = await req.text();
      bodies.push(body);
      const model = (JSON.parse(body) as Json).model;
      const stream = (text: string) =>
        new Response(text, { headers: { "content-type": "text/event-stream" } });
      if (model === "mistral-small-2506") return stream(mistralStream);
      if (model === "grok-4-1-fast-reasoning") return stream(xaiStream);
      return Response.json(deepseekDocument);
    });
  });
}

const perM = (tokens: number, usd: number) => (tokens * usd) / 1e6;
const close = (a: number | null, b: number) =>
  assert.ok(a !== null && Math.abs(a - b) < 1e-12, `${a} != ${b}`);

const post = (body: Json): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", authorization: "Bearer vendor-key-0000wxyz" },
  body: JSON.stringify(body),
});

async function run(
  id: string,
  body: Json,
): Promise<{ text: string; sent: string; trace: Awaited<ReturnType<typeof traceOf>> }> {
  const vendor = await startVendorStub();
  const h = await startHarness({ providers: { [id]: { upstream: vendor.url } } });
  try {
    const res = await h.request(`/${id}/v1/chat/completions`, post(body));
    assert.equal(res.status, 200);
    const text = await res.text();
    return { text, sent: vendor.bodies.at(-1)!, trace: await traceOf(h) };
  } finally {
    await h.close();
    await vendor.close();
  }
}

async function traceOf(h: Awaited<ReturnType<typeof startHarness>>) {
  const [t] = await h.tracesSettled(1);
  return t!;
}

Deno.test("preset mistral, Mistral's stream: nothing added, usage from the finishing chunk, priced", async () => {
  const body = { model: "mistral-small-2506", stream: true, messages: [] };
  const { text, sent, trace: t } = await run("mistral", body);
  assert.equal(sent, JSON.stringify(body));
  assert.equal(text, mistralStream);
  assert.equal(t.usage_status, "exact");
  assert.deepEqual([t.input_tokens, t.output_tokens, t.cached_input_tokens], [7, 10, 0]);
  close(t.estimated_cost_usd, perM(7, 0.1) + perM(10, 0.3));
});

Deno.test("preset xai, xAI's stream: reasoning beside completion_tokens is billed as output", async () => {
  const body = { model: "grok-4-1-fast-reasoning", stream: true, messages: [] };
  const { sent, trace: t } = await run("xai", body);
  assert.deepEqual(JSON.parse(sent).stream_options, { include_usage: true });
  assert.equal(t.usage_status, "exact");
  assert.deepEqual(
    [t.input_tokens, t.output_tokens, t.cached_input_tokens, t.reasoning_tokens, t.total_tokens],
    [32, 103, 6, 94, 135],
  );
  // grok-4-1-fast: $0.20 input, $0.05 cached, $0.50 output (reasoning included).
  close(t.estimated_cost_usd, perM(26, 0.2) + perM(6, 0.05) + perM(103, 0.5));
});

Deno.test("preset deepseek, DeepSeek's document: cache hits priced as cached input", async () => {
  const { trace: t } = await run("deepseek", { model: "deepseek-chat", messages: [] });
  assert.equal(t.usage_status, "exact");
  assert.deepEqual([t.input_tokens, t.output_tokens, t.cached_input_tokens], [1500, 80, 1024]);
  close(t.estimated_cost_usd, perM(476, 0.28) + perM(1024, 0.028) + perM(80, 0.42));
});
