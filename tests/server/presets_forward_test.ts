/**
 * A preset provider through the whole gateway (config pipeline, OpenAI adapter, pricing) to a
 * loopback stub that speaks the OpenAI wire format: the preset's `stream_usage` decides whether
 * `stream_options` is added, its built-in prices price the trace (cost computed here from the
 * vendor's figures), and a self-hosted preset leaves cost unknown rather than zero. The stub
 * stands in for the vendor's host, so each test writes `upstream` (a written field wins).
 */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";
import { startUpstreamStub, stubUsage, type UpstreamStub } from "../support/upstream_stub.ts";

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: {
    "content-type": "application/json",
    authorization: "Bearer sk-preset-TESTKEY00000000000000wxyz",
  },
  body: JSON.stringify(body),
});

const perM = (tokens: number, usd: number) => (tokens * usd) / 1e6;
const close = (a: number | null, b: number) =>
  assert.ok(a !== null && Math.abs(a - b) < 1e-12, `${a} != ${b}`);

interface PresetRun {
  h: Awaited<ReturnType<typeof startHarness>>;
  /** The stub standing in for the vendor (the harness's own serves openai and anthropic). */
  vendor: UpstreamStub;
}

async function withStubPreset(id: string, fn: (run: PresetRun) => Promise<void>): Promise<void> {
  const vendor = await startUpstreamStub();
  const h = await startHarness({ providers: { [id]: { upstream: vendor.url } } });
  try {
    await fn({ h, vendor });
  } finally {
    await h.close();
    await vendor.close();
  }
}

Deno.test("preset deepseek: a stream without include_usage gets it upstream, hidden from the client, priced from DeepSeek's list", async () => {
  await withStubPreset("deepseek", async ({ h, vendor }) => {
    const body = { model: "deepseek-chat", stream: true, messages: [] };
    const res = await h.request("/deepseek/v1/chat/completions", json(body));
    assert.equal(res.status, 200);
    const got = await res.text();
    assert.ok(!got.includes('"usage":{'), "the usage-only chunk is hidden");
    const sent = vendor.requests.at(-1)!;
    assert.equal(sent.path, "/v1/chat/completions");
    assert.deepEqual(JSON.parse(sent.body).stream_options, { include_usage: true });
    const [t] = await h.tracesSettled(1);
    const u = stubUsage.chat;
    assert.equal(t!.provider, "deepseek");
    assert.equal(t!.usage_status, "exact");
    assert.deepEqual(
      [t!.input_tokens, t!.output_tokens, t!.cached_input_tokens, t!.reasoning_tokens],
      [u.prompt, u.completion, u.cached, u.reasoning],
    );
    assert.equal(t!.cost_status, "priced");
    // DeepSeek V3.2 list (2025-09-29 on): 0.28 miss, 0.028 hit, 0.42 output per 1M tokens.
    close(
      t!.estimated_cost_usd,
      perM(u.prompt - u.cached, 0.28) + perM(u.cached, 0.028) + perM(u.completion, 0.42),
    );
  });
});

Deno.test("preset mistral: stream_usage off, the request reaches upstream unchanged", async () => {
  await withStubPreset("mistral", async ({ h, vendor }) => {
    const body = { model: "mistral-small-2506", stream: true, messages: [] };
    await (await h.request("/mistral/v1/chat/completions", json(body))).text();
    assert.equal(vendor.requests.at(-1)!.body, JSON.stringify(body));
    const [t] = await h.tracesSettled(1);
    assert.equal(t!.provider, "mistral");
    // This stub (OpenAI's behaviour) reports no usage unasked; Mistral itself does on its last
    // chunk (tests/providers/preset_usage_test.ts). Unknown, never zero.
    assert.equal(t!.usage_status, "unknown");
    assert.equal(t!.estimated_cost_usd, null);
  });
});

Deno.test("preset mistral: non-streamed, exact usage priced from Mistral's list", async () => {
  await withStubPreset("mistral", async ({ h, vendor }) => {
    const res = await h.request(
      "/mistral/v1/chat/completions",
      json({ model: "mistral-small-2506", messages: [] }),
    );
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    assert.deepEqual(vendor.requests.map((r) => r.path), ["/v1/chat/completions"]);
    const [t] = await h.tracesSettled(1);
    const u = stubUsage.chat;
    assert.equal(t!.usage_status, "exact");
    // Mistral Small 3.2: 0.10 in, 0.30 out; no cached-input discount (cached billed as input).
    close(t!.estimated_cost_usd, perM(u.prompt, 0.1) + perM(u.completion, 0.3));
  });
});

Deno.test("preset ollama: usage recorded, cost unknown (self-hosted), never zero", async () => {
  await withStubPreset("ollama", async ({ h, vendor }) => {
    const res = await h.request(
      "/ollama/v1/chat/completions",
      json({ model: "llama3.2", messages: [] }),
    );
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    assert.equal(
      vendor.requests.at(-1)?.headers.authorization,
      "Bearer sk-preset-TESTKEY00000000000000wxyz",
    );
    const [t] = await h.tracesSettled(1);
    assert.equal(t!.provider, "ollama");
    assert.equal(t!.usage_status, "exact");
    assert.equal(t!.input_tokens, stubUsage.chat.prompt);
    assert.equal(t!.estimated_cost_usd, null);
    assert.notEqual(t!.cost_status, "priced");
  });
});
