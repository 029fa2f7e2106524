/**
 * Whatever the gateway sends (any text in its names, any figures the schema allows) and whatever
 * the terminal's size, a frame has one row per screen row, none wider than the screen, and no
 * escape sequence but its own colours.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  initialState,
  plain,
  renderFrame,
  sortKeys,
  textWidth,
  type TopState,
  withDocument,
  withError,
} from "../../src/top/mod.ts";
import { entry, liveDoc, recent, window } from "./live_fixture.ts";

const text = fc.string({ unit: "binary", maxLength: 80 });
const count = fc.nat({ max: 2_000_000 });
const amount = fc.double({ min: 0, max: 1e7, noNaN: true });

const busy = fc.record({ name: text, label: fc.option(text), requests: count, unpriced: count })
  .map((e) => entry(e.name, { label: e.label, requests: e.requests, unpriced_count: e.unpriced }));

const doc = fc.record({
  models: fc.array(busy, { maxLength: 6 }),
  keys: fc.array(busy, { maxLength: 6 }),
  recent: fc.array(
    fc.record({ model: text, agent: fc.option(text), status: fc.nat({ max: 599 }), cost: amount }),
    { maxLength: 8 },
  ),
  rate: amount,
  unknown: count,
  workspace: fc.option(text),
  at: text,
}).map((d) =>
  liveDoc({
    generated_at: d.at,
    scope: { org_id: null, workspace_id: d.workspace },
    last_10s: window({ requests_per_second: d.rate, unknown_usage_count: d.unknown }),
    busiest: { models: d.models, keys: d.keys, sessions: d.models },
    recent: d.recent.map((r) =>
      recent({ model: r.model, agent: r.agent, status: r.status, cost_usd: r.cost, ended_at: d.at })
    ),
  })
);

const state: fc.Arbitrary<TopState> = fc.record({
  doc: fc.option(doc),
  error: fc.option(text),
  draft: fc.option(text),
  filter: text,
  sort: fc.constantFrom(...sortKeys),
  paused: fc.boolean(),
  help: fc.boolean(),
  focus: fc.constantFrom(null, "models", "keys", "sessions", "recent" as const),
}).map((s) => {
  let st: TopState = {
    ...initialState({ sort: s.sort, filter: s.filter }),
    draft: s.draft,
    paused: s.paused,
    help: s.help,
    focus: s.focus,
  };
  if (s.doc !== null) st = withDocument(st, s.doc);
  return s.error === null ? st : withError(st, s.error);
});

Deno.test("frame property: one row per screen row, none wider than the screen", () => {
  fc.assert(
    fc.property(
      state,
      fc.nat({ max: 250 }),
      fc.nat({ max: 70 }),
      fc.boolean(),
      (s, columns, rows, color) => {
        const lines = renderFrame({
          state: s,
          columns,
          rows,
          now: new Date(0),
          url: "http://gw",
          intervalSeconds: 1,
          color,
        });
        assert.equal(lines.length, columns === 0 ? 0 : rows);
        for (const line of lines) {
          const shown = plain(line);
          assert.ok(textWidth(shown) <= columns, JSON.stringify(line));
          assert.ok(!shown.includes("\x1b"), JSON.stringify(line));
          // deno-lint-ignore no-control-regex
          assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(shown), JSON.stringify(line));
        }
      },
    ),
    { numRuns: 300 },
  );
});
