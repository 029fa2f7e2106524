import assert from "node:assert/strict";
import { apiFixture, json } from "./api_fixture.ts";
import { parseCsv } from "./csv_parse.ts";
import { traceFromCsv } from "./export_decode.ts";
import { type ApiDeps, exportColumns, traceExportRecordSchema } from "../../src/api/mod.ts";
import { openSqliteStore } from "../../src/store/mod.ts";
import type { Trace } from "../../src/traces/mod.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";
import { startHarness } from "../support/gateway_harness.ts";

const base = Date.UTC(2026, 2, 1, 10);
const iso = (ms: number) => new Date(base + ms).toISOString();

/** Varied traces: every kind of awkward value shows up somewhere in a large export. */
function manyTraces(n: number): Trace[] {
  return Array.from({ length: n }, (_, i) =>
    makeTrace({
      timestamp: iso(i * 1000),
      created_at: iso(i * 1000 + 250),
      org_id: i % 3 === 0 ? "org-a" : "org-b",
      workspace_id: i % 3 === 0 ? "ws-a" : "ws-b",
      provider: i % 2 === 0 ? "openai" : "anthropic",
      model: i % 5 === 0 ? 'model "five", v2' : `model-${i % 7}`,
      request_body: i % 4 === 0 ? null : `{"n":${i},"text":"line 1\r\nline 2, \\"q\\""}`,
      response_body: i % 6 === 0 ? "" : `ok ${i}`,
      input_tokens: i % 9 === 0 ? null : i,
      total_tokens: i % 9 === 0 ? null : i * 2,
      estimated_cost_usd: i % 9 === 0 ? null : i / 3e6,
      streaming: i % 2 === 1,
      error_code: i % 11 === 0 ? "upstream_truncated" : null,
      metadata: { i, note: i % 8 === 0 ? "a,b\nc" : "plain", nested: [i, null] },
    }));
}

async function readNdjson(res: Response): Promise<Trace[]> {
  const text = await res.text();
  assert.ok(text === "" || text.endsWith("\n"), "every line ends with LF");
  return text.split("\n").slice(0, -1).map((line) => {
    const parsed = JSON.parse(line);
    traceExportRecordSchema.parse(parsed);
    return parsed;
  });
}

async function readCsv(res: Response): Promise<Trace[]> {
  const [header, ...rows] = parseCsv(await res.text());
  assert.deepStrictEqual(header, exportColumns);
  return rows.map((row) => traceFromCsv(header!, row));
}

Deno.test("export: a few thousand traces, both formats, parsed back field by field", async () => {
  const traces = manyTraces(2_500);
  const fx = await apiFixture([], { now: () => Date.UTC(2026, 2, 1, 12, 30, 5, 123) });
  try {
    for (let i = 0; i < traces.length; i += 500) {
      await fx.store.writeBatch(traces.slice(i, i + 500));
    }
    const newestFirst = [...traces].reverse();
    for (const format of ["ndjson", "csv"] as const) {
      const res = await fx.get(`/api/traces/export?format=${format}`);
      assert.equal(res.status, 200);
      assert.equal(
        res.headers.get("content-type"),
        format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson",
      );
      assert.equal(
        res.headers.get("content-disposition"),
        `attachment; filename="traces-20260301T123005Z.${format}"`,
      );
      assert.equal(res.headers.get("cache-control"), "no-store");
      const got = format === "csv" ? await readCsv(res) : await readNdjson(res);
      assert.equal(got.length, traces.length, format);
      got.forEach((trace, i) => assert.deepStrictEqual(trace, newestFirst[i], `${format} #${i}`));
    }
    const byDefault = await fx.get("/api/traces/export");
    assert.equal(byDefault.headers.get("content-type"), "application/x-ndjson");
    assert.equal((await readNdjson(byDefault)).length, traces.length);
  } finally {
    await fx.close();
  }
});

Deno.test("export: filters, scope and limit apply as on the list", async () => {
  const traces = manyTraces(300);
  const fx = await apiFixture(traces);
  const ids = (list: Trace[]) => list.map((t) => t.id);
  const want = (keep: (t: Trace, i: number) => boolean) => ids(traces.filter(keep).reverse());
  const scoped = { headers: { "x-test-scope": "org-a/ws-a" } };
  try {
    const cases: [string, RequestInit, string[]][] = [
      ["provider=openai", {}, want((t) => t.provider === "openai")],
      ["format=CSV&model=model-3", {}, want((t) => t.model === "model-3")],
      ["from=" + iso(100_000) + "&to=" + iso(110_000), {}, want((_, i) => i >= 100 && i <= 110)],
      ["min_tokens=500", {}, want((t) => (t.total_tokens ?? -1) >= 500)],
      ["limit=7", {}, want(() => true).slice(0, 7)],
      ["limit=150&provider=anthropic", {}, want((t) => t.provider === "anthropic").slice(0, 150)],
      ["", scoped, want((t) => t.org_id === "org-a")],
      ["provider=openai", scoped, want((t) => t.org_id === "org-a" && t.provider === "openai")],
      ["provider=openai&format=csv", { headers: { "x-test-scope": "org-a/ws-b" } }, []],
    ];
    for (const [qs, init, wanted] of cases) {
      const res = await fx.get(`/api/traces/export?${qs}`, init);
      assert.equal(res.status, 200, qs);
      const csv = res.headers.get("content-type")!.startsWith("text/csv");
      const got = csv ? await readCsv(res) : await readNdjson(res);
      assert.deepStrictEqual(ids(got), wanted, `${qs} ${JSON.stringify(init)}`);
    }
  } finally {
    await fx.close();
  }
});

Deno.test("export: invalid parameters are a JSON 400 naming the parameter", async () => {
  const fx = await apiFixture([makeTrace()]);
  const cases: [string, string][] = [
    ["format=xml", "format"],
    ["format=csv&format=ndjson", "format"],
    ["limit=0", "limit"],
    ["limit=ten", "limit"],
    ["status=99", "status"],
    ["from=yesterday", "from"],
    ["from=2026-03-02&to=2026-03-01", "to"],
    ["min_tokens=5&max_tokens=4", "max_tokens"],
    ["cursor=abc", "cursor"],
    ["fromat=csv", "fromat"],
  ];
  try {
    for (const [qs, parameter] of cases) {
      const res = await fx.get(`/api/traces/export?${qs}`);
      assert.equal(res.status, 400, qs);
      assert.match(res.headers.get("content-type") ?? "", /application\/json/, qs);
      const error = (await json(res)).error as Record<string, unknown>;
      assert.equal(error.code, "invalid_parameter", qs);
      assert.equal(error.parameter, parameter, qs);
      assert.ok(String(error.message).includes(parameter), `${qs}: ${error.message}`);
    }
  } finally {
    await fx.close();
  }
});

/** A store whose exportTraces fails from the `failAt`-th call on, counting calls. */
async function flakyStore(traces: Trace[], failAt: number) {
  const store = await openSqliteStore({ path: ":memory:" });
  await store.writeBatch(traces);
  const calls = { n: 0 };
  const wrapped: ApiDeps["store"] = {
    listTraces: (q) => store.listTraces(q),
    getTrace: (id, scope) => store.getTrace(id, scope),
    stats: () => store.stats(),
    aggregate: (q) => store.aggregate(q),
    percentiles: (q) => store.percentiles(q),
    sessions: (q) => store.sessions(q),
    failovers: (q) => store.failovers(q),
    costLines: (q) => store.costLines(q),
    providerReports: (p) => store.providerReports(p),
    exportTraces: (q) => {
      calls.n++;
      return calls.n >= failAt
        ? Promise.reject(new Error("disk I/O error"))
        : store.exportTraces(q);
    },
  };
  return { store, wrapped, calls };
}

function captureLog() {
  const lines: { msg: string; fields: Record<string, unknown> | undefined }[] = [];
  return {
    lines,
    log: {
      error: (msg: string, fields?: Record<string, unknown>) => void lines.push({ msg, fields }),
      info: () => {},
    },
  };
}

Deno.test("export: a store failure part-way errors the stream (no clean end) and is logged", async () => {
  for (const format of ["ndjson", "csv"]) {
    const { store, wrapped } = await flakyStore(manyTraces(50), 3);
    const { lines, log } = captureLog();
    const fx = await apiFixture([], { store: wrapped, exportPageSize: 10, log });
    try {
      const res = await fx.get(`/api/traces/export?format=${format}`);
      assert.equal(res.status, 200, "headers were sent before the failure");
      const reader = res.body!.getReader();
      const utf8 = new TextDecoder();
      let received = "";
      await assert.rejects(async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          received += utf8.decode(value);
        }
      }, /disk I\/O error/);
      const rows = format === "csv" ? parseCsv(received).length : received.split("\n").length - 1;
      assert.equal(rows, format === "csv" ? 21 : 20, "two pages arrived, then the break");
      assert.equal(lines.length, 1);
      assert.match(lines[0]!.msg, /trace export failed/);
      assert.deepStrictEqual(lines[0]!.fields, {
        format,
        rows_sent: 20,
        error: "disk I/O error",
      });
    } finally {
      await fx.close();
      await store.close();
    }
  }
});

Deno.test("export: a store failure before the first byte is a JSON error, not a 200", async () => {
  const { store, wrapped } = await flakyStore(manyTraces(5), 1);
  const fx = await apiFixture([], { store: wrapped });
  try {
    const res = await fx.get("/api/traces/export?format=csv");
    assert.equal(res.status, 500);
    assert.equal(((await json(res)).error as Record<string, unknown>).code, "internal_error");
  } finally {
    await fx.close();
    await store.close();
  }
});

Deno.test("export: pages are read only as the client reads, and not after it stops", async () => {
  const { store, wrapped, calls } = await flakyStore(manyTraces(100), Infinity);
  const fx = await apiFixture([], { store: wrapped, exportPageSize: 10 });
  try {
    const res = await fx.get("/api/traces/export");
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(calls.n, 1, "the first page only, before any read");
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(calls.n <= 3, `read ahead at most one page (${calls.n} reads)`);
    await reader.cancel();
    const after = calls.n;
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(calls.n, after, "a cancelled export reads nothing more");
  } finally {
    await fx.close();
    await store.close();
  }
});

Deno.test("export through the gateway: the route is not taken for a trace id", async () => {
  const h = await startHarness();
  try {
    const trace = makeTrace();
    await h.store.writeBatch([trace]);
    const res = await h.request("/api/traces/export?format=ndjson");
    assert.equal(res.status, 200);
    assert.ok(res.headers.get("x-ongoingai-correlation-id"));
    assert.deepStrictEqual(await readNdjson(res), [trace]);
    const bad = await h.request("/api/traces/export?format=pdf");
    assert.equal(bad.status, 400);
    const post = await h.request("/api/traces/export", { method: "POST" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
  } finally {
    await h.close();
  }
});

Deno.test("export over a real socket: a failure part-way breaks the transfer for the client", async () => {
  const { store, wrapped } = await flakyStore(manyTraces(50), 3);
  const { log } = captureLog();
  const fx = await apiFixture([], { store: wrapped, exportPageSize: 10, log });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, fx.app.fetch);
  try {
    const res = await fetch(`http://127.0.0.1:${server.addr.port}/api/traces/export?format=csv`);
    assert.equal(res.status, 200);
    await assert.rejects(res.text(), "the body does not end as a complete file");
  } finally {
    await server.shutdown();
    await fx.close();
    await store.close();
  }
});
