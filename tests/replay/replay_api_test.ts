/**
 * `POST /api/traces/{id}/replay` through the whole in-process gateway: the stored request sent
 * again byte for byte (credentials aside), a fork to another model traced and priced with its
 * parent, refusals that say what to do, and the audit entry.
 */
import assert from "node:assert/strict";
import { type Harness, startHarness } from "../support/gateway_harness.ts";
import type { Trace } from "../../src/traces/mod.ts";
import type { AuditStore } from "../../src/store/mod.ts";

const openaiKey = "sk-proj-REPLAYTEST000000000000wxyz";
/** Odd spacing, key order and a 64-bit seed: a re-serialised body would differ. */
const chatBody =
  '{"seed": 12345678901234567890,  "model":"gpt-4o-mini","messages":[{"role":"user","content":"hi \\u00e9"}]}';

async function proxied(h: Harness, body: string, headers: Record<string, string> = {}) {
  const before = h.traces.length;
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
  // The trace is recorded after the answer ended, not before the client read it.
  const [trace] = (await h.tracesSettled(before + 1)).slice(-1);
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
    assert.equal(copy.metadata.request_body_altered, false);
    // The lineage chain of either holds both, source first.
    await h.store.writeBatch([copy]);
    for (const id of [source.id, copy.id]) {
      const chain = await (await h.request(`/api/traces/${id}/lineage`)).json();
      const ids = chain.chain.checkpoints.map((c: { id: string }) => c.id);
      assert.deepEqual(ids, [source.id, copy.id], JSON.stringify(chain.chain));
    }
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

Deno.test("replay: a body a PII policy redacted is refused unless allow_redacted", async () => {
  const h = await startHarness({
    tracing: { capture_bodies: true },
    pii: { mode: "redact_storage" },
  });
  try {
    const source = await proxied(
      h,
      '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"mail alice@example.com"}]}',
    );
    assert.equal(source.metadata.request_body_altered, true);
    const refused = await replay(h, source.id);
    assert.equal(refused.status, 409);
    const body = await refused.json();
    assert.equal(body.error.reason, "body_altered");
    assert.match(body.error.message, /allow_redacted/);
    const sent = h.stub.requests.length;
    const allowed = await replay(h, source.id, { allow_redacted: true });
    assert.equal(allowed.status, 200);
    await replayed(h, allowed);
    assert.doesNotMatch(h.stub.requests[sent]!.body, /alice@example\.com/);
    // A body with nothing to redact is stored as received: replayable.
    const clean = await proxied(h, chatBody);
    assert.equal(clean.metadata.request_body_altered, false);
    const ok = await replay(h, clean.id);
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
  } finally {
    await h.close();
  }
});

Deno.test("replay: the query parameters that shape the answer are kept (Claude Code's beta=true)", async () => {
  const h = await startHarness({ tracing: { capture_bodies: true } });
  try {
    const res = await h.request("/anthropic/v1/messages?beta=true&key=secret-in-query", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-api-key": "sk-ant-api03-replaytest-000000000",
        "anthropic-version": "2023-06-01",
        "anthropic-beta": "interleaved-thinking-2025-05-14",
      },
      body:
        '{"model":"claude-sonnet-4-5-20250929","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}',
    });
    await res.arrayBuffer();
    const [source] = (await h.tracesSettled(1)).slice(-1);
    await h.store.writeBatch([source!]);
    assert.equal(source!.metadata.request_query, "beta=true");
    assert.equal(source!.metadata.request_query_dropped, 1);
    const sent = h.stub.requests.length;
    const again = await replay(h, source!.id, undefined, {
      authorization: "",
      "x-ongoingai-provider-key": "sk-ant-api03-replaytest-000000000",
    });
    assert.equal(again.status, 200);
    assert.equal(again.headers.get("x-ongoingai-replay-notes"), "query_parameters_not_stored");
    assert.equal(again.headers.get("x-ongoingai-answer-protocol"), "anthropic.messages");
    await replayed(h, again);
    const upstream = h.stub.requests[sent]!;
    assert.equal(upstream.search, "?beta=true");
    assert.equal(upstream.headers["x-api-key"], "sk-ant-api03-replaytest-000000000");
    assert.equal(upstream.headers["anthropic-version"], "2023-06-01");
    assert.equal(upstream.headers["anthropic-beta"], "interleaved-thinking-2025-05-14");
  } finally {
    await h.close();
  }
});

Deno.test("replay: team mode needs traces:replay and bodies:read, and the replay needs proxy:write", async () => {
  const token = (n: string) => `gw-replay-${n}-0123456789abcdef`;
  const h = await startHarness({
    tracing: { capture_bodies: true },
    auth: {
      enabled: true,
      keys: [
        { id: "dev", token: token("dev"), workspace_id: "ws-a", role: "developer" },
        { id: "viewer", token: token("viewer"), workspace_id: "ws-a", role: "viewer" },
        {
          id: "no-bodies",
          token: token("nobodies"),
          workspace_id: "ws-a",
          role: "viewer",
          permissions: ["traces:replay"],
        },
        {
          id: "no-send",
          token: token("nosend"),
          workspace_id: "ws-a",
          role: "viewer",
          permissions: ["traces:replay", "bodies:read"],
        },
        { id: "other", token: token("other"), workspace_id: "ws-b", role: "developer" },
      ],
    },
  });
  try {
    const source = await proxied(h, chatBody, { "x-ongoingai-gateway-key": token("dev") });
    const as = async (who: string) => {
      const res = await replay(h, source.id, undefined, { "x-ongoingai-gateway-key": token(who) });
      const text = await res.text();
      return { status: res.status, text, replayOf: res.headers.get("x-ongoingai-replay-of") };
    };
    assert.equal((await as("viewer")).status, 403);
    const noBodies = await as("nobodies");
    assert.equal(noBodies.status, 403);
    assert.match(noBodies.text, /bodies:read/);
    const noSend = await as("nosend");
    assert.equal(noSend.status, 403, "the replay itself is refused without proxy:write");
    assert.equal(noSend.replayOf, null, "refused before it became an exchange: nothing sent");
    assert.match(noSend.text, /proxy:write/);
    const other = await as("other");
    assert.equal(other.status, 404);
    const dev = await as("dev");
    assert.equal(dev.status, 200, dev.text);
    const audit = await (h.store as unknown as AuditStore).auditChain(1, 50);
    const replays = audit.filter((e) => e.action === "trace.replayed");
    assert.deepEqual(replays.map((e) => e.actor).sort(), ["dev", "no-send"]);
    assert.deepEqual(replays[0]!.tenant, { org_id: "default", workspace_id: "ws-a" });
  } finally {
    await h.close();
  }
});

Deno.test("replay: without a caller's key a route's key pool serves it; the fork names its parent", async () => {
  const h = await startHarness({
    server: { host: "127.0.0.1" },
    tracing: { capture_bodies: true },
    providers: { openai: { keys: [{ id: "team-a", key: "sk-proj-pool-team-a-000000000000" }] } },
    routes: { "gpt-pool": { targets: [{ provider: "openai", model: "gpt-4o-mini" }] } },
  });
  try {
    const source = await proxied(h, '{"model":"gpt-pool","messages":[]}');
    assert.equal(source.route, "gpt-pool");
    const sent = h.stub.requests.length;
    const res = await h.request(`/api/traces/${source.id}/replay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ set: { max_tokens: 5 } }),
    });
    assert.equal(res.status, 200);
    const fork = await replayed(h, res);
    const upstream = h.stub.requests[sent]!;
    assert.equal(upstream.headers.authorization, "Bearer sk-proj-pool-team-a-000000000000");
    assert.equal(upstream.body, '{"model":"gpt-4o-mini","messages":[],"max_tokens":5}');
    assert.equal(fork.route, "gpt-pool");
    assert.equal(fork.metadata.replay_of, source.id);
    assert.equal(fork.metadata.lineage_parent_checkpoint_id, source.id);
    assert.equal(fork.metadata.lineage_group_id, source.id);
  } finally {
    await h.close();
  }
});

Deno.test("replay: a body the store cannot keep as sent (BOM, binary, compressed) is said altered", async () => {
  const h = await startHarness({ tracing: { capture_bodies: true }, pii: { mode: "off" } });
  try {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(chatBody)]);
    const cases: [string, BodyInit, Record<string, string>][] = [
      ["a leading BOM", bom, {}],
      ["bytes that are not UTF-8", new Uint8Array([0x7b, 0xff, 0xfe, 0x00, 0x7d]), {}],
      ["a compressed body", chatBody, { "content-encoding": "gzip" }],
    ];
    for (const [name, body, headers] of cases) {
      const before = h.traces.length;
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
      const [trace] = (await h.tracesSettled(before + 1)).slice(-1);
      assert.equal(trace!.metadata.request_body_altered, true, name);
      await h.store.writeBatch([trace!]);
      const refused = await replay(h, trace!.id);
      assert.equal(refused.status, 409, name);
      assert.equal((await refused.json()).error.reason, "body_altered", name);
    }
  } finally {
    await h.close();
  }
});
