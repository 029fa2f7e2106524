/**
 * `GET /api/traces/{id}/replay` (reference 5.3 "Replay", 11.7) over the real SQLite store: the
 * checkpoints up to the target in chain order (out-of-order times reconstructed), overrides,
 * limit and `truncated`, the target's detail (bodies withheld without `bodies:read`), tenant
 * scope, and the errors.
 */
import assert from "node:assert/strict";
import type { MiddlewareHandler } from "hono";
import { apiFixture } from "./api_fixture.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";
import type { Trace } from "../../src/traces/trace.ts";
import { buildReplay } from "../../src/api/mod.ts";
import { openPostgresStore } from "../../src/store/mod.ts";
import { freshDatabase, postgresAvailable } from "../support/postgres.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const at = (s: number) => new Date(Date.UTC(2026, 2, 1, 10, 0, s)).toISOString();

function node(
  id: string,
  s: number,
  lineage: Record<string, unknown>,
  extra: Partial<Trace> = {},
): Trace {
  const group = lineage.lineage_group_id as string | undefined;
  return makeTrace({
    id,
    timestamp: at(s),
    created_at: at(s),
    org_id: "org-a",
    workspace_id: "ws-a",
    trace_group_id: group ?? null,
    request_body: `{"model":"gpt-4o-mini","n":"${id}"}`,
    response_body: `{"id":"resp-${id}"}`,
    metadata: { lineage_checkpoint_id: id, lineage_immutable: true, ...lineage },
    ...extra,
  });
}

const chain1 = {
  lineage_group_id: "group-1",
  lineage_thread_id: "thread-1",
  lineage_run_id: "run-1",
};
const chain2 = {
  lineage_group_id: "group-2",
  lineage_thread_id: "thread-1",
  lineage_run_id: "run-1",
};

/** The traces every case reads (reference 11.7 plus what the cases need). */
const traces: Trace[] = [
  node("trace-1", 1, { ...chain1, lineage_checkpoint_seq: 1 }),
  node("trace-2", 2, {
    ...chain1,
    lineage_checkpoint_seq: 2,
    lineage_parent_checkpoint_id: "trace-1",
  }),
  // Out of order: trace-3c is the earliest but the child of trace-2c, with no seq.
  node("trace-3c", 10, { ...chain2, lineage_parent_checkpoint_id: "trace-2c" }),
  node("trace-1c", 11, chain2),
  node("trace-2c", 12, {
    ...chain2,
    lineage_parent_checkpoint_id: "trace-1c",
    lineage_checkpoint_seq: 2,
  }),
  // Another thread of group-1.
  node("side-1", 20, { ...chain1, lineage_thread_id: "thread-9", lineage_checkpoint_seq: 1 }),
  // Another tenant in group-1 with the same thread and run.
  node("other-tenant", 3, { ...chain1, lineage_checkpoint_seq: 3 }, { workspace_id: "ws-b" }),
  // A trace with no lineage at all.
  node("alone", 30, {}),
];

const hideBodies: MiddlewareHandler = async (c, next) => {
  if (c.req.header("x-test-hide-bodies") === "1") c.set("hideBodies", true);
  await next();
};

interface Case {
  name: string;
  path: string;
  tenant?: string;
  hide?: boolean;
  status: number;
  checkpoints?: string[];
  expect?: (body: Json) => void;
}

const cases: Case[] = [
  {
    name: "reference 11.7: source = target, checkpoints up to it, target's detail",
    path: "/api/traces/trace-2/replay",
    status: 200,
    checkpoints: ["trace-1", "trace-2"],
    expect: (b) => {
      assert.equal(b.source_trace_id, "trace-2");
      assert.equal(b.target_checkpoint_id, "trace-2");
      assert.equal(b.target_trace.id, "trace-2");
      assert.equal(b.truncated, false);
      assert.equal(b.lineage.group_id, "group-1");
      assert.equal(b.lineage.checkpoint_seq, 2);
      assert.deepEqual(Object.keys(b.checkpoints[0]).sort(), [
        "created_at",
        "id",
        "latency_ms",
        "lineage",
        "model",
        "provider",
        "request_method",
        "request_path",
        "response_status",
        "timestamp",
        "total_tokens",
      ]);
      assert.equal(b.target_trace.request_body, '{"model":"gpt-4o-mini","n":"trace-2"}');
    },
  },
  {
    name: "reference 11.7: out-of-order traces reconstructed by parent links and seq",
    path: "/api/traces/trace-3c/replay",
    status: 200,
    checkpoints: ["trace-1c", "trace-2c", "trace-3c"],
  },
  {
    name: "checkpoint_id: the chain stops at the target",
    path: "/api/traces/trace-3c/replay?checkpoint_id=trace-2c",
    status: 200,
    checkpoints: ["trace-1c", "trace-2c"],
    expect: (b) => {
      assert.equal(b.source_trace_id, "trace-3c");
      assert.equal(b.target_checkpoint_id, "trace-2c");
      assert.equal(b.target_trace.id, "trace-2c");
    },
  },
  {
    name: "thread_id override: the group's other thread, the source always in",
    path: "/api/traces/trace-1/replay?thread_id=thread-9&checkpoint_id=side-1",
    status: 200,
    checkpoints: ["trace-1", "side-1"],
  },
  {
    name: "run_id override matching nothing: the source alone (filters select exactly)",
    path: "/api/traces/trace-2/replay?run_id=run-none",
    status: 200,
    checkpoints: ["trace-2"],
  },
  {
    name: "a trace without lineage is its own single checkpoint",
    path: "/api/traces/alone/replay",
    status: 200,
    checkpoints: ["alone"],
    expect: (b) => {
      assert.equal(b.lineage.group_id, null);
      assert.equal(b.truncated, false);
    },
  },
  {
    name: "limit=0 means 200",
    path: "/api/traces/trace-2/replay?limit=0",
    status: 200,
    checkpoints: ["trace-1", "trace-2"],
  },
  {
    name: "capped history with the target last: truncated",
    path: "/api/traces/trace-2c/replay?limit=2",
    status: 200,
    // The newest two (trace-1c, trace-2c) are read; trace-3c, the oldest stored, is left out.
    checkpoints: ["trace-1c", "trace-2c"],
    expect: (b) => assert.equal(b.truncated, true),
  },
  {
    name: "capped history with the target not last: not truncated",
    path: "/api/traces/trace-2c/replay?limit=2&checkpoint_id=trace-1c",
    status: 200,
    checkpoints: ["trace-1c"],
    expect: (b) => assert.equal(b.truncated, false),
  },
  {
    name: "a checkpoint outside the chain: 404 checkpoint not found",
    path: "/api/traces/trace-2/replay?checkpoint_id=trace-2c",
    status: 404,
    expect: (b) => assert.match(b.error.message, /^checkpoint not found: trace-2c/),
  },
  {
    name: "no such trace: 404",
    path: "/api/traces/nope/replay",
    status: 404,
    expect: (b) => assert.equal(b.error.message, "trace nope not found"),
  },
  {
    name: "tenant: another tenant's trace is a 404",
    path: "/api/traces/other-tenant/replay",
    tenant: "org-a/ws-a",
    status: 404,
    expect: (b) => assert.equal(b.error.message, "trace other-tenant not found"),
  },
  {
    name: "tenant: the other tenant's trace in the same group stays out",
    path: "/api/traces/trace-2/replay",
    tenant: "org-a/ws-a",
    status: 200,
    checkpoints: ["trace-1", "trace-2"],
  },
  {
    name: "tenant: nor can it be the target",
    path: "/api/traces/trace-2/replay?checkpoint_id=other-tenant",
    tenant: "org-a/ws-a",
    status: 404,
  },
  {
    name: "without tenant scope (auth off) every tenant is read",
    path: "/api/traces/trace-2/replay?checkpoint_id=other-tenant",
    status: 200,
    checkpoints: ["trace-1", "trace-2", "other-tenant"],
  },
  {
    name: "bodies withheld without bodies:read, the rest of the detail kept",
    path: "/api/traces/trace-2/replay",
    hide: true,
    status: 200,
    checkpoints: ["trace-1", "trace-2"],
    expect: (b) => {
      assert.equal(b.target_trace.request_body, null);
      assert.equal(b.target_trace.response_body, null);
      assert.equal(b.target_trace.lineage.checkpoint_seq, 2);
      assert.ok(!JSON.stringify(b).includes('gpt-4o-mini\\",\\"n'), "no body text anywhere");
    },
  },
  ...[
    ["limit=501", "limit"],
    ["limit=-1", "limit"],
    ["limit=x", "limit"],
    ["include_bodies=true", "include_bodies"],
    ["checkpoint_id=a&checkpoint_id=b", "checkpoint_id"],
  ].map(([qs, parameter]): Case => ({
    name: `400 on ${qs}`,
    path: `/api/traces/trace-2/replay?${qs}`,
    status: 400,
    expect: (b) => assert.equal(b.error.parameter, parameter),
  })),
];

Deno.test("GET /api/traces/{id}/replay: table over the SQLite store", async (t) => {
  const fx = await apiFixture(traces, { middleware: [hideBodies] });
  try {
    for (const c of cases) {
      await t.step(c.name, async () => {
        const headers: Record<string, string> = {};
        if (c.tenant) headers["x-test-scope"] = c.tenant;
        if (c.hide) headers["x-test-hide-bodies"] = "1";
        const res = await fx.get(c.path, { headers });
        const body = await res.json() as Json;
        assert.equal(res.status, c.status, JSON.stringify(body));
        if (c.checkpoints) {
          assert.deepEqual(body.checkpoints.map((x: Json) => x.id), c.checkpoints);
        }
        c.expect?.(body);
      });
    }
  } finally {
    await fx.close();
  }
});

Deno.test("GET replay: target_trace is the trace detail document, checkpoints its lineage", async () => {
  const fx = await apiFixture(traces, { middleware: [hideBodies] });
  try {
    for (const hide of [false, true]) {
      const headers = hide ? { "x-test-hide-bodies": "1" } : {} as Record<string, string>;
      const replay = await (await fx.get("/api/traces/trace-3c/replay", { headers }))
        .json() as Json;
      const detail = await (await fx.get("/api/traces/trace-3c", { headers })).json() as Json;
      assert.deepEqual(replay.target_trace, detail);
      const first = await (await fx.get("/api/traces/trace-1c")).json() as Json;
      assert.deepEqual(replay.checkpoints[0].lineage, first.lineage);
      assert.equal(replay.checkpoints[0].total_tokens, first.total_tokens);
    }
  } finally {
    await fx.close();
  }
});

const pg = postgresAvailable();
Deno.test({
  name: "GET replay over PostgreSQL: the same order, target and tenant scope",
  ignore: "skip" in pg,
  async fn() {
    const db = await freshDatabase();
    const store = await openPostgresStore({ dsn: db.dsn });
    try {
      await store.writeBatch(traces);
      const replay = (id: string, query: Record<string, string | number>, tenant?: string) =>
        buildReplay(store, {
          id,
          query,
          scope: tenant === undefined ? undefined : { org_id: "org-a", workspace_id: tenant },
          hideBodies: false,
          now: () => 0,
        });
      const ids = (r: { checkpoints: { id: string }[] }) => r.checkpoints.map((c) => c.id);
      assert.deepEqual(ids(await replay("trace-3c", {})), ["trace-1c", "trace-2c", "trace-3c"]);
      assert.deepEqual(ids(await replay("trace-2", {}, "ws-a")), ["trace-1", "trace-2"]);
      const capped = await replay("trace-2c", { limit: 2 });
      assert.deepEqual([ids(capped), capped.truncated], [["trace-1c", "trace-2c"], true]);
      await assert.rejects(replay("other-tenant", {}, "ws-a"), /trace other-tenant not found/);
      await assert.rejects(
        replay("trace-2", { checkpoint_id: "other-tenant" }, "ws-a"),
        /^.*checkpoint not found/,
      );
    } finally {
      await store.close();
      await db.drop();
    }
  },
});
