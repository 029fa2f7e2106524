/** The text table and the JSON document of a reconciliation. */
import assert from "node:assert/strict";
import {
  parseReport,
  reconcile,
  reconcileJsonVersion,
  renderText,
  toJson,
} from "../../src/reconcile/mod.ts";
import { anthropicCost, anthropicUsage, gw } from "./scenarios.ts";
import { mergeReports } from "../../src/reconcile/mod.ts";

const d1 = "2026-11-01";
const d2 = "2026-11-02";
const sonnet = "claude-sonnet-4-5";

function result() {
  const uses = [d1, d2].map((day) => ({ day, model: sonnet, u: 1_000_000, o: 200_000 }));
  const rep = mergeReports([
    parseReport(anthropicUsage([d1, d2], uses), "anthropic", { name: "usage.json" }),
    parseReport(
      anthropicCost([d1, d2], [{ day: d1, model: sonnet, cents: "600" }, {
        day: d2,
        model: sonnet,
        cents: "600",
      }]),
      "anthropic",
      { name: "cost.json" },
    ),
  ]);
  const rows = [
    gw(d1, sonnet, { u: 1_000_000, o: 200_000 }, 6),
    gw(d2, sonnet, { u: 1_000_000, o: 200_000 }, 6.6 + 1e-13),
  ];
  return reconcile(rows, rep);
}

Deno.test("renderText: verdict first, only lines beyond tolerance, figures with units, unknown said, totals, notes", () => {
  const text = renderText(result());
  const lines = text.split("\n");
  assert.deepEqual(lines.slice(0, 3), [
    "Reconciliation with anthropic's reports (anthropic_usage, anthropic_cost)",
    "Period: all days; the report covers 2026-11-01 .. 2026-11-02 (2 days compared)",
    "Verdict: 1 line(s) beyond tolerance (0.50%): worst 10.00%",
  ]);
  assert.ok(!text.includes(`${d1}  ${sonnet}`), "a line within tolerance is not listed");
  assert.ok(text.includes(`${d2}  ${sonnet}`));
  assert.ok(
    lines.some((l) =>
      /^ {2}uncached input tokens +1,000,000 tok +1,000,000 tok +0 tok +0\.00%$/.test(l)
    ),
  );
  assert.ok(lines.some((l) => /^ {2}requests +10 +unknown +- +-$/.test(l)));
  assert.ok(
    lines.some((l) =>
      /^ {2}cost \(USD\) +\$6\.6000 +\$6\.0000 +\$0\.6000 +\+10\.00% +beyond$/.test(l)
    ),
  );
  assert.ok(
    lines.some((l) =>
      l.startsWith(
        "  cause: a price that differs with tokens in agreement: the gateway's implied rate $5.5000/M vs the report's $5.0000/M (1.1000×)",
      )
    ),
  );
  assert.ok(text.includes("Totals over the period:"));
  assert.ok(text.includes("\nAll models\n"));
  assert.ok(
    text.includes(
      "  - requests are not in Anthropic's usage report: request counts are not compared",
    ),
  );
});

Deno.test("toJson: versioned, snake_case, unknown as null, USD without float noise, stable through JSON", () => {
  const doc = toJson(result());
  assert.equal(doc.version, reconcileJsonVersion);
  assert.deepEqual(Object.keys(doc), [
    "version",
    "provider",
    "tolerance",
    "period",
    "report",
    "verdict",
    "lines",
    "totals",
    "notes",
  ]);
  const lines = doc.lines as { day: string; metrics: Record<string, Record<string, unknown>> }[];
  assert.deepEqual(lines[1]!.metrics.usd, {
    gateway: 6.6,
    provider: 6,
    difference: 0.6,
    relative_difference: 0.1,
    beyond_tolerance: true,
  });
  assert.equal(lines[1]!.metrics.requests!.provider, null);
  const text = JSON.stringify(doc);
  assert.deepEqual(JSON.parse(text), doc);
  assert.ok(!/[A-Z][a-z]+[A-Z]/.test(Object.keys(lines[0]!).join(",")), "snake_case keys");
  assert.deepEqual(Object.keys(lines[0]!), [
    "day",
    "scope",
    "model",
    "group",
    "gateway_models",
    "report_models",
    "metrics",
    "gateway_requests_by_cost",
    "beyond_tolerance",
    "explanations",
  ]);
});

Deno.test("a clean reconciliation says so in one line", () => {
  const rep = parseReport(
    anthropicUsage([d1], [{ day: d1, model: sonnet, u: 10, o: 2 }]),
    "anthropic",
  );
  const text = renderText(reconcile([gw(d1, sonnet, { u: 10, o: 2 }, 0)], rep));
  assert.ok(text.includes("Verdict: within tolerance (0.50%): worst 0.00%\n"));
  assert.ok(text.includes("No day × model differs beyond tolerance."));
});
