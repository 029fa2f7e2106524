/**
 * What `top` shows and how keys change it, pure: the command feeds keys and fetch outcomes in and
 * acts on the effect each key asks for (quit, fetch again now, redraw). The sort and the filter
 * travel to the API as query parameters (`GET /api/live?sort=&filter=`), so a change asks for a
 * new document rather than re-sorting an old one.
 */
import type { LiveResponse } from "../api/mod.ts";
import { liveSortKeys } from "../api/mod.ts";
import type { Key } from "./keys.ts";

export type SortKey = (typeof liveSortKeys)[number];
export const sortKeys: readonly SortKey[] = liveSortKeys;

/** The panes below the figures, in the order Tab visits them. */
export const panes = ["models", "keys", "sessions", "recent"] as const;
export type Pane = (typeof panes)[number];

/** The API's bound on `filter` (characters). */
export const maxFilterChars = 200;

export interface TopState {
  sort: SortKey;
  /** The filter applied ("" none). */
  filter: string;
  /** The filter being typed after `/`; null when not typing. */
  draft: string | null;
  paused: boolean;
  help: boolean;
  /** The pane shown alone, with every row it has; null: all of them. */
  focus: Pane | null;
  /** The last document received (kept while errors come, so the screen does not go blank). */
  document: LiveResponse | null;
  /** Why the last fetch failed, with what to do; null once one succeeds. */
  error: string | null;
}

export function initialState(o: { sort?: SortKey; filter?: string } = {}): TopState {
  return {
    sort: o.sort ?? "requests",
    filter: o.filter ?? "",
    draft: null,
    paused: false,
    help: false,
    focus: null,
    document: null,
    error: null,
  };
}

/** What the command does after a key: nothing, draw again, fetch now (and draw), or stop. */
export type Effect = "none" | "redraw" | "refetch" | "quit";

export interface KeyResult {
  state: TopState;
  effect: Effect;
}

export function applyKey(state: TopState, key: Key): KeyResult {
  if (key.kind === "ctrl" && key.letter === "c") return { state, effect: "quit" };
  if (state.draft !== null) return editDraft(state, state.draft, key);
  if (key.kind === "escape") {
    if (state.help) return { state: { ...state, help: false }, effect: "redraw" };
    if (state.focus !== null) return { state: { ...state, focus: null }, effect: "redraw" };
    return { state, effect: "none" };
  }
  if (key.kind === "tab") {
    return { state: { ...state, focus: nextPane(state.focus) }, effect: "redraw" };
  }
  if (key.kind !== "char") return { state, effect: "none" };
  return charKey(state, key.char);
}

function charKey(state: TopState, char: string): KeyResult {
  const digit = "1234".indexOf(char);
  if (digit >= 0) return sorted(state, sortKeys[digit]!);
  switch (char) {
    case "q":
      return { state, effect: "quit" };
    case "s":
      return sorted(state, cycle(state.sort, 1));
    case "S":
      return sorted(state, cycle(state.sort, -1));
    case "/":
      return { state: { ...state, draft: state.filter, help: false }, effect: "redraw" };
    case "p":
    case " ": {
      const paused = !state.paused;
      // Resuming fetches at once: the screen was showing old figures.
      return { state: { ...state, paused }, effect: paused ? "redraw" : "refetch" };
    }
    case "?":
      return { state: { ...state, help: !state.help }, effect: "redraw" };
    default:
      return { state, effect: "none" };
  }
}

function sorted(state: TopState, sort: SortKey): KeyResult {
  if (sort === state.sort) return { state, effect: "none" };
  return { state: { ...state, sort }, effect: state.paused ? "redraw" : "refetch" };
}

function cycle(sort: SortKey, step: 1 | -1): SortKey {
  const at = sortKeys.indexOf(sort);
  return sortKeys[(at + step + sortKeys.length) % sortKeys.length]!;
}

function nextPane(focus: Pane | null): Pane | null {
  if (focus === null) return panes[0];
  const at = panes.indexOf(focus);
  return at === panes.length - 1 ? null : panes[at + 1]!;
}

/** Typing a filter: Enter applies it (trimmed), Esc drops it, Ctrl-U clears the line. */
function editDraft(state: TopState, draft: string, key: Key): KeyResult {
  switch (key.kind) {
    case "enter": {
      const filter = draft.trim();
      const next = { ...state, draft: null, filter };
      const changed = filter !== state.filter && !state.paused;
      return { state: next, effect: changed ? "refetch" : "redraw" };
    }
    case "escape":
      return { state: { ...state, draft: null }, effect: "redraw" };
    case "backspace":
      return { state: { ...state, draft: [...draft].slice(0, -1).join("") }, effect: "redraw" };
    case "ctrl":
      return key.letter === "u"
        ? { state: { ...state, draft: "" }, effect: "redraw" }
        : { state, effect: "none" };
    case "char":
      // Past the API's bound the key is not taken: the line shows the limit instead.
      if ([...draft].length >= maxFilterChars) return { state, effect: "none" };
      return { state: { ...state, draft: draft + key.char }, effect: "redraw" };
    default:
      return { state, effect: "none" };
  }
}

/** A document arrived: shown, and the last error cleared. */
export function withDocument(state: TopState, document: LiveResponse): TopState {
  return { ...state, document, error: null };
}

/** A fetch failed: said on the status line; the last document stays on screen. */
export function withError(state: TopState, error: string): TopState {
  return { ...state, error };
}

/** The query of `GET /api/live` for this state and a screen of `rows` rows. */
export interface LiveQuery {
  sort: SortKey;
  limit: number;
  recent: number;
  filter: string | null;
}

/**
 * Enough entries for the tallest pane the screen can show (a focused one gets every row), within
 * the API's bounds (limit 1..50, recent 0..100). Line mode asks for the least.
 */
export function liveQuery(state: TopState, rows: number | null): LiveQuery {
  const room = rows === null ? 0 : Math.max(0, rows - 8);
  return {
    sort: state.sort,
    limit: Math.min(50, Math.max(1, room)),
    recent: Math.min(100, room),
    filter: state.filter === "" ? null : state.filter,
  };
}

/** The query as URL search parameters, in a fixed order. */
export function liveSearch(q: LiveQuery): string {
  const params = new URLSearchParams({
    sort: q.sort,
    limit: String(q.limit),
    recent: String(q.recent),
  });
  if (q.filter !== null) params.set("filter", q.filter);
  return params.toString();
}
