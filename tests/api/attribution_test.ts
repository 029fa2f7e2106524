/**
 * Attribution and noise in the analytics API (issue 18, items 3 and 4): group_by developer,
 * agent and session, the sessions view, and requests that named no model kept out of per-model
 * listings, counted apart. The store is real (SQLite); both stores' numbers are checked by the
 * conformance suite.
 */
import assert from "node:assert/strict";
import { models } from "../../src/api/analytics_bodies.ts";
import { nonGeneration } from "../../src/api/analytics_attribution.ts";
import type { AggregateRow } from "../../src/store/mod.ts";
import { attributionHistory } from "../store/conformance_attribution.ts";
import { apiFixture, json } from "./api_fixture.ts";

const s1 = "01a24c4c-221f-7292-8afe-3e9679c05007";
const s2 = "9e8e37f1-452f-433c-80ff-6a412fa20ab6";
const tenant = { headers: { "x-test-scope": "default/default" } };

Deno.test("analytics API: per-model listings leave requests without a model out, counted apart", async () => {
  const fx = await apiFixture(attributionHistory());
  try {
    const m = await json(await fx.get("/api/analytics/models", tenant));
    const items = m.items as { model: string; request_count: number }[];
    assert.deepStrictEqual(items.map((i) => i.model), [
      "gpt-6.2-sol",
      "claude-opus-5-5",
      "gpt-4o-mini",
      "gpt-5.5",
    ]);
    assert.deepStrictEqual(m.non_generation, {
      request_count: 1,
      error_count: 0,
      unpriced_count: 0,
      unknown_usage_count: 0,
    });
    for (const view of ["cost", "usage"]) {
      const body = await json(await fx.get(`/api/analytics/${view}?group_by=model`, tenant));
      const groups = (body.items as { group: string }[]).map((i) => i.group);
      assert.ok(!groups.includes("unknown"), `${view}: ${groups}`);
      assert.equal((body.non_generation as { request_count: number }).request_count, 1, view);
    }
    // Grouped otherwise, every group is listed and there is no non_generation figure.
    const byProvider = await json(await fx.get("/api/analytics/cost?group_by=provider", tenant));
    assert.ok(!("non_generation" in byProvider));
    // The totals still count the probe.
    const summary = await json(await fx.get("/api/analytics/summary", tenant));
    assert.equal(summary.total_requests, 6);
    assert.equal(summary.top_model, "gpt-6.2-sol");
  } finally {
    await fx.close();
  }
});

Deno.test("analytics API: group_by developer and agent; sessions are the sessions view's", async () => {
  const fx = await apiFixture(attributionHistory());
  try {
    const groups = async (by: string) =>
      ((await json(await fx.get(`/api/analytics/cost?group_by=${by}`, tenant))).items as {
        group: string | null;
        request_count: number;
        total_cost_usd: number | null;
      }[]).map((i) => [i.group, i.request_count, i.total_cost_usd]);
    assert.deepStrictEqual(await groups("developer"), [
      ["alice", 3, 0.003],
      ["bob", 2, 0.5],
      [null, 1, 0.25],
    ]);
    assert.deepStrictEqual(await groups("agent"), [
      ["codex", 3, 0.003],
      ["claude-code", 2, 0.5],
      [null, 1, 0.25],
    ]);
    // The same figures per session come from the sessions view (bounded by its limit).
    const sessions = await json(await fx.get("/api/analytics/sessions", tenant));
    assert.deepStrictEqual(
      (sessions.items as { session_id: string; request_count: number; total_cost_usd: number }[])
        .map((i) => [i.session_id, i.request_count, i.total_cost_usd]),
      [[s1, 3, 0.003], [s2, 2, 0.5]],
    );
    const bad = await fx.get("/api/analytics/cost?group_by=user", tenant);
    assert.equal(bad.status, 400);
    assert.match(
      JSON.stringify(await bad.json()),
      /developer, agent, route_name \(route is the request path; .*per session: /,
    );
  } finally {
    await fx.close();
  }
});

// Review M4: group_by=session answered one row per session of the range, unbounded (200,000
// sessions, 200,000 rows; latency read every trace). It is refused, pointing at the sessions view.
Deno.test("analytics API: group_by=session is refused in every view, pointing at /api/analytics/sessions", async () => {
  const fx = await apiFixture(attributionHistory());
  try {
    for (const view of ["usage", "cost", "latency", "errors"]) {
      for (const value of ["session", "SESSION", " session "]) {
        const res = await fx.get(
          `/api/analytics/${view}?group_by=${encodeURIComponent(value)}`,
          tenant,
        );
        assert.equal(res.status, 400, `${view} ${value}`);
        const body = JSON.stringify(await res.json());
        assert.match(body, /group_by=session is not offered by this view/, body);
        assert.match(body, /\/api\/analytics\/sessions/, body);
        assert.match(body, /"parameter":"group_by"/, body);
      }
    }
  } finally {
    await fx.close();
  }
});

Deno.test("analytics API: sessions view, tenant-scoped, with limits and filters", async () => {
  const fx = await apiFixture(attributionHistory());
  try {
    const body = await json(await fx.get("/api/analytics/sessions", tenant));
    const items = body.items as Record<string, unknown>[];
    assert.deepStrictEqual(items.map((i) => [i.session_id, i.agent, i.developer]), [
      [s1, "codex", "alice"],
      [s2, "claude-code", "bob"],
    ]);
    assert.deepStrictEqual(items[0]!.models, [
      { model: "gpt-6.2-sol", request_count: 2 },
      { model: "gpt-5.5", request_count: 1 },
    ]);
    assert.equal(items[0]!.total_cost_usd, 0.003);
    assert.equal(items[0]!.unpriced_count, 1);
    assert.equal(items[1]!.non_generation_count, 1);
    // Another tenant sees only its own session (same id, other traffic).
    const other = await json(
      await fx.get("/api/analytics/sessions", { headers: { "x-test-scope": "org-b/default" } }),
    );
    assert.deepStrictEqual(
      (other.items as Record<string, unknown>[]).map((i) => [i.developer, i.total_cost_usd]),
      [["mallory", 7]],
    );
    const one = await json(await fx.get("/api/analytics/sessions?limit=1&developer=bob", tenant));
    assert.deepStrictEqual((one.items as { session_id: string }[]).map((i) => i.session_id), [s2]);
    for (const bad of ["limit=0", "limit=501", "from=yesterday", "from=2026-03-03&to=2026-03-02"]) {
      const res = await fx.get(`/api/analytics/sessions?${bad}`, tenant);
      assert.equal(res.status, 400, bad);
      await res.body?.cancel();
    }
    // The traces of one session.
    const traces = await json(await fx.get(`/api/traces?session_id=${s2}`, tenant));
    assert.deepStrictEqual(
      (traces.items as Record<string, unknown>[]).map((t) => [t.model, t.agent, t.developer]),
      [["claude-opus-5-5", "claude-code", "bob"], ["unknown", "claude-code", "bob"]],
    );
  } finally {
    await fx.close();
  }
});

Deno.test("non-generation: table of model rows", () => {
  const row = (group: string | null, request_count: number, errors = 0) =>
    ({
      group,
      request_count,
      error_count_4xx: errors,
      error_count_5xx: 0,
      unpriced_count: 0,
      unknown_usage_count: 0,
    }) as AggregateRow;
  const cases: [string, AggregateRow[], string[], number][] = [
    ["probes outnumber generations", [row("unknown", 40, 40), row("claude-opus-5-5", 2)], [
      "claude-opus-5-5",
    ], 40],
    ["no probes", [row("gpt-4o", 3)], ["gpt-4o"], 0],
    ["only probes", [row("unknown", 7)], [], 7],
    ["nothing stored", [], [], 0],
  ];
  for (const [name, rows, listed, probes] of cases) {
    const body = models(rows);
    assert.deepStrictEqual(body.items.map((i) => i.model), listed, name);
    assert.equal(body.non_generation.request_count, probes, name);
    assert.deepStrictEqual(nonGeneration(rows), body.non_generation, name);
  }
});
