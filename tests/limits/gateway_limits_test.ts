/**
 * Limits through the whole in-process gateway: a refusal is a 429 with `Retry-After`, is never
 * forwarded and is traced; token reservations settle with the real usage.
 */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";
import { stubUsage } from "../support/upstream_stub.ts";
import type { GatewayConfigInput } from "../../src/config/mod.ts";

const tokenA = "gw-limits-a-0123456789abcdef";
const tokenB = "gw-limits-b-fedcba9876543210";

function teamConfig(limits: GatewayConfigInput["limits"], keyA: object = {}): GatewayConfigInput {
  return {
    auth: {
      enabled: true,
      keys: [
        { id: "key-a", token: tokenA, org_id: "org-1", workspace_id: "ws", ...keyA },
        { id: "key-b", token: tokenB, org_id: "org-1", workspace_id: "ws" },
      ],
    },
    limits,
  };
}

const chat = (token: string, body: object = {}) => ({
  method: "POST",
  headers: {
    "X-OngoingAI-Gateway-Key": token,
    authorization: "Bearer sk-proj-AAAAAAAAAAAAAAAAAAAAaaaa",
    "content-type": "application/json",
  },
  body: JSON.stringify({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "hi" }],
    ...body,
  }),
});

Deno.test("limits: a workspace over its requests per minute gets 429, not forwarded, traced", async () => {
  const h = await startHarness(teamConfig({ per_workspace: { requests_per_minute: 2 } }));
  try {
    const statuses = [];
    for (const token of [tokenA, tokenB, tokenA]) {
      const res = await h.request("/openai/v1/chat/completions", chat(token));
      statuses.push(res.status);
      if (res.status !== 429) {
        await res.body?.cancel();
        continue;
      }
      const retry = Number(res.headers.get("retry-after"));
      assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
      const body = await res.json();
      assert.equal(body.error.code, "rate_limited");
      assert.equal(body.error.limit, "requests_per_minute");
      assert.equal(body.error.scope, "workspace");
      assert.equal(body.error.max, 2);
      assert.equal(body.error.retry_after_s, retry);
      assert.match(body.error.message, /limits\.per_workspace\.requests_per_minute/);
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    assert.equal(h.stub.requests.length, 2);
    const traces = await h.tracesSettled(3);
    const refused = traces.find((t) => t.error_code === "rate_limited");
    assert.ok(refused);
    assert.equal(refused.response_status, 429);
    assert.equal(refused.gateway_key_id, "key-a");
    assert.equal(refused.usage_status, "none");
  } finally {
    await h.close();
  }
});

Deno.test("limits: tokens per minute reserve max_tokens and settle with real usage", async () => {
  const used = stubUsage.chat.prompt + stubUsage.chat.completion;
  const body = chat(tokenA, { max_tokens: 100 }).body;
  const estimate = Math.ceil(new TextEncoder().encode(body).byteLength / 4) + 100;
  // Room for two settled requests and one estimate, not for three estimates.
  const limit = 2 * used + estimate;
  assert.ok(3 * estimate > limit && 2 * estimate <= limit + used);
  const h = await startHarness(teamConfig({ per_key: { tokens_per_minute: limit } }));
  try {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await h.request("/openai/v1/chat/completions", chat(tokenA, { max_tokens: 100 }));
      statuses.push(res.status);
      if (res.status === 429) {
        assert.equal((await res.json()).error.limit, "tokens_per_minute");
      } else await res.body?.cancel();
      await h.tracesSettled(i + 1);
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    // Another key has its own budget.
    const other = await h.request("/openai/v1/chat/completions", chat(tokenB, { max_tokens: 100 }));
    await other.body?.cancel();
    assert.equal(other.status, 200);
  } finally {
    await h.close();
  }
});

Deno.test("limits: a key's own limits replace limits.per_key", async () => {
  const h = await startHarness(
    teamConfig({ per_key: { requests_per_minute: 1 } }, { limits: { requests_per_minute: 3 } }),
  );
  try {
    const got = [];
    for (const token of [tokenA, tokenA, tokenA, tokenA, tokenB, tokenB]) {
      const res = await h.request("/openai/v1/chat/completions", chat(token));
      await res.body?.cancel();
      got.push(res.status);
    }
    assert.deepEqual(got, [200, 200, 200, 429, 200, 429]);
  } finally {
    await h.close();
  }
});
