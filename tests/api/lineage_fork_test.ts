/**
 * `POST /api/traces/{id}/fork` (reference 5.3 "Fork", 11.7) over the real SQLite store: the
 * derived lineage and headers, the body rules (unknown fields, trailing JSON, 16 KiB read
 * bounded), the group check, tenant scope, and that nothing is written.
 */
import assert from "node:assert/strict";
import { apiFixture } from "./api_fixture.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";
import type { Trace } from "../../src/traces/trace.ts";
import { deriveFork, forkBodyLimit, readForkBody } from "../../src/api/lineage_fork.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const at = (s: number) => new Date(Date.UTC(2026, 2, 1, 10, 0, s)).toISOString();

function node(id: string, lineage: Record<string, unknown>, extra: Partial<Trace> = {}): Trace {
  const group = lineage.lineage_group_id as string | undefined;
  return makeTrace({
    id,
    timestamp: at(1),
    created_at: at(1),
    org_id: "org-a",
    workspace_id: "ws-a",
    trace_group_id: group ?? null,
    metadata: { lineage_checkpoint_id: id, lineage_immutable: true, ...lineage },
    ...extra,
  });
}

const chain1 = {
  lineage_group_id: "group-1",
  lineage_thread_id: "thread-1",
  lineage_run_id: "run-1",
};

const traces: Trace[] = [
  node("trace-1", { ...chain1, lineage_checkpoint_seq: 1 }),
  node("trace-2", {
    ...chain1,
    lineage_checkpoint_seq: 2,
    lineage_parent_checkpoint_id: "trace-1",
  }),
  node("g2", { lineage_group_id: "group-2", lineage_checkpoint_seq: 7 }),
  node("alone", {}),
  // A group only in the trace_group_id column (no lineage_group_id key).
  node("column-only", {}, { trace_group_id: "group-col" }),
  node("theirs", { ...chain1, lineage_checkpoint_seq: 5 }, { workspace_id: "ws-b" }),
];

interface Case {
  name: string;
  id: string;
  body?: BodyInit;
  headers?: Record<string, string>;
  tenant?: string;
  status: number;
  expect?: (b: Json) => void;
}

const json = (v: unknown) => JSON.stringify(v);
const big = json({ thread_id: "x".repeat(forkBodyLimit) });

/** A body with no Content-Length, sent in 1 KiB chunks. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + 1024));
      at += 1024;
    },
  });
}

const cases: Case[] = [
  {
    name: "reference 11.7: {} on trace-2",
    id: "trace-2",
    body: "{}",
    status: 200,
    expect: (b) => {
      assert.equal(b.source_trace_id, "trace-2");
      assert.equal(b.source_checkpoint_id, "trace-2");
      assert.match(b.fork_id, /^fork_[0-9a-f]{16}$/);
      assert.equal(b.lineage.group_id, "group-1");
      assert.equal(b.lineage.thread_id, "thread-1");
      assert.equal(b.lineage.parent_checkpoint_id, "trace-2");
      assert.equal(b.lineage.checkpoint_seq, 3);
      assert.match(b.lineage.run_id, /^run_[0-9a-f]{16}$/);
      assert.notEqual(b.lineage.run_id, "run-1");
      assert.deepEqual(b.headers, {
        "X-OngoingAI-Trace-Group-ID": "group-1",
        "X-OngoingAI-Thread-ID": "thread-1",
        "X-OngoingAI-Run-ID": b.lineage.run_id,
        "X-OngoingAI-Parent-Checkpoint-ID": "trace-2",
        "X-OngoingAI-Checkpoint-Seq": "3",
      });
    },
  },
  {
    name: "no body at all",
    id: "trace-2",
    status: 200,
    expect: (b) => assert.equal(b.lineage.checkpoint_seq, 3),
  },
  { name: "an empty body", id: "trace-2", body: "", status: 200 },
  { name: "a blank body", id: "trace-2", body: " \n", status: 200 },
  {
    name: "checkpoint_id, thread_id and run_id from the body",
    id: "trace-2",
    body: json({ checkpoint_id: "trace-1", thread_id: " branch-a ", run_id: "run-mine" }),
    status: 200,
    expect: (b) => {
      assert.equal(b.source_trace_id, "trace-2");
      assert.equal(b.source_checkpoint_id, "trace-1");
      assert.deepEqual(b.lineage, {
        group_id: "group-1",
        thread_id: "branch-a",
        run_id: "run-mine",
        parent_checkpoint_id: "trace-1",
        checkpoint_seq: 2,
      });
    },
  },
  {
    name: "empty strings count as absent",
    id: "trace-2",
    body: json({ checkpoint_id: "", thread_id: "", run_id: "" }),
    status: 200,
    expect: (b) => {
      assert.equal(b.source_checkpoint_id, "trace-2");
      assert.equal(b.lineage.thread_id, "thread-1");
      assert.match(b.lineage.run_id, /^run_/);
    },
  },
  {
    name: "no lineage: group and thread from the checkpoint id, seq 1",
    id: "alone",
    status: 200,
    expect: (b) =>
      assert.deepEqual({ ...b.lineage, run_id: "" }, {
        group_id: "alone",
        thread_id: "thread_alone",
        run_id: "",
        parent_checkpoint_id: "alone",
        checkpoint_seq: 1,
      }),
  },
  {
    name: "the group from the trace_group_id column",
    id: "column-only",
    status: 200,
    expect: (b) => assert.equal(b.lineage.group_id, "group-col"),
  },
  {
    name: "an ungrouped checkpoint under a grouped source keeps the source's group",
    id: "trace-2",
    body: json({ checkpoint_id: "alone" }),
    status: 200,
    expect: (b) => {
      assert.equal(b.lineage.group_id, "group-1");
      assert.equal(b.lineage.thread_id, "thread-1");
      assert.equal(b.lineage.parent_checkpoint_id, "alone");
    },
  },
  {
    name: "a checkpoint of another group: 400",
    id: "trace-2",
    body: json({ checkpoint_id: "g2" }),
    status: 400,
    expect: (b) =>
      assert.match(b.error.message, /^checkpoint must belong to the same trace lineage group/),
  },
  {
    name: "reference 11.7: an unknown field: 400",
    id: "trace-2",
    body: '{"unexpected":true}',
    status: 400,
    expect: (b) => assert.match(b.error.message, /^invalid fork request body: .*unexpected/),
  },
  {
    name: "reference 11.7: trailing JSON {} {}: 400",
    id: "trace-2",
    body: "{} {}",
    status: 400,
    expect: (b) => assert.match(b.error.message, /^invalid fork request body/),
  },
  ...["[]", "null", '"x"', "{", '{"thread_id":5}', json({ run_id: "a\nb" })].map((
    body,
  ): Case => ({ name: `400 on ${body}`, id: "trace-2", body, status: 400 })),
  {
    name: "a value longer than a lineage header keeps: 400",
    id: "trace-2",
    body: json({ thread_id: "t".repeat(257) }),
    status: 400,
  },
  {
    name: "not UTF-8: 400",
    id: "trace-2",
    body: new Uint8Array([0x7b, 0xff, 0x7d]),
    status: 400,
  },
  {
    name: "reference 11.7: over 16 KiB: 413",
    id: "trace-2",
    body: big,
    status: 413,
    expect: (b) => assert.match(b.error.message, /^fork request body too large/),
  },
  {
    name: "over 16 KiB without Content-Length (chunked): 413",
    id: "trace-2",
    body: chunked(big),
    status: 413,
  },
  {
    name: "exactly 16 KiB is read (and then judged)",
    id: "trace-2",
    body: `{"thread_id":"${"y".repeat(forkBodyLimit - 16)}"}`,
    status: 400,
    expect: (b) => assert.match(b.error.message, /^invalid fork request body/),
  },
  {
    name: "no such trace: 404",
    id: "nope",
    status: 404,
    expect: (b) => assert.equal(b.error.message, "trace nope not found"),
  },
  {
    name: "no such checkpoint: 404",
    id: "trace-2",
    body: json({ checkpoint_id: "nope" }),
    status: 404,
    expect: (b) => assert.match(b.error.message, /^checkpoint not found/),
  },
  {
    name: "tenant: another tenant's trace is a 404",
    id: "theirs",
    tenant: "org-a/ws-a",
    status: 404,
    expect: (b) => assert.equal(b.error.message, "trace theirs not found"),
  },
  {
    name: "tenant: another tenant's checkpoint is a 404",
    id: "trace-2",
    body: json({ checkpoint_id: "theirs" }),
    tenant: "org-a/ws-a",
    status: 404,
  },
  {
    name: "tenant: its own trace is forked",
    id: "theirs",
    tenant: "org-a/ws-b",
    status: 200,
    expect: (b) => assert.equal(b.lineage.checkpoint_seq, 6),
  },
];

Deno.test("POST /api/traces/{id}/fork: table over the SQLite store", async (t) => {
  const fx = await apiFixture(traces);
  try {
    const before = await fx.store.countTraces({});
    for (const c of cases) {
      await t.step(c.name, async () => {
        const headers: Record<string, string> = { ...c.headers };
        if (c.tenant) headers["x-test-scope"] = c.tenant;
        const res = await fx.get(`/api/traces/${c.id}/fork`, {
          method: "POST",
          headers,
          ...(c.body === undefined ? {} : { body: c.body }),
        });
        const body = await res.json() as Json;
        assert.equal(res.status, c.status, JSON.stringify(body));
        c.expect?.(body);
      });
    }
    assert.equal(await fx.store.countTraces({}), before, "a fork writes nothing");
    const a = await (await fx.get("/api/traces/trace-2/fork", { method: "POST" })).json() as Json;
    const b = await (await fx.get("/api/traces/trace-2/fork", { method: "POST" })).json() as Json;
    assert.notEqual(a.fork_id, b.fork_id);
    assert.notEqual(a.lineage.run_id, b.lineage.run_id);
    const get = await fx.get("/api/traces/trace-2/fork");
    assert.equal(get.status, 405);
    assert.equal(get.headers.get("allow"), "POST");
    await get.body?.cancel();
  } finally {
    await fx.close();
  }
});

Deno.test("readForkBody holds at most the limit + 1 and stops reading", async () => {
  let pulled = 0;
  const chunk = new Uint8Array(4096).fill(0x20);
  const endless = new ReadableStream<Uint8Array>({
    pull(c) {
      pulled += chunk.byteLength;
      c.enqueue(chunk);
    },
  });
  const req = new Request("http://x/", { method: "POST", body: endless });
  await assert.rejects(readForkBody(req), /fork request body too large/);
  assert.ok(pulled <= forkBodyLimit + 2 * chunk.byteLength, `pulled ${pulled}`);
  const lying = new Request("http://x/", {
    method: "POST",
    body: "{}",
    headers: { "content-length": String(forkBodyLimit + 1) },
  });
  await assert.rejects(readForkBody(lying), /too large/);
});

Deno.test("deriveFork: the original's fallbacks, in order", () => {
  const t = (id: string, m: Record<string, unknown>, group: string | null = null) =>
    makeTrace({ id, trace_group_id: group, metadata: m });
  const fixed = () => "0123456789abcdef";
  const rows: Array<[string, Trace, Trace, Record<string, string>, Json]> = [
    [
      "checkpoint's group, thread and seq",
      t("s", { lineage_group_id: "g", lineage_thread_id: "ts" }),
      t("c", { lineage_group_id: "g", lineage_thread_id: "tc", lineage_checkpoint_seq: 0 }),
      {},
      { group_id: "g", thread_id: "tc", run_id: "run_0123456789abcdef", seq: 1 },
    ],
    [
      "source's group and thread when the checkpoint has none",
      t("s", { lineage_group_id: "g", lineage_thread_id: "ts" }),
      t("c", {}),
      {},
      { group_id: "g", thread_id: "ts", run_id: "run_0123456789abcdef", seq: 1 },
    ],
    [
      "source's trace_group_id column",
      t("s", {}, "col"),
      t("c", {}),
      { run_id: "r" },
      { group_id: "col", thread_id: "thread_c", run_id: "r", seq: 1 },
    ],
    [
      "the checkpoint id last",
      t("s", {}),
      t("c", { lineage_checkpoint_seq: 41 }),
      { thread_id: "mine" },
      { group_id: "c", thread_id: "mine", run_id: "run_0123456789abcdef", seq: 42 },
    ],
  ];
  for (const [name, source, cp, body, want] of rows) {
    const f = deriveFork(source, cp, body, fixed)!;
    assert.deepEqual(
      {
        group_id: f.lineage.group_id,
        thread_id: f.lineage.thread_id,
        run_id: f.lineage.run_id,
        seq: f.lineage.checkpoint_seq,
      },
      want,
      name,
    );
    assert.equal(f.fork_id, "fork_0123456789abcdef");
    assert.equal(f.headers["X-OngoingAI-Checkpoint-Seq"], String(want.seq));
  }
  assert.equal(
    deriveFork(t("s", { lineage_group_id: "a" }), t("c", { lineage_group_id: "b" }), {}),
    null,
  );
});
