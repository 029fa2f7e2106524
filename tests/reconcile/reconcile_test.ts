/**
 * `reconcile` on small hand-made cases, one cause each, plus what the comparison must never do:
 * show an unknown as 0, compare days the report does not cover, or compare a per-day figure per
 * model.
 */
import assert from "node:assert/strict";
import {
  type GatewayRow,
  mergeReports,
  parseReport,
  reconcile,
  type ReconcileLine,
} from "../../src/reconcile/mod.ts";
import { anthropicCost, anthropicUsage, type Cost, gw, type Use } from "./scenarios.ts";

const d1 = "2026-11-01";
const d2 = "2026-11-02";
const d3 = "2026-11-03";
const sonnet = "claude-sonnet-4-5";

function report(days: string[], uses: Use[], costs?: Cost[]) {
  const u = parseReport(anthropicUsage(days, uses), "anthropic", { name: "usage.json" });
  return costs === undefined ? u : mergeReports([
    u,
    parseReport(anthropicCost(days, costs), "anthropic", { name: "cost.json" }),
  ]);
}

const causes = (l: ReconcileLine | undefined) => l?.explanations.map((e) => e.cause);
const line = (r: ReturnType<typeof reconcile>, day: string, model: string | null = sonnet) =>
  r.lines.find((l) => l.day === day && l.model === model);

Deno.test("a day × model the gateway never saw: all of it bypassed (100%)", () => {
  const r = reconcile(
    [],
    report([d1], [{ day: d1, model: sonnet, u: 1000, o: 200 }], [{
      day: d1,
      model: sonnet,
      cents: "150",
    }]),
  );
  const l = line(r, d1)!;
  assert.deepEqual(causes(l), ["bypass"]);
  assert.equal(
    l.explanations[0]!.message,
    "traffic that bypassed the gateway: the report has 1,200 tokens, $1.5000; the gateway saw none (100%)",
  );
  assert.deepEqual([l.metrics.output!.gateway, l.metrics.output!.relative_difference], [0, -1]);
});

Deno.test("tokens lower while the gateway has requests of unknown usage: usage marked unknown, not bypass", () => {
  const rows = [gw(d1, sonnet, { u: 900, o: 180 }, 1.35, { unknown_usage_requests: 2 })];
  const r = reconcile(
    rows,
    report([d1], [{ day: d1, model: sonnet, u: 1000, o: 200 }], [{
      day: d1,
      model: sonnet,
      cents: "150",
    }]),
  );
  const l = line(r, d1)!;
  assert.deepEqual(causes(l), ["unknown_usage"]);
  assert.match(
    l.explanations[0]!.message,
    /^usage the gateway marked unknown \(2 requests\): .*\(10\.00% of the report's tokens, 120 tokens, \$0\.1500\)$/,
  );
  assert.deepEqual(l.gateway_requests_by_cost, {
    priced: 10,
    partial: 0,
    unpriced: 0,
    unknown_usage: 2,
  });
});

Deno.test("tokens agree, USD lower: unpriced requests, then partially priced ones, are the cause", () => {
  const rep = report([d1], [{ day: d1, model: sonnet, u: 1000, o: 200 }], [{
    day: d1,
    model: sonnet,
    cents: "150",
  }]);
  const unpriced = reconcile(
    [gw(d1, sonnet, { u: 1000, o: 200 }, 1.2, { unpriced_requests: 3 })],
    rep,
  );
  assert.deepEqual(causes(line(unpriced, d1)), ["unpriced"]);
  assert.equal(
    line(unpriced, d1)!.explanations[0]!.message,
    "unpriced model: 3 requests had no price, so the gateway's cost lacks theirs (-$0.3000)",
  );
  const partial = reconcile(
    [gw(d1, sonnet, { u: 1000, o: 200 }, 1.2, { partial_requests: 4 })],
    rep,
  );
  assert.deepEqual(causes(line(partial, d1)), ["partially_priced"]);
  assert.match(line(partial, d1)!.explanations[0]!.message, /^partially priced: 4 requests/);
});

Deno.test("gateway USD above the cost report with Priority Tier usage: the cost report leaves Priority out", () => {
  const rep = report([d1], [{ day: d1, model: sonnet, u: 1000, o: 200, tier: "priority" }], [{
    day: d1,
    model: sonnet,
    cents: "150",
  }]);
  assert.ok(rep.notes.some((n) => n.startsWith("Priority Tier usage on 1 day(s)")));
  const r = reconcile([gw(d1, sonnet, { u: 1000, o: 200 }, 2.5)], rep);
  assert.deepEqual(causes(line(r, d1)), ["priority_tier"]);
  assert.match(
    line(r, d1)!.explanations[0]!.message,
    /^Priority Tier: 1,200 tokens served at Priority Tier/,
  );
});

Deno.test("a price change the gateway lacks: the days before agree, the days from the change differ alike", () => {
  const days = ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04"];
  const uses = days.map((day) => ({ day, model: sonnet, u: 1000, o: 200 }));
  // The provider's price rose 10% from Nov 3; the gateway kept the old row.
  const costs = days.map((day, i) => ({ day, model: sonnet, cents: i < 2 ? "100" : "110" }));
  const rows = days.map((day) =>
    gw(day, sonnet, { u: 1000, o: 200 }, 1, { price_rows: ["sonnet@2025-09-29"] })
  );
  const r = reconcile(rows, report(days, uses, costs));
  assert.deepEqual(r.lines.filter((l) => l.beyond_tolerance).map((l) => l.day), [
    "2026-11-03",
    "2026-11-04",
  ]);
  assert.match(
    line(r, d3)!.explanations[0]!.message,
    /implied rate \$833\.3333\/M vs the report's \$916\.6667\/M \(0\.9091×\)/,
  );
  const total = r.totals.by_model[0]!;
  assert.equal(
    total.explanations[0]!.message,
    "a price that differs from 2026-11-03 on (2 days; the days before agree) by the same ratio 0.9091× (gateway/report): a price change on 2026-11-03 one side does not have",
  );
});

Deno.test("the gateway above the report on tokens: no rule fits, said as unexplained with the figures", () => {
  const r = reconcile(
    [gw(d1, sonnet, { u: 1100, o: 200 }, 1.5)],
    report([d1], [{ day: d1, model: sonnet, u: 1000, o: 200 }], [{
      day: d1,
      model: sonnet,
      cents: "150",
    }]),
  );
  assert.deepEqual(line(r, d1)!.explanations, [
    {
      cause: "unexplained",
      message: "unexplained: uncached input tokens +10.00%",
      metrics: ["uncached_input"],
    },
  ]);
});

Deno.test("unknown stays unknown: no requests in the usage report, unreadable values, writes with no lifetime", () => {
  const doc = anthropicUsage([d1], [{ day: d1, model: sonnet, u: 1000, o: 200, w5: 50 }]);
  (doc.data[0]!.results[0] as Record<string, unknown>).output_tokens = "lots";
  const r = reconcile(
    [gw(d1, sonnet, { u: 1000, o: 999, other: 50 }, 1)],
    parseReport(doc, "anthropic"),
  );
  const l = line(r, d1)!;
  assert.deepEqual(l.metrics.output, {
    gateway: 999,
    provider: null,
    difference: null,
    relative_difference: null,
    beyond_tolerance: false,
  });
  assert.equal(l.metrics.requests!.provider, null);
  assert.equal(l.metrics.usd!.provider, null, "no cost report: USD unknown");
  // The gateway's writes have no lifetime: its split is unknown, the total still compares.
  assert.equal(l.metrics.cache_write_5m!.gateway, null);
  assert.deepEqual([l.metrics.cache_write_total!.gateway, l.metrics.cache_write_total!.provider], [
    50,
    50,
  ]);
  assert.equal(l.beyond_tolerance, false);
  assert.equal(r.verdict.within_tolerance, true);
  assert.deepEqual(r.report.bad_values, { "anthropic usage `output_tokens`": 1 });
});

Deno.test("a cost report not grouped by model compares USD per day, against the gateway's day total", () => {
  const haiku = "claude-haiku-4-5";
  const uses = [{ day: d1, model: sonnet, u: 1000, o: 200 }, {
    day: d1,
    model: haiku,
    u: 500,
    o: 100,
  }];
  const rows = [gw(d1, sonnet, { u: 1000, o: 200 }, 1.5), gw(d1, haiku, { u: 500, o: 100 }, 0.25)];
  const r = reconcile(rows, report([d1], uses, [{ day: d1, model: null, cents: "200" }]));
  assert.deepEqual(r.lines.map((l) => [l.scope, l.model]), [["model", haiku], ["model", sonnet], [
    "day_total",
    null,
  ]]);
  assert.equal(line(r, d1)!.metrics.usd!.provider, null, "per model, the report's USD is unknown");
  const total = line(r, d1, null)!;
  assert.deepEqual(Object.keys(total.metrics), ["usd"]);
  assert.deepEqual([total.metrics.usd!.gateway, total.metrics.usd!.provider], [1.75, 2]);
  assert.deepEqual(causes(total), ["price_differs"]);
  assert.equal(
    total.explanations[0]!.message,
    "a price that differs: the gateway's $1.7500 vs the report's $2.0000 (0.8750×): a price change or a wrong price row",
  );
  assert.deepEqual([r.totals.all.metrics.usd!.gateway, r.totals.all.metrics.usd!.provider], [
    1.75,
    2,
  ]);
});

Deno.test("report costs naming no model beside others are shown apart and not compared", () => {
  const costs = [{ day: d1, model: sonnet, cents: "150" }, { day: d1, model: null, cents: "1000" }];
  const r = reconcile(
    [gw(d1, sonnet, { u: 1000, o: 200 }, 1.5)],
    report([d1], [{ day: d1, model: sonnet, u: 1000, o: 200 }], costs),
  );
  const apart = r.lines.find((l) => l.scope === "no_model")!;
  assert.deepEqual(apart.metrics.usd, {
    gateway: null,
    provider: 10,
    difference: null,
    relative_difference: null,
    beyond_tolerance: false,
  });
  assert.equal(r.verdict.within_tolerance, true);
  assert.equal(
    r.totals.all.metrics.usd!.provider,
    1.5,
    "the total compares only what both sides know",
  );
});

Deno.test("period and coverage: days outside from/to are left out on both sides; days the report lacks are named", () => {
  const uses = [d1, d2].map((day) => ({ day, model: sonnet, u: 1000, o: 200 }));
  const rows: GatewayRow[] = [d1, d2, d3, "2026-11-04"].map((day) =>
    gw(day, sonnet, { u: 1000, o: 200 }, 1)
  );
  rows.push({ ...gw(d1, "gpt-4o", { u: 5, o: 5 }, 1), provider: "openai" });
  const r = reconcile(rows, report([d1, d2], uses), { from: d2, to: d3 });
  assert.deepEqual(r.lines.map((l) => l.day), [d2]);
  assert.deepEqual(r.report.days_not_covered, [d3]);
  assert.deepEqual([r.report.covered_from, r.report.covered_to, r.report.days_compared], [
    d2,
    d2,
    1,
  ]);
  assert.ok(
    r.notes.includes(`days with gateway traffic the report does not cover, not compared: ${d3}`),
  );
  assert.ok(r.notes.includes("1 gateway row(s) of other providers left out"));
  assert.deepEqual(r.period, { from: d2, to: d3 });
});

Deno.test("groupBy splits lines by the provider's workspace when the report is grouped by it", () => {
  const uses = [{ day: d1, model: sonnet, u: 1000, o: 200, ws: "wrkspc_A" }, {
    day: d1,
    model: sonnet,
    u: 10,
    o: 2,
  }];
  const rows = [
    gw(d1, sonnet, { u: 1000, o: 200 }, 1, { group: { workspace_id: "wrkspc_A" } }),
    gw(d1, sonnet, { u: 10, o: 2 }, 1),
  ];
  const r = reconcile(rows, report([d1], uses), { groupBy: "workspace_id" });
  assert.deepEqual(r.lines.map((l) => [l.group, l.beyond_tolerance]), [["(none)", false], [
    "wrkspc_A",
    false,
  ]]);
  const ungrouped = reconcile(rows, report([d1], uses.map(({ ws: _, ...u }) => u)), {
    groupBy: "workspace_id",
  });
  assert.deepEqual(ungrouped.lines.map((l) => l.group), [null]);
  assert.ok(
    ungrouped.notes.includes(
      "not every report is grouped by workspace_id: lines are not split by it",
    ),
  );
});

Deno.test("options are checked: a tolerance must be a fraction ≥ 0, days must be YYYY-MM-DD", () => {
  const rep = report([d1], []);
  assert.throws(
    () => reconcile([], rep, { tolerance: -1 }),
    /tolerance must be a fraction ≥ 0, got -1/,
  );
  assert.throws(() => reconcile([], rep, { from: "Nov 1" }), /not a day \(YYYY-MM-DD\): Nov 1/);
  const r = reconcile(
    [gw(d1, sonnet, { u: 1010, o: 200 }, 0)],
    report([d1], [{ day: d1, model: sonnet, u: 1000, o: 200 }]),
    { tolerance: 0.02 },
  );
  assert.equal(r.verdict.within_tolerance, true, "1% is within a 2% tolerance");
  assert.equal(r.verdict.worst_relative_difference, 0.01);
  assert.deepEqual(r.verdict.worst, { day: d1, model: sonnet, metric: "uncached_input" });
});

Deno.test("a price difference names the gateway's price rows when it used more than one that day", () => {
  const rows = [
    gw(d1, sonnet, { u: 1000, o: 200 }, 1.8, {
      price_rows: ["sonnet@2026-01-01", "sonnet@2025-09-29"],
    }),
  ];
  const r = reconcile(
    rows,
    report([d1], [{ day: d1, model: sonnet, u: 1000, o: 200 }], [{
      day: d1,
      model: sonnet,
      cents: "150",
    }]),
  );
  assert.match(
    line(r, d1)!.explanations[0]!.message,
    /\(1\.2000×\): a price change or a wrong price row; the gateway used 2 price rows this day \(sonnet@2025-09-29, sonnet@2026-01-01\)$/,
  );
});
