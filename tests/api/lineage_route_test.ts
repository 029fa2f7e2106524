/**
 * `GET /api/traces/{id}/lineage` through a team-mode gateway: the chain built from real proxied
 * traffic with lineage headers, only the caller's tenant's traces in it (another tenant sharing
 * the group id stays out; its trace is a 404), headers and bodies only when asked, and bodies
 * withheld from a key without `bodies:read` (and said so).
 */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";
import { buildLineageChain } from "../../src/api/mod.ts";

const tokenA = "gw-lineage-a-0123456789abcdef";
const tokenB = "gw-lineage-b-fedcba9876543210";
const tokenViewer = "gw-lineage-viewer-a-55555555";
const providerKey = "sk-proj-LINEAGEAAAAAAAAAAAAAAaaaa";

const config = {
  tracing: { capture_bodies: true },
  pii: { mode: "off" as const },
  auth: {
    enabled: true,
    keys: [
      { id: "a", token: tokenA, org_id: "org-1", workspace_id: "ws-a", role: "developer" as const },
      { id: "b", token: tokenB, org_id: "org-1", workspace_id: "ws-b", role: "developer" as const },
      {
        id: "viewer",
        token: tokenViewer,
        org_id: "org-1",
        workspace_id: "ws-a",
        role: "viewer" as const,
      },
    ],
  },
};

const gk = (token: string) => ({ "x-ongoingai-gateway-key": token });

function chat(token: string, lineage: Record<string, string>, model: string): RequestInit {
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${providerKey}`,
      ...gk(token),
      ...lineage,
    },
    body: JSON.stringify({ model, messages: [{ role: "user", content: `hello ${model}` }] }),
  };
}

// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test("lineage API: tenant-scoped chain, bodies only when asked and allowed", async () => {
  const h = await startHarness(config);
  try {
    const group = { "x-ongoingai-trace-group-id": "shared-group" };
    const sends: Array<[string, Record<string, string>, string]> = [
      [tokenA, { ...group, "x-ongoingai-checkpoint-seq": "1" }, "gpt-4o-mini"],
      [tokenA, { ...group, "x-ongoingai-checkpoint-seq": "2" }, "gpt-4o"],
      // Another tenant using the same group id.
      [tokenB, { ...group, "x-ongoingai-checkpoint-seq": "3" }, "gpt-4.1"],
    ];
    for (const [token, lineage, model] of sends) {
      const res = await h.request("/openai/v1/chat/completions", chat(token, lineage, model));
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    const traces = await h.tracesSettled(3);
    await h.store.writeBatch(traces);
    const bySeq = (seq: number) => traces.find((t) => t.metadata.lineage_checkpoint_seq === seq)!;
    const [a1, a2] = [bySeq(1), bySeq(2)];
    const b = traces.find((t) => t.workspace_id === "ws-b")!;
    const get = async (path: string, token: string) => {
      const res = await h.request(path, { headers: gk(token) });
      return { status: res.status, body: await res.json() as Json };
    };

    const own = await get(`/api/traces/${a1.id}/lineage`, tokenA);
    assert.equal(own.status, 200);
    assert.equal(own.body.schema_version, "debug-chain.v1");
    assert.equal(own.body.source_trace_id, a1.id);
    assert.deepEqual(own.body.selection, { trace_id: a1.id });
    assert.equal(own.body.chain.lineage_identifier, "trace_group_id");
    assert.equal(own.body.chain.group_id, "shared-group");
    assert.deepEqual(own.body.chain.checkpoints.map((c: Json) => c.id), [a1.id, a2.id]);
    assert.equal(own.body.chain.checkpoints[1].lineage.checkpoint_seq, 2);
    const plain = JSON.stringify(own.body);
    assert.ok(!plain.includes(b.id), "the other tenant's trace in the same group stays out");
    assert.ok(!plain.includes('"request_body":'), "no bodies unless asked");
    assert.ok(!plain.includes("request_headers"), "no headers unless asked");

    // The same document `ongoingai debug --trace-id ID --format json` builds from the store
    // (here confined to the tenant, as the API is).
    const offline = await buildLineageChain(h.store, {
      selection: { trace_id: a1.id },
      options: { limit: 200, include_diff: false, include_headers: false, include_bodies: false },
      scope: { org_id: "org-1", workspace_id: "ws-a" },
      now: () => Date.parse(own.body.generated_at),
    });
    assert.equal(offline.kind, "ok");
    if (offline.kind === "ok") {
      assert.deepEqual(JSON.parse(JSON.stringify(offline.document)), own.body);
    }

    const other = await get(`/api/traces/${b.id}/lineage`, tokenA);
    assert.equal(other.status, 404);
    assert.deepEqual(other.body, {
      error: { code: "not_found", message: `trace ${b.id} not found` },
    });
    const theirs = await get(`/api/traces/${b.id}/lineage`, tokenB);
    assert.deepEqual(theirs.body.chain.checkpoints.map((c: Json) => c.id), [b.id]);

    const full = await get(
      `/api/traces/${a2.id}/lineage?include_bodies=true&include_headers=true&diff=true`,
      tokenA,
    );
    assert.equal(full.status, 200);
    const [c1] = full.body.chain.checkpoints;
    assert.match(c1.request_body, /hello gpt-4o-mini/);
    const headers = JSON.parse(c1.request_headers);
    assert.equal(headers["Content-Type"]?.[0] ?? headers["content-type"]?.[0], "application/json");
    assert.ok(!c1.request_headers.includes(tokenA), "the gateway key is never stored");
    assert.ok(!c1.request_headers.includes(providerKey), "the provider key is never stored");
    assert.equal(full.body.options.include_bodies, true);
    assert.equal(full.body.diffs.length, 1);
    assert.equal(full.body.diffs[0].model_changed, true);
    assert.equal(full.body.diffs[0].request_body_changed, true);

    const viewer = await get(
      `/api/traces/${a2.id}/lineage?include_bodies=true&diff=true`,
      tokenViewer,
    );
    assert.equal(viewer.status, 200);
    assert.equal(viewer.body.options.include_bodies, false);
    assert.equal(viewer.body.options.bodies_withheld, true);
    assert.ok(!JSON.stringify(viewer.body.chain).includes("hello"), "no body text");
    assert.equal(viewer.body.diffs[0].request_body_changed, null);
    assert.equal(viewer.body.diffs[0].request_body_bytes_from, null);

    const bad = await h.request(`/api/traces/${a1.id}/lineage?limit=501`, { headers: gk(tokenA) });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json() as Json).error.parameter, "limit");
    const noKey = await h.request(`/api/traces/${a1.id}/lineage`);
    assert.equal(noKey.status, 401);
    await noKey.body?.cancel();
  } finally {
    await h.close();
  }
});
