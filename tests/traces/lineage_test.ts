/**
 * The lineage order (reference section 4.4) as a table: parent links and sequences beat times,
 * missing sequences are inferred both ways, cycles and leftovers come last in comparator order,
 * missing parents and duplicate checkpoints do not link, and inputs are bounded.
 */
import assert from "node:assert/strict";
import {
  type LineageItem,
  lineageOf,
  maxLineageTraces,
  sortLineageTraces,
} from "../../src/traces/mod.ts";

const at = (s: number) => new Date(Date.UTC(2026, 1, 18, 12, 0, s)).toISOString();

function t(
  id: string,
  second: number,
  meta: { parent?: string; seq?: unknown; checkpoint?: string } = {},
): LineageItem {
  const metadata: Record<string, unknown> = { lineage_checkpoint_id: meta.checkpoint ?? id };
  if (meta.parent !== undefined) metadata.lineage_parent_checkpoint_id = meta.parent;
  if (meta.seq !== undefined) metadata.lineage_checkpoint_seq = meta.seq;
  return { id, created_at: at(second), timestamp: at(second), metadata };
}

const ids = (items: LineageItem[]) => sortLineageTraces(items).map((x) => x.id);

const table: Array<[string, LineageItem[], string[]]> = [
  ["empty", [], []],
  ["one", [t("a", 1)], ["a"]],
  ["no lineage: by time, then id", [t("b", 2), t("c", 1), t("a", 2)], ["c", "a", "b"]],
  [
    "the reference's test: scrambled times, seq and parent links present",
    [
      t("step3", 1, { parent: "step2", seq: 3 }),
      t("step1", 3, { seq: 1 }),
      t("step2", 2, { parent: "step1", seq: 2 }),
    ],
    ["step1", "step2", "step3"],
  ],
  [
    "the replay test: child without seq at the earliest time, parent with seq 2",
    [
      t("trace-3", 0, { parent: "trace-2" }),
      t("trace-1", 1),
      t("trace-2", 2, { parent: "trace-1", seq: 2 }),
    ],
    ["trace-1", "trace-2", "trace-3"],
  ],
  [
    "parent links alone beat times",
    [t("c", 1, { parent: "b" }), t("b", 2, { parent: "a" }), t("a", 3)],
    ["a", "b", "c"],
  ],
  [
    "sequence inferred for a parent from its child (min child - 1)",
    [
      t("x", 1, { seq: 5 }),
      t("p", 9),
      t("c1", 2, { parent: "p", seq: 4 }),
      t("c2", 3, {
        parent: "p",
        seq: 7,
      }),
    ],
    ["p", "c1", "x", "c2"],
  ],
  [
    "seq 0 is a position (ours: the original ignored it)",
    [t("b", 1, { seq: 1 }), t("a", 2, { seq: 0 })],
    ["a", "b"],
  ],
  [
    "a seq as a string of digits counts; garbage does not",
    [t("b", 1, { seq: "2" }), t("a", 2, { seq: "1" }), t("z", 0, { seq: "x" })],
    ["a", "b", "z"],
  ],
  [
    "resolved sequences before unresolved ones",
    [t("late", 0), t("s1", 5, { seq: 1 })],
    ["s1", "late"],
  ],
  [
    "missing parent: no link, ordered by the comparator",
    [t("b", 1, { parent: "gone" }), t("a", 2)],
    ["b", "a"],
  ],
  [
    "self parent is no link",
    [t("a", 2, { parent: "a" }), t("b", 1)],
    ["b", "a"],
  ],
  [
    "a cycle is appended after the rest, in comparator order",
    [t("x", 5, { parent: "y" }), t("y", 4, { parent: "x" }), t("root", 9)],
    ["root", "y", "x"],
  ],
  [
    "duplicate checkpoint ids: the first one owns it",
    [
      t("a", 1, { checkpoint: "cp" }),
      t("b", 2, { checkpoint: "cp" }),
      t("c", 0, { parent: "cp" }),
    ],
    // c's parent is a, so c is a candidate once a is placed, and earlier than b.
    ["a", "c", "b"],
  ],
  [
    "equal times: id, then input position",
    [t("b", 1), t("a", 1), { id: "a", created_at: at(1), metadata: null }],
    ["a", "a", "b"],
  ],
  [
    "created_at missing: timestamp; neither: first",
    [
      { id: "b", timestamp: at(1), metadata: null },
      { id: "c", created_at: "not a time", metadata: null },
      { id: "a", timestamp: at(2), metadata: null },
    ],
    ["c", "b", "a"],
  ],
];

for (const [name, items, want] of table) {
  Deno.test(`sortLineageTraces: ${name}`, () => {
    const before = items.map((x) => x.id);
    assert.deepEqual(ids(items), want);
    assert.deepEqual(items.map((x) => x.id), before, "the input is not reordered");
  });
}

Deno.test("sortLineageTraces: a long chain in the worst input order, and the bound", () => {
  const n = 3000;
  // Reversed, no sequences but the root's: every pass of the resolution moves one step.
  const items = Array.from({ length: n }, (_, i) => {
    const k = n - 1 - i;
    return t(`n${String(k).padStart(5, "0")}`, 0, {
      ...(k === 0 ? { seq: 1 } : { parent: `n${String(k - 1).padStart(5, "0")}` }),
    });
  });
  const sorted = sortLineageTraces(items);
  assert.equal(sorted.length, n);
  assert.deepEqual(sorted.map((x) => x.id), [...items].reverse().map((x) => x.id));
  const tooMany = Array.from({ length: maxLineageTraces + 1 }, (_, i) => t(`t${i}`, 0));
  assert.throws(() => sortLineageTraces(tooMany), /more than the 10000 a chain may hold/);
});

Deno.test("lineageOf: defaults and the trace group column as fallback", () => {
  assert.deepEqual(lineageOf({ id: " t1 ", trace_group_id: "g", metadata: {} }), {
    group_id: "g",
    thread_id: null,
    run_id: null,
    checkpoint_id: "t1",
    parent_checkpoint_id: null,
    checkpoint_seq: null,
    immutable: true,
  });
  assert.deepEqual(
    lineageOf({
      id: "t2",
      metadata: {
        lineage_group_id: "g2",
        lineage_thread_id: "th",
        lineage_run_id: "r",
        lineage_checkpoint_id: "cp",
        lineage_parent_checkpoint_id: "pp",
        lineage_checkpoint_seq: 3,
        lineage_immutable: false,
      },
    }),
    {
      group_id: "g2",
      thread_id: "th",
      run_id: "r",
      checkpoint_id: "cp",
      parent_checkpoint_id: "pp",
      checkpoint_seq: 3,
      immutable: false,
    },
  );
  assert.equal(
    lineageOf({ id: "t", metadata: { lineage_checkpoint_seq: -1 } }).checkpoint_seq,
    null,
  );
  assert.equal(
    lineageOf({ id: "t", metadata: { lineage_checkpoint_seq: 1.5 } }).checkpoint_seq,
    null,
  );
});
