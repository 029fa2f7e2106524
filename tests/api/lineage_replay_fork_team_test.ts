/**
 * GET replay and POST fork through a team-mode gateway (reference 11.5: a viewer may call both):
 * the chain built from real proxied traffic with lineage headers, the fork's headers sent on the
 * next proxied call making it the branch's next checkpoint, bodies withheld from a key without
 * `bodies:read`, another tenant's trace a 404, no key a 401, a body not sent as JSON a 415.
 */
import assert from "node:assert/strict";
import { startHarness } from "../support/gateway_harness.ts";

const tokenDev = "gw-fork-dev-a-0123456789abcdef";
const tokenViewer = "gw-fork-viewer-a-0123456789ab";
const tokenOther = "gw-fork-dev-b-fedcba9876543210";
const providerKey = "sk-proj-FORKREPLAYAAAAAAAAAAaaaa";

const config = {
  tracing: { capture_bodies: true },
  pii: { mode: "off" as const },
  auth: {
    enabled: true,
    keys: [
      {
        id: "dev",
        token: tokenDev,
        org_id: "org-1",
        workspace_id: "ws-a",
        role: "developer" as const,
      },
      {
        id: "viewer",
        token: tokenViewer,
        org_id: "org-1",
        workspace_id: "ws-a",
        role: "viewer" as const,
      },
      {
        id: "other",
        token: tokenOther,
        org_id: "org-1",
        workspace_id: "ws-b",
        role: "developer" as const,
      },
    ],
  },
};

const gk = (token: string) => ({ "x-ongoingai-gateway-key": token });

// deno-lint-ignore no-explicit-any
type Json = any;

function chat(token: string, lineage: Record<string, string>, text: string): RequestInit {
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${providerKey}`,
      ...gk(token),
      ...lineage,
    },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: text }] }),
  };
}

Deno.test("team mode: replay and fork for a viewer, the fork's headers make the next checkpoint", async () => {
  const h = await startHarness(config);
  try {
    const lineage = {
      "x-ongoingai-trace-group-id": "g-team",
      "x-ongoingai-thread-id": "t-main",
      "x-ongoingai-run-id": "r-1",
    };
    for (const [seq, text] of [["1", "first turn"], ["2", "second turn"]] as const) {
      const res = await h.request(
        "/openai/v1/chat/completions",
        chat(tokenDev, { ...lineage, "x-ongoingai-checkpoint-seq": seq }, text),
      );
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    const other = await h.request(
      "/openai/v1/chat/completions",
      chat(tokenOther, { ...lineage, "x-ongoingai-checkpoint-seq": "3" }, "their turn"),
    );
    await other.body?.cancel();
    const firsts = await h.tracesSettled(3);
    await h.store.writeBatch(firsts);
    const seqOf = (n: number) => firsts.find((t) => t.metadata.lineage_checkpoint_seq === n)!;
    const [t1, t2, theirs] = [seqOf(1), seqOf(2), seqOf(3)];

    const call = async (path: string, token: string | null, init: RequestInit = {}) => {
      const res = await h.request(path, {
        ...init,
        headers: { ...(token === null ? {} : gk(token)), ...init.headers },
      });
      return { status: res.status, body: await res.json() as Json };
    };

    // The developer (bodies:read) sees the target's bodies; the viewer is allowed, without them.
    const dev = await call(`/api/traces/${t2.id}/replay`, tokenDev);
    assert.equal(dev.status, 200);
    assert.deepEqual(dev.body.checkpoints.map((c: Json) => c.id), [t1.id, t2.id]);
    assert.match(dev.body.target_trace.request_body, /second turn/);
    const viewer = await call(`/api/traces/${t2.id}/replay`, tokenViewer);
    assert.equal(viewer.status, 200);
    assert.deepEqual(viewer.body.checkpoints.map((c: Json) => c.id), [t1.id, t2.id]);
    assert.equal(viewer.body.target_trace.request_body, null);
    assert.equal(viewer.body.target_trace.response_body, null);
    assert.ok(!JSON.stringify(viewer.body).includes("second turn"));
    assert.ok(!JSON.stringify(dev.body).includes(theirs.id), "the other tenant stays out");

    assert.equal((await call(`/api/traces/${theirs.id}/replay`, tokenDev)).status, 404);
    assert.equal(
      (await call(`/api/traces/${theirs.id}/fork`, tokenDev, { method: "POST" })).status,
      404,
    );
    assert.equal((await call(`/api/traces/${t2.id}/replay`, null)).status, 401);
    assert.equal((await call(`/api/traces/${t2.id}/fork`, null, { method: "POST" })).status, 401);

    const form = await call(`/api/traces/${t2.id}/fork`, tokenDev, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "{}",
    });
    assert.equal(form.status, 415, "the gateway takes only JSON bodies on the API");

    // The viewer forks from the first checkpoint; the developer sends the next call with it.
    const fork = await call(`/api/traces/${t2.id}/fork`, tokenViewer, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ checkpoint_id: t1.id }),
    });
    assert.equal(fork.status, 200);
    assert.equal(fork.body.lineage.parent_checkpoint_id, t1.id);
    assert.equal(fork.body.lineage.checkpoint_seq, 2);
    const branched = await h.request(
      "/openai/v1/chat/completions",
      chat(tokenDev, fork.body.headers, "the branch"),
    );
    assert.equal(branched.status, 200);
    await branched.body?.cancel();
    const branch = (await h.tracesSettled(4))[3]!;
    await h.store.writeBatch([branch]);
    const detail = await call(`/api/traces/${branch.id}`, tokenDev);
    assert.deepEqual(detail.body.lineage, {
      group_id: "g-team",
      thread_id: "t-main",
      run_id: fork.body.lineage.run_id,
      checkpoint_id: branch.id,
      parent_checkpoint_id: t1.id,
      checkpoint_seq: 2,
      immutable: true,
    });
    // Its own run holds only the branch, which reaches back to the checkpoint it forked from
    // (parents outside the run are followed by id); with the original run it follows its parent.
    const own = await call(`/api/traces/${branch.id}/replay`, tokenViewer);
    assert.deepEqual(own.body.checkpoints.map((c: Json) => c.id), [t1.id, branch.id]);
    const asRun1 = await call(`/api/traces/${branch.id}/replay?run_id=r-1`, tokenViewer);
    assert.equal(asRun1.status, 200);
    assert.equal(asRun1.body.checkpoints[0].id, t1.id);
    assert.equal(asRun1.body.checkpoints.at(-1).id, branch.id);
  } finally {
    await h.close();
  }
});
