import assert from "node:assert/strict";
import { topModel } from "../../src/api/analytics_bodies.ts";
import type { AggregateRow } from "../../src/store/mod.ts";

const row = (group: string | null, request_count: number) =>
  ({ group, request_count }) as AggregateRow;

Deno.test("top model: requests that named no model (probes, model lists) never rank", () => {
  const cases: [string, AggregateRow[], string | null][] = [
    ["the busiest model", [row("gpt-4o-mini", 9), row("claude-sonnet-5-5", 3)], "gpt-4o-mini"],
    [
      "Claude Code's health probes outnumber its generations",
      [row("unknown", 40), row("claude-opus-5-5", 2)],
      "claude-opus-5-5",
    ],
    ["a group without a model value", [row(null, 5), row("gpt-6.2-sol", 1)], "gpt-6.2-sol"],
    ["only probes: no top model", [row("unknown", 7)], null],
    ["nothing stored", [], null],
  ];
  for (const [name, rows, want] of cases) assert.equal(topModel(rows), want, name);
});
