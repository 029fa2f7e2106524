import assert from "node:assert/strict";
import { apiFixture, json, scopeFromHeader, writerStats } from "./api_fixture.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";
import { GatewayError } from "../../src/errors/mod.ts";
import { openSqliteStore } from "../../src/store/mod.ts";
import { createApiRoutes } from "../../src/api/mod.ts";

Deno.test("GET / names the service", async () => {
  const fx = await apiFixture([]);
  try {
    const res = await fx.get("/");
    assert.equal(res.status, 200);
    assert.deepStrictEqual(await res.json(), {
      name: "ongoingai gateway",
      version: "1.2.3",
      status: "ok",
    });
    const head = await fx.get("/", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
  } finally {
    await fx.close();
  }
});

Deno.test("GET /api/health reports uptime, storage and queue figures, no global trace count", async () => {
  const fx = await apiFixture([makeTrace(), makeTrace()]);
  try {
    const res = await fx.get("/api/health");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const body = await json(res);
    const size = (await fx.store.stats()).db_size_bytes;
    assert.ok(typeof size === "number" && size > 0);
    assert.deepStrictEqual(body, {
      status: "ok",
      version: "1.2.3",
      uptime_sec: 42,
      storage_driver: "sqlite",
      db_size_bytes: size,
      trace_store: "ok",
      trace_queue: { accepted: 120, written: 117, dropped: 4, depth: 2, capacity: 16_384 },
    });
    assert.ok(!("trace_count" in body));
    const head = await fx.get("/api/health", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
  } finally {
    await fx.close();
  }
});

Deno.test("GET /api/health still answers when store stats fail, and shows a degraded store", async () => {
  const store = await openSqliteStore({ path: ":memory:" });
  const fx = await apiFixture([], {
    store: {
      listTraces: (q) => store.listTraces(q),
      exportTraces: (q) => store.exportTraces(q),
      getTrace: (id, scope) => store.getTrace(id, scope),
      aggregate: (q) => store.aggregate(q),
      percentiles: (q) => store.percentiles(q),
      sessions: (q) => store.sessions(q),
      failovers: (q) => store.failovers(q),
      costLines: (q) => store.costLines(q),
      providerReports: (p) => store.providerReports(p),
      stats: () => Promise.reject(new Error("stat failed")),
    },
    writer: { snapshot: () => ({ ...writerStats, store_state: "degraded" }) },
  });
  try {
    const body = await json(await fx.get("/api/health"));
    assert.ok(!("db_size_bytes" in body));
    assert.equal(body.trace_store, "degraded");
    assert.equal(body.status, "ok");
  } finally {
    await fx.close();
    await store.close();
  }
});

Deno.test("API paths refuse other methods with 405 and Allow", async () => {
  const fx = await apiFixture([]);
  try {
    const cases = [
      ["POST", "/api/traces"],
      ["DELETE", "/api/traces/x"],
      ["PUT", "/api/health"],
      ["POST", "/api/traces/export"],
      ["DELETE", "/api/diagnostics/trace-pipeline"],
    ] as const;
    for (const [method, path] of cases) {
      const res = await fx.get(path, { method });
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(res.headers.get("allow"), "GET, HEAD");
      const error = (await json(res)).error as Record<string, unknown>;
      assert.equal(error.code, "method_not_allowed");
    }
  } finally {
    await fx.close();
  }
});

Deno.test("an unknown API path is a route_not_found error", async () => {
  const fx = await apiFixture([]);
  try {
    await assert.rejects(
      async () => await fx.api.fetch(new Request("http://gw/api/nope")),
      (err: unknown) => {
        assert.ok(err instanceof GatewayError);
        assert.equal(err.code, "route_not_found");
        assert.match(err.message, /GET \/api\/nope/);
        return true;
      },
    );
  } finally {
    await fx.close();
  }
});

Deno.test("called directly with fetch, the API throws its errors to the caller", async () => {
  const store = await openSqliteStore({ path: ":memory:" });
  const api = createApiRoutes({
    store,
    writer: { snapshot: () => writerStats },
    version: "1.2.3",
    startedAt: 0,
    now: () => 0,
    storageDriver: "sqlite",
    middleware: [scopeFromHeader],
  });
  try {
    await assert.rejects(
      async () => await api.fetch(new Request("http://gw/api/traces?limit=0")),
      (err: unknown) => err instanceof GatewayError && err.code === "invalid_parameter",
    );
    const trace = makeTrace({ org_id: "org-a", workspace_id: "ws-a" });
    await store.writeBatch([trace]);
    const ok = await api.fetch(new Request(`http://gw/api/traces/${trace.id}`));
    assert.equal(ok.status, 200);
    const scoped = new Request(`http://gw/api/traces/${trace.id}`, {
      headers: { "x-test-scope": "org-b/ws-a" },
    });
    await assert.rejects(async () => await api.fetch(scoped), (err: unknown) => {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.code, "not_found");
      return true;
    }, "middleware passed in deps sets the scope");
  } finally {
    await store.close();
  }
});
