/**
 * Routes and attempts in the API (issue 19): the trace detail shows the attempt records, the
 * list the route and attempt count (records left out), `route` filters the list and the export,
 * the export carries the records (NDJSON as a list, CSV as JSON text in one cell), and
 * `/api/analytics/failovers` counts per route and target (requests it answered, attempts made on
 * it, failures by outcome and reason, failovers away from it), in the caller's tenant.
 */
import assert from "node:assert/strict";
import { routedAttempts, routedHistory } from "../store/conformance_attempts.ts";
import { apiFixture, json } from "./api_fixture.ts";
import { parseCsv } from "./csv_parse.ts";

const tenant = { headers: { "x-test-scope": "org-r/ws-r" } };

Deno.test("traces API: detail has the attempt records, the list the route and count only", async () => {
  const history = routedHistory();
  const fx = await apiFixture(history);
  try {
    const routed = history[2]!;
    const detail = await json(await fx.get(`/api/traces/${routed.id}`, tenant));
    assert.equal(detail.route, "gpt-main");
    assert.equal(detail.attempt_count, 3);
    assert.deepStrictEqual(detail.attempts, routedAttempts());
    const unrouted = history[5]!;
    const plain = await json(await fx.get(`/api/traces/${unrouted.id}`, tenant));
    assert.deepStrictEqual([plain.route, plain.attempt_count, plain.attempts], [null, 1, null]);

    const list = await json(await fx.get("/api/traces?route=gpt-main", tenant));
    const items = list.items as Record<string, unknown>[];
    assert.equal(items.length, 4);
    for (const item of items) {
      assert.equal(item.route, "gpt-main");
      assert.ok(!("attempts" in item));
    }
    assert.deepStrictEqual(items.map((i) => i.attempt_count), [40, 3, 1, 1]);
    const none = await json(await fx.get("/api/traces?route=nope", tenant));
    assert.deepStrictEqual(none.items, []);
  } finally {
    await fx.close();
  }
});

Deno.test("export API: attempt records in NDJSON and as JSON text in CSV, route filter", async () => {
  const fx = await apiFixture(routedHistory());
  try {
    const nd = await (await fx.get("/api/traces/export?format=ndjson&route=gpt-main", tenant))
      .text();
    const lines = nd.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 4);
    assert.deepStrictEqual(lines[1].attempts, routedAttempts());

    const csv = await (await fx.get("/api/traces/export?format=csv", tenant)).text();
    const [header, ...rows] = parseCsv(csv);
    const col = (name: string) => header!.indexOf(name);
    assert.ok(col("route") >= 0 && col("attempt_count") >= 0 && col("attempts") >= 0);
    const routed = rows.filter((r) => r[col("route")] === "gpt-main");
    assert.equal(routed.length, 4);
    assert.deepStrictEqual(JSON.parse(routed[1]![col("attempts")]!), routedAttempts());
    const unrouted = rows.filter((r) => r[col("route")] === null);
    assert.deepStrictEqual(unrouted.map((r) => [r[col("attempt_count")], r[col("attempts")]]), [
      ["1", null],
    ]);
  } finally {
    await fx.close();
  }
});

Deno.test("analytics API: failovers per route and target, in the caller's tenant", async () => {
  const fx = await apiFixture(routedHistory());
  try {
    const body = await json(await fx.get("/api/analytics/failovers", tenant));
    const none = { failures_by_outcome: {}, failures_by_reason: {}, failed_over_from_count: 0 };
    assert.deepStrictEqual(body.items, [
      {
        route: "gpt-main",
        provider: "anthropic",
        model: "claude-main",
        request_count: 2,
        failover_count: 2,
        attempt_count: 43,
        error_count: 1,
        target_attempt_count: 2,
        target_failure_count: 0,
        ...none,
      },
      {
        route: "gpt-main",
        provider: "openai",
        model: "gpt-main",
        request_count: 2,
        failover_count: 0,
        attempt_count: 2,
        error_count: 0,
        target_attempt_count: 4,
        target_failure_count: 2,
        failures_by_outcome: { status: 2 },
        failures_by_reason: { retry_after_too_long: 2 },
        failed_over_from_count: 2,
      },
      {
        route: "cheap",
        provider: "openai",
        model: "gpt-mini",
        request_count: 1,
        failover_count: 0,
        attempt_count: 1,
        error_count: 0,
        target_attempt_count: 1,
        target_failure_count: 0,
        ...none,
      },
      {
        route: "gpt-main",
        provider: "azure-eu",
        model: "gpt-main",
        request_count: 0,
        failover_count: 0,
        attempt_count: 0,
        error_count: 0,
        target_attempt_count: 2,
        target_failure_count: 2,
        failures_by_outcome: { timeout: 2 },
        failures_by_reason: { 'connection failed: héllo "quoted", comma': 2 },
        failed_over_from_count: 2,
      },
    ]);
    const other = await json(
      await fx.get("/api/analytics/failovers", { headers: { "x-test-scope": "org-x/ws-x" } }),
    );
    assert.deepStrictEqual(other.items, [], "another tenant sees none of it");
    const azure = await json(await fx.get("/api/analytics/failovers?provider=azure-eu", tenant));
    assert.deepStrictEqual(
      (azure.items as { provider: string }[]).map((i) => i.provider),
      ["azure-eu"],
    );
    const one = await json(await fx.get("/api/analytics/failovers?route=cheap&limit=1", tenant));
    assert.equal((one.items as unknown[]).length, 1);
    const bad = await fx.get("/api/analytics/failovers?limit=0", tenant);
    assert.equal(bad.status, 400);
    const reversed = await fx.get(
      "/api/analytics/failovers?from=2026-03-03T00:00:00Z&to=2026-03-02T00:00:00Z",
      tenant,
    );
    assert.equal(reversed.status, 400);
    // The existing group_by=route still means the request path (unchanged).
    const byPath = await json(await fx.get("/api/analytics/usage?group_by=route", tenant));
    const groups = (byPath.items as { group: string }[]).map((i) => i.group);
    assert.ok(groups.every((g) => g.startsWith("/")), groups.join());
  } finally {
    await fx.close();
  }
});
