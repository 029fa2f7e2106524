/**
 * `POST /api/traces/{id}/replay` through the whole in-process gateway: the stored request sent
 * again byte for byte (credentials aside), a fork to another model traced and priced with its
 * parent, refusals that say what to do, and the audit entry.
 */
import assert from "node:assert/strict";
import { type Harness, startHarness } from "../support/gateway_harness.ts";
import type { Trace } from "../../src/traces/mod.ts";

const openaiKey = "sk-proj-REPLAYTEST000000000000wxyz";
/** Odd spacing, key order and a 64-bit seed: a re-serialised body would differ. */
const chatBody =
  '{"seed": 12345678901234567890,  "model":"gpt-4o-mini","messages":[{"role":"user","content":"hi \\u00e9"}]}';

async function proxied(h: Harness, body: string, headers: Record<string, string> = {}) {
  const res = await h.request("/openai/v1/chat/completions", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${openaiKey}`,
      ...headers,
    },
    body,
  });
  await res.arrayBuffer();
  const n = h.traces.length;
  const [trace] = (await h.tracesSettled(n)).slice(-1);
  await h.store.writeBatch([trace!]);
  return trace!;
}

function replay(h: Harness, id: string, options?: unknown, headers: Record<string, string> = {}) {
  return h.request(`/api/traces/${id}/replay`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${openaiKey}`,
      ...(options === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(options === undefined ? {} : { body: JSON.stringify(options) }),
  });
}

async function replayed(h: Harness, res: Response): Promise<Trace> {
  await res.arrayBuffer();
  const id = res.headers.get("x-ongoingai-trace-id");
  assert.ok(id, "the answer names the new trace");
  while (!h.traces.some((t) => t.id === id)) await h.tracesSettled(h.traces.length + 1);
  return h.traces.find((t) => t.id === id)!;
}

Deno.test("replay: the stored body is sent again byte for byte, traced under its source", async () => {
  const h = await startHarness({ tracing: { capture_bodies: true } });
  try {
    const source = await proxied(h, chatBody);
    const sent = h.stub.requests.length;
    const res = await replay(h, source.id);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-ongoingai-replay-of"), source.id);
    const copy = await replayed(h, res);
    const upstream = h.stub.requests[sent]!;
    assert.equal(upstream.body, chatBody);
    assert.equal(upstream.path, "/v1/chat/completions");
    assert.equal(upstream.headers.authorization, `Bearer ${openaiKey}`);
    assert.equal(copy.metadata.replay_of, source.id);
    assert.equal(copy.metadata.lineage_parent_checkpoint_id, source.id);
    assert.equal(copy.metadata.lineage_checkpoint_seq, 1);
    assert.equal(copy.request_body, chatBody);
    assert.equal(copy.metadata.request_body_altered, undefined);
  } finally {
    await h.close();
  }
});

Deno.test("replay: a fork to another model is traced and priced with its parent", async () => {
  const h = await startHarness({ tracing: { capture_bodies: true } });
  try {
    const source = await proxied(h, chatBody);
    const sent = h.stub.requests.length;
    const res = await replay(h, source.id, { model: "gpt-4o", set: { temperature: 0 } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-ongoingai-replay-changed"), "model,set.temperature");
    const fork = await replayed(h, res);
    const body = h.stub.requests[sent]!.body;
    assert.equal(
      body,
      '{"seed": 12345678901234567890,  "model":"gpt-4o","messages":[{"role":"user","content":"hi \\u00e9"}],"temperature":0}',
    );
    assert.equal(fork.metadata.replay_of, source.id);
    assert.equal(fork.cost_status, "priced");
    assert.ok(fork.estimated_cost_usd! > 0);
  } finally {
    await h.close();
  }
});

Deno.test("replay: refusals say what was wrong and what to do", async () => {
  const h = await startHarness({ tracing: { capture_bodies: false } });
  try {
    const source = await proxied(h, chatBody);
    const res = await replay(h, source.id);
    assert.equal(res.status, 409);
    const body = await res.json();
    assert.equal(body.error.code, "not_replayable");
    assert.equal(body.error.reason, "body_not_captured");
    assert.match(body.error.message, /tracing\.capture_bodies/);
    const missing = await replay(h, "no-such-trace");
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
    const bad = await replay(h, source.id, { model: "x", route: "y" });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
  } finally {
    await h.close();
  }
});
