import assert from "node:assert/strict";
import {
  applyKey,
  decodeKeys,
  type Effect,
  initialState,
  type Key,
  liveQuery,
  liveSearch,
  maxFilterChars,
  type TopState,
} from "../../src/top/mod.ts";

const char = (c: string): Key => ({ kind: "char", char: c });

Deno.test("keys: raw terminal input to keys, escape sequences taken whole", () => {
  const cases: [string, Key[]][] = [
    ["q", [char("q")]],
    ["sS12", [char("s"), char("S"), char("1"), char("2")]],
    ["\x03", [{ kind: "ctrl", letter: "c" }]],
    ["\x15", [{ kind: "ctrl", letter: "u" }]],
    ["\r", [{ kind: "enter" }]],
    ["\n", [{ kind: "enter" }]],
    ["\t", [{ kind: "tab" }]],
    ["\x7f\b", [{ kind: "backspace" }, { kind: "backspace" }]],
    ["\x1b", [{ kind: "escape" }]],
    ["\x1b\x1b", [{ kind: "escape" }, { kind: "escape" }]],
    // Arrows, SS3 keys, a CSI with parameters, Alt+x: one "other" key each.
    ["\x1b[A", [{ kind: "other" }]],
    ["\x1bOP", [{ kind: "other" }]],
    ["\x1b[1;5Cq", [{ kind: "other" }, char("q")]],
    ["\x1bx", [{ kind: "other" }]],
    ["é模", [char("é"), char("模")]],
    ["\u009b", [{ kind: "other" }]],
  ];
  for (const [input, want] of cases) {
    assert.deepEqual(decodeKeys(input), want, JSON.stringify(input));
  }
  assert.equal(decodeKeys("x".repeat(10_000)).length, 256);
});

interface KeyCase {
  name: string;
  from?: Partial<TopState>;
  keys: Key[];
  want: Partial<TopState>;
  effect: Effect;
}

const enter: Key = { kind: "enter" };
const escape: Key = { kind: "escape" };

Deno.test("keys: what each key does to the view, and what the command does next", () => {
  const cases: KeyCase[] = [
    { name: "q quits", keys: [char("q")], want: {}, effect: "quit" },
    { name: "Ctrl-C quits", keys: [{ kind: "ctrl", letter: "c" }], want: {}, effect: "quit" },
    {
      name: "Ctrl-C quits while typing a filter",
      from: { draft: "gp" },
      keys: [{ kind: "ctrl", letter: "c" }],
      want: { draft: "gp" },
      effect: "quit",
    },
    {
      name: "s: next sort, fetched now",
      keys: [char("s")],
      want: { sort: "tokens" },
      effect: "refetch",
    },
    {
      name: "S: previous sort wraps",
      keys: [char("S")],
      want: { sort: "errors" },
      effect: "refetch",
    },
    {
      name: "s wraps at the end",
      from: { sort: "errors" },
      keys: [char("s")],
      want: { sort: "requests" },
      effect: "refetch",
    },
    { name: "3: sort by cost", keys: [char("3")], want: { sort: "cost" }, effect: "refetch" },
    { name: "1 when already by requests: nothing", keys: [char("1")], want: {}, effect: "none" },
    {
      name: "sorting while paused redraws, fetches nothing",
      from: { paused: true },
      keys: [char("4")],
      want: { sort: "errors" },
      effect: "redraw",
    },
    { name: "p pauses", keys: [char("p")], want: { paused: true }, effect: "redraw" },
    {
      name: "space resumes and fetches at once",
      from: { paused: true },
      keys: [char(" ")],
      want: { paused: false },
      effect: "refetch",
    },
    {
      name: "/ starts a filter from the applied one",
      from: { filter: "gpt" },
      keys: [char("/")],
      want: { draft: "gpt" },
      effect: "redraw",
    },
    {
      name: "typed then Enter: applied, trimmed, fetched",
      keys: [char("/"), char(" "), char("g"), char("p"), char("t"), char(" "), enter],
      want: { draft: null, filter: "gpt" },
      effect: "refetch",
    },
    {
      name: "keys while typing are text: q does not quit",
      keys: [char("/"), char("q"), char("s")],
      want: { draft: "qs", sort: "requests" },
      effect: "redraw",
    },
    {
      name: "Esc cancels the typed filter, the applied one stays",
      from: { filter: "old" },
      keys: [char("/"), char("x"), escape],
      want: { draft: null, filter: "old" },
      effect: "redraw",
    },
    {
      name: "Backspace and Ctrl-U edit",
      keys: [char("/"), char("a"), char("模"), { kind: "backspace" }],
      want: { draft: "a" },
      effect: "redraw",
    },
    {
      name: "Ctrl-U clears",
      from: { draft: "abc" },
      keys: [{ kind: "ctrl", letter: "u" }],
      want: { draft: "" },
      effect: "redraw",
    },
    {
      name: "an empty filter applied clears it",
      from: { filter: "old", draft: "" },
      keys: [enter],
      want: { filter: "", draft: null },
      effect: "refetch",
    },
    {
      name: "the same filter applied again: no fetch",
      from: { filter: "gpt", draft: "gpt" },
      keys: [enter],
      want: { filter: "gpt", draft: null },
      effect: "redraw",
    },
    {
      name: "past the API's 200 characters a key is not taken",
      from: { draft: "x".repeat(maxFilterChars) },
      keys: [char("y")],
      want: { draft: "x".repeat(maxFilterChars) },
      effect: "none",
    },
    { name: "? shows help", keys: [char("?")], want: { help: true }, effect: "redraw" },
    {
      name: "Esc closes help",
      from: { help: true },
      keys: [escape],
      want: { help: false },
      effect: "redraw",
    },
    {
      name: "Tab focuses the models pane",
      keys: [{ kind: "tab" }],
      want: { focus: "models" },
      effect: "redraw",
    },
    {
      name: "Tab after the last pane shows all again",
      from: { focus: "recent" },
      keys: [{ kind: "tab" }],
      want: { focus: null },
      effect: "redraw",
    },
    {
      name: "Esc leaves focus",
      from: { focus: "keys" },
      keys: [escape],
      want: { focus: null },
      effect: "redraw",
    },
    { name: "an unbound key: nothing", keys: [char("z")], want: {}, effect: "none" },
    { name: "an arrow: nothing", keys: [{ kind: "other" }], want: {}, effect: "none" },
  ];
  for (const c of cases) {
    let state: TopState = { ...initialState(), ...c.from };
    let effect: Effect = "none";
    for (const key of c.keys) ({ state, effect } = applyKey(state, key));
    const want = { ...initialState(), ...c.from, ...c.want };
    assert.deepEqual(state, want, c.name);
    assert.equal(effect, c.effect, `${c.name}: effect`);
  }
});

Deno.test("query: enough entries for the screen, within the API's bounds", () => {
  const cases: [Partial<TopState>, number | null, string][] = [
    [{}, 40, "sort=requests&limit=32&recent=32"],
    [{}, 10, "sort=requests&limit=2&recent=2"],
    [{}, 4, "sort=requests&limit=1&recent=0"],
    [{}, 200, "sort=requests&limit=50&recent=100"],
    [{}, null, "sort=requests&limit=1&recent=0"],
    [{ sort: "cost", filter: "gpt 4&o" }, 30, "sort=cost&limit=22&recent=22&filter=gpt+4%26o"],
  ];
  for (const [from, rows, want] of cases) {
    assert.equal(liveSearch(liveQuery({ ...initialState(), ...from }, rows)), want);
  }
});
