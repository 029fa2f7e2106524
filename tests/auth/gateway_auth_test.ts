/**
 * Team mode through the whole gateway: 401/403 before anything is forwarded, the key header never
 * forwarded nor stored, the caller's tenant on every trace, and every API endpoint of the
 * registry confined to the caller's tenant.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { type Harness, startHarness } from "../support/gateway_harness.ts";
import { endpoints } from "../../src/api/mod.ts";
import type { GatewayConfigInput } from "../../src/config/mod.ts";

const tokenA = "gw-team-a-0123456789abcdef";
const tokenB = "gw-team-b-fedcba9876543210";
const tokenViewer = "gw-viewer-a-5555555555";
const tokenOps = "gw-ops-777777777777";
const tokenOwner = "gw-owner-hash-999999999";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

function teamConfig(header?: string): GatewayConfigInput {
  return {
    tracing: { capture_bodies: true },
    pii: { mode: "off" },
    auth: {
      enabled: true,
      ...(header === undefined ? {} : { header }),
      keys: [
        { id: "key-a", token: tokenA, org_id: "org-1", workspace_id: "ws-a", role: "developer" },
        { id: "key-b", token: tokenB, org_id: "org-1", team: "ws-b", role: "member" },
        {
          id: "viewer-a",
          token: tokenViewer,
          org_id: "org-1",
          workspace_id: "ws-a",
          role: "viewer",
        },
        {
          id: "ops",
          token: tokenOps,
          org_id: "org-ops",
          role: "viewer",
          permissions: ["diagnostics:read"],
        },
        {
          id: "owner",
          token_hash: sha256(tokenOwner),
          org_id: "org-1",
          workspace_id: "ws-a",
          role: "owner",
        },
      ],
    },
  };
}

const gk = (token: string, name = "X-OngoingAI-Gateway-Key") => ({ [name]: token });
const openai = { authorization: "Bearer sk-proj-AAAAAAAAAAAAAAAAAAAAaaaa" };
const anthropic = {
  "x-api-key": "sk-ant-api03-BBBBBBBBBBBBbbbb",
  "anthropic-version": "2023-06-01",
};

function chat(headers: Record<string, string>, model = "gpt-4o-mini"): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json", ...openai, ...headers },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello from a" }] }),
  };
}

function messages(headers: Record<string, string>): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json", ...anthropic, ...headers },
    body: JSON.stringify({
      model: "claude-3-5-haiku-latest",
      max_tokens: 10,
      messages: [{ role: "user", content: "hello from b" }],
    }),
  };
}

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = await res.json() as { error: { code: string; message: string } };
  return { status: res.status, code: body.error.code, message: body.error.message };
}

Deno.test("team mode: 401 and 403 before anything is forwarded", async () => {
  const h = await startHarness(teamConfig());
  try {
    const cases: [string, RequestInit, number, string][] = [
      ["no key", chat({}), 401, "missing_gateway_key"],
      ["empty key", chat(gk(" ")), 401, "missing_gateway_key"],
      ["unknown key", chat(gk("gw-nope")), 401, "invalid_gateway_key"],
      [
        "gateway key only in Authorization",
        chat({ authorization: `Bearer ${tokenA}` }),
        401,
        "missing_gateway_key",
      ],
      ["viewer on a proxy route", chat(gk(tokenViewer)), 403, "permission_denied"],
    ];
    for (const [name, init, status, code] of cases) {
      const e = await errorOf(await h.request("/openai/v1/chat/completions", init));
      assert.equal(e.status, status, name);
      assert.equal(e.code, code, name);
      assert.ok(!e.message.includes(tokenA) && !e.message.includes(tokenViewer), name);
    }
    assert.equal(h.stub.requests.length, 0, "nothing reached the upstream");
    assert.equal(h.traces.length, 0, "a denied request leaves no trace");
    const opt = await h.request("/openai/v1/models", { method: "OPTIONS" });
    assert.equal(opt.status, 401);
    await opt.body?.cancel();
    assert.equal(h.stub.requests.length, 0);
  } finally {
    await h.close();
  }
});

for (const header of [undefined, "X-Team-Key"]) {
  Deno.test(`team mode: the key header (${header ?? "default"}) is never forwarded nor stored`, async () => {
    const h = await startHarness(teamConfig(header));
    try {
      const name = header ?? "X-OngoingAI-Gateway-Key";
      for (const [token, keyId] of [[tokenA, "key-a"], [tokenOwner, "owner"]] as const) {
        const res = await h.request("/openai/v1/chat/completions", chat(gk(token, name)));
        assert.equal(res.status, 200);
        await res.body?.cancel();
        const [trace] = (await h.tracesSettled(h.stub.requests.length)).slice(-1);
        const seen = h.stub.requests.at(-1)!;
        assert.equal(seen.headers.authorization, openai.authorization);
        assert.equal(seen.headers[name.toLowerCase()], undefined);
        assert.ok(!JSON.stringify(seen).includes(token));
        assert.ok(!JSON.stringify(trace).includes(token), "token not in the trace");
        assert.equal(trace!.gateway_key_id, keyId);
        assert.equal(trace!.org_id, "org-1");
        assert.equal(trace!.workspace_id, "ws-a");
      }
      if (header !== undefined) {
        // The default header name is then an ordinary header: it authenticates nothing.
        const res = await h.request("/openai/v1/chat/completions", chat(gk(tokenA)));
        assert.equal(res.status, 401);
        await res.body?.cancel();
      }
    } finally {
      await h.close();
    }
  });
}

Deno.test("team mode: public routes, unknown paths, diagnostics and the OpenAPI document", async () => {
  const h = await startHarness(teamConfig());
  try {
    const table: [string, Record<string, string>, number, string?][] = [
      ["/", {}, 200],
      ["/api/health", {}, 200],
      ["/api/openapi.json", {}, 401, "missing_gateway_key"],
      ["/api/openapi.json", gk(tokenViewer), 200],
      ["/api/traces", {}, 401, "missing_gateway_key"],
      ["/api/traces", gk("wrong"), 401, "invalid_gateway_key"],
      ["/api/nope", {}, 401, "missing_gateway_key"],
      ["/api/nope", gk(tokenViewer), 404, "route_not_found"],
      ["/metrics", {}, 401, "missing_gateway_key"],
      ["/api/diagnostics/trace-pipeline", gk(tokenOwner), 403, "permission_denied"],
      ["/api/diagnostics/trace-pipeline", gk(tokenOps), 200],
      ["/api/traces", { authorization: `Bearer ${tokenA}` }, 401, "missing_gateway_key"],
    ];
    for (const [path, headers, status, code] of table) {
      const res = await h.request(path, { headers });
      assert.equal(res.status, status, `${path} ${JSON.stringify(Object.keys(headers))}`);
      if (code !== undefined) assert.equal((await errorOf(res)).code, code, path);
      else await res.body?.cancel();
    }
    const health = await (await h.request("/api/health")).json() as Record<string, unknown>;
    assert.equal(health.status, "ok");
    assert.equal(health.trace_queue, undefined, "no traffic figures on a public route");
    assert.equal(health.db_size_bytes, undefined);
    const post = await h.request("/api/traces", { method: "POST", headers: gk(tokenA) });
    assert.equal(post.status, 405);
    await post.body?.cancel();
  } finally {
    await h.close();
  }
});

/** Two tenants' traffic, in the store. */
async function twoTenants(): Promise<{ h: Harness; idsA: string[]; idsB: string[] }> {
  const h = await startHarness(teamConfig());
  for (const init of [chat(gk(tokenA)), chat(gk(tokenA))]) {
    const res = await h.request("/openai/v1/chat/completions", init);
    assert.equal(res.status, 200);
    await res.body?.cancel();
  }
  const res = await h.request("/anthropic/v1/messages", messages(gk(tokenB)));
  assert.equal(res.status, 200);
  await res.body?.cancel();
  const traces = await h.tracesSettled(3);
  await h.store.writeBatch(traces);
  const idsA = traces.filter((t) => t.workspace_id === "ws-a").map((t) => t.id);
  const idsB = traces.filter((t) => t.workspace_id === "ws-b").map((t) => t.id);
  assert.equal(idsA.length, 2);
  assert.equal(idsB.length, 1);
  return { h, idsA, idsB };
}

/** Endpoints about one trace: 200 for the caller's, 404 as a missing one for another tenant's. */
const oneTrace = new Set([
  "getTrace",
  "getTraceLineage",
  "getTraceLineageCheckpoints",
  "forkTrace",
]);
/** Of those, the ones showing the trace's bodies (to a developer, who holds bodies:read). */
const withBodies = new Set(["getTrace", "getTraceLineageCheckpoints"]);

Deno.test("tenant isolation: every registry endpoint, with each tenant's key", async () => {
  const { h, idsA, idsB } = await twoTenants();
  try {
    const tenants = [
      {
        name: "a",
        token: tokenA,
        own: idsA,
        other: idsB,
        otherMarks: ["anthropic", "claude", "bbbb"],
      },
      {
        name: "b",
        token: tokenB,
        own: idsB,
        other: idsA,
        otherMarks: ["openai", "gpt-4o", "aaaa"],
      },
    ];
    let called = 0;
    for (const t of tenants) {
      for (const e of endpoints) {
        const queries = [{}, ...(e.example ? [e.example.query] : [])];
        for (const query of queries) {
          const ids = e.path.includes("{id}") ? [...t.own, ...t.other, "no-such-trace"] : [""];
          for (const id of ids) {
            const path = e.path.replace("{id}", id) +
              (Object.keys(query).length ? `?${new URLSearchParams(query)}` : "");
            const method = e.method.toUpperCase();
            const res = await h.request(path, { method, headers: gk(t.token) });
            const text = await res.text();
            const where = `tenant ${t.name}: ${method} ${path}`;
            called++;
            if (e.access === "keys:manage") {
              // Developers do not manage keys; tests/auth/gateway_keys_test.ts covers these routes.
              assert.equal(res.status, 403, where);
              continue;
            }
            if (e.access === "audit:read") {
              // Developers do not read the audit log; tests/api/audit_test.ts covers its scope.
              assert.equal(res.status, 403, where);
              continue;
            }
            if (e.access === "diagnostics:read") {
              // Writer-wide figures count every tenant: only keys granted diagnostics:read see them.
              assert.equal(res.status, 403, where);
              continue;
            }
            if (e.access === "traces:replay") {
              // A member key lacks traces:replay by default (key-b is a member); a developer's
              // replay of its tenant's own trace is sent (tests/replay/ covers what it sends).
              if (t.name === "b") assert.equal(res.status, 403, where);
              else if (t.own.includes(id)) assert.notEqual(res.status, 404, `${where}: ${text}`);
              else {
                assert.equal(res.status, 404, where);
                assert.deepEqual(JSON.parse(text), {
                  error: { code: "not_found", message: `trace ${id} not found` },
                });
              }
              continue;
            }
            if (oneTrace.has(e.operationId)) {
              if (t.own.includes(id)) {
                assert.equal(res.status, 200, where);
                for (const other of t.other) assert.ok(!text.includes(other), `${where}: ${other}`);
                if (withBodies.has(e.operationId) || "include_bodies" in query) {
                  assert.ok(text.includes("hello from"), `${where}: developer sees bodies`);
                }
              } else {
                // Another tenant's trace answers exactly like a missing one.
                assert.equal(res.status, 404, where);
                assert.deepEqual(JSON.parse(text), {
                  error: { code: "not_found", message: `trace ${id} not found` },
                });
              }
              continue;
            }
            assert.equal(res.status, 200, `${where}: ${text.slice(0, 300)}`);
            for (const other of t.other) {
              assert.ok(!text.includes(other), `${where} shows ${other}`);
            }
            if (e.tag !== "service") {
              for (const mark of t.otherMarks) {
                assert.ok(!text.toLowerCase().includes(mark), `${where} shows ${mark}`);
              }
            }
            if (e.path === "/api/traces" && Object.keys(query).length === 0) {
              const items = (JSON.parse(text) as { items: { id: string }[] }).items;
              assert.deepEqual(items.map((i) => i.id).sort(), [...t.own].sort(), where);
            }
            if (e.path === "/api/traces/export" && Object.keys(query).length === 0) {
              const lines = text.trim().split("\n").map((l) =>
                (JSON.parse(l) as { id: string }).id
              );
              assert.deepEqual(lines.sort(), [...t.own].sort(), where);
            }
            if (e.path === "/api/analytics/summary" && Object.keys(query).length === 0) {
              const s = JSON.parse(text) as { total_requests: number; active_keys: number };
              assert.equal(s.total_requests, t.own.length, where);
              assert.equal(s.active_keys, 1, where);
            }
          }
        }
      }
    }
    assert.ok(called > endpoints.length * 2);
  } finally {
    await h.close();
  }
});

Deno.test("bodies:read: a viewer sees its tenant's traces without captured bodies", async () => {
  const { h, idsA } = await twoTenants();
  try {
    const detail = await h.request(`/api/traces/${idsA[0]}`, { headers: gk(tokenViewer) });
    const body = await detail.json() as Record<string, unknown>;
    assert.equal(detail.status, 200);
    assert.equal(body.request_body, null);
    assert.equal(body.response_body, null);
    const exp = await h.request("/api/traces/export", { headers: gk(tokenViewer) });
    const text = await exp.text();
    assert.equal(text.trim().split("\n").length, 2);
    assert.ok(!text.includes("hello from"));
    const owner = await h.request(`/api/traces/${idsA[0]}`, { headers: gk(tokenOwner) });
    assert.ok((await owner.text()).includes("hello from a"));
  } finally {
    await h.close();
  }
});
