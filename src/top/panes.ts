/**
 * The panes below the figures: the busiest models, keys and agent sessions over the last minute
 * (as the API sorted them), and the latest requests. Each builds its rows for a given number of
 * body rows; `frame.ts` decides how many each gets.
 */
import type { LiveBusiestEntry, LiveRecentRequest, LiveResponse } from "../api/mod.ts";
import { clock, cost, duration, tokens, usd } from "./format.ts";
import type { Pane, SortKey } from "./state.ts";
import { p, type Row, type Style } from "./style.ts";
import { type Cell, type Column, tableRows } from "./table.ts";
import { sanitize } from "./text.ts";

const busiestTitles: Record<Exclude<Pane, "recent">, [string, string]> = {
  models: ["MODEL", "PROVIDER"],
  keys: ["PROVIDER KEY", "FINGERPRINT"],
  sessions: ["SESSION", "AGENT / DEVELOPER"],
};

/** The column of each sort key in a busiest table (marked in its header). */
const sortColumn: Record<SortKey, number> = { requests: 2, errors: 3, tokens: 4, cost: 5 };

function busiestColumns(pane: Exclude<Pane, "recent">): Column[] {
  const [name, detail] = busiestTitles[pane];
  return [
    { title: name, width: "flex", min: 12 },
    { title: detail, width: "flex", min: 8, drop: 1 },
    { title: "REQ", width: 6, align: "right" },
    { title: "ERR", width: 5, align: "right" },
    { title: "TOKENS", width: 18, align: "right" },
    { title: "COST", width: 10, align: "right" },
  ];
}

function busiestCells(pane: Exclude<Pane, "recent">, e: LiveBusiestEntry): Cell[] {
  // A key is told by its last characters ("...abcd"); its fingerprint, long and alike at a
  // glance, goes to the detail column.
  const keys = pane === "keys";
  const name = keys ? e.label ?? e.name : e.name;
  const detail = pane === "models"
    ? e.provider
    : [e.provider, keys ? (e.label === null ? null : e.name.slice(0, 12)) : e.label]
      .filter((v) => v !== null && v !== "").join(" ");
  return [
    p(sanitize(name)),
    p(sanitize(detail || "-"), "dim"),
    p(String(e.requests)),
    e.errors > 0 ? p(String(e.errors), "red") : p("0"),
    p(tokens(e.total_tokens, e.unknown_usage_count, e.requests)),
    p(cost({
      amount: e.cost_usd,
      requests: e.requests,
      unpriced: e.unpriced_count,
      unknown: e.unknown_usage_count,
      partial: e.partial_count,
    })),
  ];
}

const recentColumns: Column[] = [
  { title: "ENDED", width: 8, drop: 2 },
  { title: "STATUS", width: 6, align: "right" },
  { title: "LATENCY", width: 7, align: "right" },
  { title: "TTFT", width: 7, align: "right", drop: 1 },
  { title: "TOKENS", width: 8, align: "right" },
  { title: "COST", width: 10, align: "right" },
  { title: "MODEL", width: "flex", min: 12 },
  { title: "AGENT / SESSION", width: "flex", min: 10, drop: 3 },
];

function statusCell(r: LiveRecentRequest): Cell {
  const style: Style = r.status === 0 || r.status >= 400
    ? "red"
    : r.status < 300
    ? "green"
    : "yellow";
  return p(r.status === 0 ? "gone" : String(r.status), style);
}

function recentCells(r: LiveRecentRequest): Cell[] {
  const who = [r.agent, r.session_id, r.developer].filter((v) => v !== null).join(" ");
  const note = r.error_code === null ? "" : `[${r.error_code}] `;
  return [
    p(clock(r.ended_at)),
    statusCell(r),
    p(duration(r.latency_ms)),
    p(r.time_to_first_token_ms === null ? "-" : duration(r.time_to_first_token_ms)),
    r.total_tokens === null ? p("unknown", "yellow") : p(tokens(r.total_tokens, 0, 1)),
    recentCost(r),
    p(sanitize(`${r.provider}/${r.model}`)),
    p(sanitize(note + (who === "" ? (r.key ?? "-") : who)), r.error_code ? "red" : undefined),
  ];
}

/** A request's cost as its status says: a partial price is a lower bound; none is not $0. */
function recentCost(r: LiveRecentRequest): Cell {
  if (r.cost_usd !== null) {
    return p(r.cost_status === "partial" ? `>=${usd(r.cost_usd)}` : usd(r.cost_usd));
  }
  const said: Record<string, string> = {
    unpriced: "unpriced",
    unknown_usage: "unknown",
    none: "-",
  };
  return p(said[r.cost_status] ?? sanitize(r.cost_status), "yellow");
}

/** The rows of every busiest table, up to `rows` each: one measure, so their columns line up. */
function busiestMeasure(doc: LiveResponse, rows: number): Cell[][] {
  return (["models", "keys", "sessions"] as const).flatMap((pane) =>
    doc.busiest[pane].slice(0, rows).map((e) => busiestCells(pane, e))
  );
}

/** How many body rows a pane would fill (its entries; an empty pane still says so in one). */
export function paneWants(pane: Pane, doc: LiveResponse | null): number {
  if (doc === null) return 1;
  return Math.max(1, pane === "recent" ? doc.recent.length : doc.busiest[pane].length);
}

/** A pane's header and up to `bodyRows` rows, as wide as `columns`. */
export function paneRows(
  pane: Pane,
  doc: LiveResponse | null,
  o: { columns: number; bodyRows: number; sort: SortKey; filter: string; focused: boolean },
): Row[] {
  const cols = pane === "recent" ? recentColumns : busiestColumns(pane);
  const body = doc === null
    ? []
    : pane === "recent"
    ? doc.recent.slice(0, o.bodyRows).map(recentCells)
    : doc.busiest[pane].slice(0, o.bodyRows).map((e) => busiestCells(pane, e));
  const marked = pane === "recent" ? undefined : sortColumn[o.sort];
  const measure = doc === null || pane === "recent" ? body : busiestMeasure(doc, o.bodyRows);
  const rows = tableRows(cols, body, o.columns, {
    measure,
    ...(marked === undefined ? {} : { marked }),
    headerStyle: o.focused ? "inverse" : "bold",
  });
  if (body.length === 0) rows.push([p(`  ${emptyText(pane, doc, o.filter)}`, "dim")]);
  return rows;
}

function emptyText(pane: Pane, doc: LiveResponse | null, filter: string): string {
  if (doc === null) return "waiting for the first answer";
  const matching = filter === "" ? "" : ` matching ${JSON.stringify(sanitize(filter))}`;
  return pane === "recent"
    ? `no recent request${matching}`
    : `no request${matching} in the last minute`;
}
