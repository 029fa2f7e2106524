/**
 * `GET /api/live` on a real gateway (the harness: real config, adapters and pricing, a loopback
 * upstream stub): the figures equal what was sent, a stream held open counts as an open request
 * and stream until it ends, parameters are checked, and in team mode a tenant-scoped key sees its
 * tenant only, with the writer's figures only when it may read diagnostics.
 */
import assert from "node:assert/strict";
import { type LiveResponse, liveResponseSchema } from "../../src/api/mod.ts";
import { type Harness, startHarness } from "../support/gateway_harness.ts";
import { stubUsage } from "../support/upstream_stub.ts";

const chatTokens = stubUsage.chat.prompt + stubUsage.chat.completion;

function chat(h: Harness, headers: Record<string, string> = {}, stream = false) {
  return h.request("/openai/v1/chat/completions", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: "Bearer sk-proj-TESTKEY0000000000000000wxyz",
      ...headers,
    },
    body: JSON.stringify({ model: "gpt-4o-mini", stream }),
  });
}

async function live(h: Harness, query = "", key?: string): Promise<LiveResponse> {
  const res = await h.request(
    `/api/live${query}`,
    key === undefined ? {} : { headers: { "x-ongoingai-gateway-key": key } },
  );
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  // The body is the contract `ongoingai top` reads.
  return liveResponseSchema.parse(body);
}

Deno.test("/api/live: the figures are what was sent; an open stream counts until it ends", async () => {
  const h = await startHarness();
  try {
    for (let i = 0; i < 3; i++) await (await chat(h, { "x-ongoingai-user": "ann" })).text();
    await (await chat(h, { "x-stub-status": "429" })).text();
    await h.tracesSettled(4);
    let v = await live(h);
    assert.equal(v.schema_version, "live.v1");
    assert.deepEqual(v.scope, { org_id: null, workspace_id: null });
    assert.equal(v.open_requests, 0);
    assert.equal(v.open_streams, 0);
    const m = v.last_minute;
    assert.equal(m.requests, 4);
    assert.equal(m.errors, 1);
    assert.equal(m.error_rate, 1 / 4);
    assert.equal(m.total_tokens, 3 * chatTokens);
    assert.equal(m.unknown_usage_count, 0);
    assert.ok(m.cost_usd > 0);
    assert.deepEqual(v.last_10s.requests, 4);
    assert.equal(v.busiest.keys[0]!.label, "...wxyz");
    assert.equal(v.busiest.keys[0]!.requests, 4);
    assert.deepEqual(v.recent.map((r) => r.status), [429, 200, 200, 200]);
    assert.equal(v.recent[1]!.developer, "ann");
    assert.notEqual(v.pipeline, null, "no team mode: everything is allowed");

    // A stream held open after its first event: an open request and an open stream.
    const held = await chat(h, { "x-stub-hang": "body" }, true);
    const reader = held.body!.getReader();
    await reader.read();
    v = await live(h);
    assert.equal(v.open_requests, 1);
    assert.equal(v.open_streams, 1);
    await reader.cancel();
    await h.tracesSettled(5);
    v = await live(h);
    assert.equal(v.open_requests, 0);
    assert.equal(v.open_streams, 0);
    assert.equal(v.last_minute.requests, 5);
    // Cut by the client: its usage is unknown, kept out of the tokens and counted.
    assert.equal(v.last_minute.unknown_usage_count, 1);
    assert.equal(v.last_minute.total_tokens, 3 * chatTokens);
    assert.equal(v.recent[0]!.streaming, true);
    assert.equal(v.recent[0]!.total_tokens, null);

    // Parameters: sort, limit, recent, filter.
    v = await live(h, "?sort=errors&limit=1&recent=2&filter=ANN");
    assert.equal(v.sort, "errors");
    assert.equal(v.filter, "ANN");
    assert.equal(v.last_minute.requests, 3, "the filter matches the developer");
    assert.equal(v.recent.length, 2);
    assert.equal(v.busiest.models.length, 1);
  } finally {
    await h.close();
  }
});

Deno.test("/api/live: a bad parameter is a 400 naming it", async () => {
  const h = await startHarness();
  try {
    const cases: [string, string][] = [
      ["?sort=latency", "sort"],
      ["?limit=0", "limit"],
      ["?limit=51", "limit"],
      ["?recent=101", "recent"],
      ["?recent=-1", "recent"],
      [`?filter=${"x".repeat(201)}`, "filter"],
      ["?soort=cost", "soort"],
    ];
    for (const [query, parameter] of cases) {
      const res = await h.request(`/api/live${query}`);
      const body = await res.json();
      assert.equal(res.status, 400, query);
      assert.equal(body.error.code, "invalid_parameter", query);
      assert.equal(body.error.parameter, parameter, query);
    }
  } finally {
    await h.close();
  }
});

const ops = "gk-live-ops-0123456789abcdef0123";
const devA = "gk-live-deva-0123456789abcdef012";
const devB = "gk-live-devb-0123456789abcdef012";

Deno.test("/api/live in team mode: a key sees its tenant only, the writer only with diagnostics:read", async () => {
  const h = await startHarness({
    auth: {
      enabled: true,
      keys: [
        {
          id: "ops",
          token: ops,
          org_id: "o",
          workspace_id: "a",
          role: "viewer",
          permissions: ["diagnostics:read"],
        },
        { id: "dev-a", token: devA, org_id: "o", workspace_id: "a", role: "developer" },
        { id: "dev-b", token: devB, org_id: "o", workspace_id: "b", role: "developer" },
      ],
    },
  });
  try {
    for (let i = 0; i < 2; i++) {
      await (await chat(h, { "x-ongoingai-gateway-key": devA })).text();
    }
    await (await chat(h, { "x-ongoingai-gateway-key": devB })).text();
    await h.tracesSettled(3);
    // Tenant b holds a stream open: tenant a does not see it.
    const held = await chat(h, { "x-ongoingai-gateway-key": devB, "x-stub-hang": "body" }, true);
    const reader = held.body!.getReader();
    await reader.read();

    const a = await live(h, "", devA);
    assert.deepEqual(a.scope, { org_id: "o", workspace_id: "a" });
    assert.equal(a.last_minute.requests, 2);
    assert.equal(a.open_requests, 0);
    assert.equal(a.pipeline, null, "no diagnostics:read");
    assert.ok(a.recent.every((r) => r.developer === "dev-a"));

    const b = await live(h, "", devB);
    assert.equal(b.last_minute.requests, 1);
    assert.equal(b.open_requests, 1);
    assert.equal(b.open_streams, 1);
    assert.equal(b.pipeline, null);

    const withDiagnostics = await live(h, "", ops);
    assert.deepEqual(withDiagnostics.scope, { org_id: "o", workspace_id: "a" });
    assert.equal(withDiagnostics.last_minute.requests, 2);
    assert.notEqual(withDiagnostics.pipeline, null);
    assert.equal(withDiagnostics.pipeline!.dropped_total, 0);

    const refused = await h.request("/api/live");
    await refused.body?.cancel();
    assert.equal(refused.status, 401, "no key");
    await reader.cancel();
    await h.tracesSettled(4);
  } finally {
    await h.close();
  }
});
