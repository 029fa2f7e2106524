import assert from "node:assert/strict";
import { apiFixture, json } from "./api_fixture.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";
import type { Trace } from "../../src/traces/trace.ts";

const base = Date.UTC(2026, 2, 1, 10);
const iso = (ms: number) => new Date(base + ms).toISOString();

function seed() {
  const a = makeTrace({
    timestamp: iso(900),
    created_at: iso(1000),
    org_id: "org-a",
    workspace_id: "ws-a",
    provider: "openai",
    model: "gpt-4o-mini",
    response_status: 200,
    total_tokens: 42,
    api_key_hash: "hash-a",
    trace_group_id: "group-1",
    request_body: '{"model":"gpt-4o-mini"}',
    response_body: '{"id":"chatcmpl-1"}',
    metadata: {
      lineage_group_id: "group-1",
      lineage_thread_id: "thread-1",
      lineage_run_id: "run-1",
      lineage_checkpoint_id: "checkpoint-1",
      lineage_parent_checkpoint_id: "checkpoint-0",
      lineage_checkpoint_seq: 2,
      lineage_immutable: true,
      redaction_mode: "off",
    },
  });
  const b = makeTrace({
    timestamp: iso(1900),
    created_at: iso(2000),
    org_id: "org-b",
    workspace_id: "ws-b",
    provider: "anthropic",
    model: "claude-haiku",
    response_status: 500,
    input_tokens: null,
    output_tokens: null,
    total_tokens: null,
    usage_status: "none",
    api_key_hash: "hash-b",
    metadata: {},
  });
  const c = makeTrace({
    timestamp: "2026-03-02T08:00:00.000Z",
    created_at: "2026-03-02T08:00:01.000Z",
    org_id: "org-a",
    workspace_id: "ws-a",
    provider: "openai",
    model: "gpt-4o",
    response_status: 429,
    total_tokens: 100,
    api_key_hash: "hash-a",
    trace_group_id: "group-1",
    metadata: { lineage_thread_id: "thread-1", lineage_run_id: "run-2" },
  });
  return { a, b, c };
}

const detailOnly = [
  "request_headers",
  "request_body",
  "response_headers",
  "response_body",
  "attempts",
  "cost_breakdown",
];

Deno.test("GET /api/traces lists summaries, newest first", async () => {
  const { a, b, c } = seed();
  const fx = await apiFixture([a, b, c]);
  try {
    const res = await fx.get("/api/traces");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const body = await json(res);
    const items = body.items as Record<string, unknown>[];
    assert.deepStrictEqual(items.map((t) => t.id), [c.id, b.id, a.id]);
    assert.equal(body.next_cursor, null);
    const { metadata: _m, ...summary } = a;
    for (const key of detailOnly) delete (summary as Record<string, unknown>)[key];
    assert.deepStrictEqual(items[2], summary);
  } finally {
    await fx.close();
  }
});

Deno.test("GET /api/traces filters, each query parameter", async () => {
  const { a, b, c } = seed();
  const fx = await apiFixture([a, b, c]);
  const cases: [string, Trace[]][] = [
    ["provider=openai", [c, a]],
    ["model=claude-haiku", [b]],
    ["status=429", [c]],
    ["api_key_hash=hash-a", [c, a]],
    ["from=2026-03-02", [c]],
    ["to=2026-03-01", [b, a]],
    ["from=2026-03-01T10:00:01.900Z&to=2026-03-01T10:00:01.900Z", [b]],
    ["trace_group_id=group-1", [c, a]],
    ["thread_id=thread-1", [c, a]],
    ["run_id=run-1", [a]],
    ["min_tokens=60", [c]],
    ["max_tokens=42", [a]],
    ["provider=openai&status=200", [a]],
    ["provider=mistral", []],
  ];
  try {
    for (const [qs, want] of cases) {
      const body = await json(await fx.get(`/api/traces?${qs}`));
      const ids = (body.items as { id: string }[]).map((t) => t.id);
      assert.deepStrictEqual(ids, want.map((t) => t.id), qs);
    }
  } finally {
    await fx.close();
  }
});

Deno.test("GET /api/traces pages with next_cursor: default limit 50, no duplicates", async () => {
  const traces = Array.from({ length: 61 }, (_, i) => makeTrace({ created_at: iso(i) }));
  const fx = await apiFixture(traces);
  try {
    const first = await json(await fx.get("/api/traces"));
    assert.equal((first.items as unknown[]).length, 50);
    assert.equal(typeof first.next_cursor, "string");
    const seen: string[] = [];
    let url = "/api/traces?limit=7";
    for (;;) {
      const body = await json(await fx.get(url));
      seen.push(...(body.items as { id: string }[]).map((t) => t.id));
      if (body.next_cursor === null) break;
      url = `/api/traces?limit=7&cursor=${body.next_cursor}`;
      // Traces stored between pages, stamped newer or older than those served (a late flush),
      // neither shift the pages that follow nor appear on them.
      await fx.store.writeBatch([
        makeTrace({ created_at: iso(10_000 + seen.length) }),
        makeTrace({ created_at: iso(-1 - seen.length) }),
      ]);
    }
    assert.deepStrictEqual(seen, traces.map((t) => t.id).reverse());
  } finally {
    await fx.close();
  }
});

Deno.test("GET /api/traces answers 400 naming the parameter", async () => {
  const fx = await apiFixture([]);
  const cases: [string, string][] = [
    ["limit=0", "limit"],
    ["limit=201", "limit"],
    ["limit=-1", "limit"],
    ["status=abc", "status"],
    ["status=600", "status"],
    ["min_tokens=-1", "min_tokens"],
    ["max_tokens=1000000001", "max_tokens"],
    ["min_tokens=5&max_tokens=4", "max_tokens"],
    ["from=03/01/2026", "from"],
    ["to=2026-02-30", "to"],
    ["from=2026-03-02&to=2026-03-01", "to"],
    ["provider=a&provider=b", "provider"],
    ["limt=5", "limt"],
    ["cursor=***", "cursor"],
    [`cursor=${btoa("no-separator")}`, "cursor"],
    [`cursor=${btoa("2026-03-01|abc").replace(/=+$/, "")}`, "cursor"],
    [`cursor=${btoa("0").replace(/=+$/, "")}`, "cursor"],
  ];
  try {
    for (const [qs, parameter] of cases) {
      const res = await fx.get(`/api/traces?${qs}`);
      assert.equal(res.status, 400, qs);
      const body = await json(res);
      const error = body.error as Record<string, unknown>;
      assert.deepStrictEqual(Object.keys(error).sort(), ["code", "message", "parameter"], qs);
      assert.equal(error.code, "invalid_parameter", qs);
      assert.equal(error.parameter, parameter, qs);
      assert.ok(String(error.message).includes(parameter), `${qs}: ${error.message}`);
    }
  } finally {
    await fx.close();
  }
});

Deno.test("GET /api/traces/:id returns the full trace with lineage", async () => {
  const { a, b } = seed();
  const fx = await apiFixture([a, b]);
  try {
    const res = await fx.get(`/api/traces/${a.id}`);
    assert.equal(res.status, 200);
    assert.deepStrictEqual(await res.json(), {
      ...a,
      lineage: {
        group_id: "group-1",
        thread_id: "thread-1",
        run_id: "run-1",
        checkpoint_id: "checkpoint-1",
        parent_checkpoint_id: "checkpoint-0",
        checkpoint_seq: 2,
        immutable: true,
      },
    });
    const bare = await json(await fx.get(`/api/traces/${b.id}`));
    assert.deepStrictEqual(bare.lineage, {
      group_id: null,
      thread_id: null,
      run_id: null,
      checkpoint_id: b.id,
      parent_checkpoint_id: null,
      checkpoint_seq: null,
      immutable: true,
    });
    assert.deepStrictEqual(bare.request_headers, b.request_headers);
  } finally {
    await fx.close();
  }
});

Deno.test("GET /api/traces/:id answers 404 for an unknown id", async () => {
  const fx = await apiFixture([]);
  try {
    const res = await fx.get("/api/traces/nope");
    assert.equal(res.status, 404);
    assert.deepStrictEqual(await res.json(), {
      error: { code: "not_found", message: "trace nope not found" },
    });
  } finally {
    await fx.close();
  }
});

Deno.test("tenant scope from the context confines list and detail", async () => {
  const { a, b, c } = seed();
  const fx = await apiFixture([a, b, c]);
  const scoped = { headers: { "x-test-scope": "org-a/ws-a" } };
  try {
    const list = await json(await fx.get("/api/traces", scoped));
    assert.deepStrictEqual((list.items as { id: string }[]).map((t) => t.id), [c.id, a.id]);
    const filtered = await json(await fx.get("/api/traces?provider=anthropic", scoped));
    assert.deepStrictEqual(filtered.items, []);
    assert.equal((await fx.get(`/api/traces/${a.id}`, scoped)).status, 200);
    const other = await fx.get(`/api/traces/${b.id}`, scoped);
    assert.equal(other.status, 404, "another tenant's trace looks missing");
    const wrongWorkspace = { headers: { "x-test-scope": "org-a/ws-b" } };
    assert.equal((await fx.get(`/api/traces/${a.id}`, wrongWorkspace)).status, 404);
  } finally {
    await fx.close();
  }
});
