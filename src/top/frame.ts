/**
 * One frame of `top`: the exact rows to draw on a screen of `columns` x `rows`, one for each row
 * of the screen, none wider than it (cut with an ellipsis, never wrapped). The header (first row)
 * and the status line (last row) always show; the figures next; the panes share what is left, each with at
 * least its header and one row, the busiest tables up to five rows and the latest requests the
 * rest. A focused pane (Tab) gets every row.
 */
import { figureRows } from "./figures.ts";
import { clock, clockOf } from "./format.ts";
import { paneRows, paneWants } from "./panes.ts";
import { type Pane, panes, type TopState } from "./state.ts";
import { p, paint, type Row } from "./style.ts";
import { sanitize } from "./text.ts";

export interface FrameInput {
  state: TopState;
  columns: number;
  rows: number;
  now: Date;
  /** The gateway's base URL as shown (no password). */
  url: string;
  intervalSeconds: number;
  color: boolean;
}

/** Rows a busiest table gets at most when every pane shows. */
export const busiestCap = 5;

export function renderFrame(f: FrameInput): string[] {
  const columns = Math.max(0, Math.floor(f.columns));
  const rows = Math.max(0, Math.floor(f.rows));
  if (rows === 0 || columns === 0) return [];
  const header = headerRow(f);
  if (rows === 1) return [paint(header, columns, f.color)];
  const room = rows - 2;
  const body = f.state.help
    ? helpRows()
    : [...figureRows(f.state.document, columns), [], ...paneBlock(f.state, columns, room - 5)];
  // The status line keeps to the last row, however short the body.
  const shown = body.slice(0, room);
  while (shown.length < room) shown.push([]);
  const lines = [header, ...shown, statusRow(f)];
  return lines.map((row) => paint(row, columns, f.color));
}

function headerRow(f: FrameInput): Row {
  const s = f.state;
  // Most telling first: a narrow screen cuts from the right.
  const row: Row = [p(" ongoingai top ", "inverse")];
  if (s.paused) row.push(p(" "), p(" PAUSED ", "inverse"));
  row.push(p(`  ${sanitize(f.url)}`), p("  sort: "), p(s.sort, "bold"));
  if (s.filter !== "") row.push(p("  filter: "), p(JSON.stringify(sanitize(s.filter)), "yellow"));
  const scope = f.state.document?.scope;
  if (scope?.workspace_id) row.push(p(`  workspace: ${sanitize(scope.workspace_id)}`));
  else if (scope?.org_id) row.push(p(`  org: ${sanitize(scope.org_id)}`));
  row.push(p(`  ${clockOf(f.now)} UTC`, "dim"));
  return row;
}

function statusRow(f: FrameInput): Row {
  const s = f.state;
  if (s.draft !== null) {
    return [
      p("filter: ", "bold"),
      p(sanitize(s.draft) + "_"),
      p("  Enter applies, Esc cancels, Ctrl-U clears", "dim"),
    ];
  }
  if (s.error !== null) {
    const retry = s.paused ? "paused: p resumes" : `retrying every ${f.intervalSeconds}s`;
    // The message may quote the gateway's answer: text, never control.
    return [p("! ", "red"), p(sanitize(s.error), "red"), p(`  (${retry})`, "dim")];
  }
  const doc = s.document;
  const when = doc === null
    ? `connecting to ${sanitize(f.url)}`
    : s.paused
    ? `paused at ${clock(doc.generated_at)}: p or space resumes`
    : `updated ${clock(doc.generated_at)}`;
  return [p(when), p("  s sort  / filter  p pause  tab pane  ? help  q quit", "dim")];
}

/** Every pane that fits, or the focused one alone. */
function paneBlock(state: TopState, columns: number, room: number): Row[] {
  if (room < 2) return [];
  const shown: readonly Pane[] = state.focus === null ? panes : [state.focus];
  const caps = shown.map((pane) =>
    state.focus === null && pane !== "recent" ? busiestCap : Number.MAX_SAFE_INTEGER
  );
  const wants = shown.map((pane) =>
    Math.min(caps[shown.indexOf(pane)]!, paneWants(pane, state.document))
  );
  const counts = allocate(wants, room);
  return shown.flatMap((pane, i) => {
    const bodyRows = counts[i]!;
    if (bodyRows === 0) return [];
    return paneRows(pane, state.document, {
      columns,
      bodyRows,
      sort: state.sort,
      filter: state.filter,
      focused: state.focus === pane,
    }).slice(0, bodyRows + 1);
  });
}

/**
 * Body rows per pane for `room` rows, each shown pane costing one more for its header: as many
 * panes as fit with one row each (the first ones), then one more row to each in turn while it
 * wants more. 0: the pane is not shown.
 */
export function allocate(wants: readonly number[], room: number): number[] {
  const shown = Math.min(wants.length, Math.floor(Math.max(0, room) / 2));
  const counts = wants.map((_, i) => (i < shown ? 1 : 0));
  let left = room - shown * 2;
  let grew = true;
  while (left > 0 && grew) {
    grew = false;
    for (let i = 0; i < shown && left > 0; i++) {
      if (counts[i]! < wants[i]!) {
        counts[i]!++;
        left--;
        grew = true;
      }
    }
  }
  return counts;
}

const help = [
  "Keys",
  "  s / S       next / previous sort: requests, tokens, cost, errors",
  "  1 2 3 4     sort by requests, tokens, cost, errors",
  "  /           type a filter (a model, key, session...): Enter applies, Esc cancels",
  "  p, space    pause / resume (no request is sent while paused)",
  "  tab         one pane at a time: models, keys, sessions, recent; Esc shows all",
  "  ?           this help (? or Esc closes it)",
  "  q, Ctrl-C   quit",
  "",
  "Figures are of requests that ended on this gateway process in the window shown.",
  "'+N unknown': requests whose usage is unknown, not in the tokens.",
  "'>=': some requests have no price, not in the cost; 'unpriced': none has one.",
  "'queue n/a': the gateway key may not read diagnostics (diagnostics:read).",
];

function helpRows(): Row[] {
  return help.map((line, i) => [p(line, i === 0 ? "bold" : undefined)]);
}
