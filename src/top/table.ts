/**
 * Columns on a row: a number column is as wide as its widest cell (up to its width), flexible
 * columns (names) share what the screen has left, each down to its minimum; a cell longer than
 * its column is cut with an ellipsis, so one long model name cannot push the numbers out of line.
 * When even the minimums do not fit, the columns marked `drop` go first (lowest first), before
 * the row is cut at the screen's edge.
 */
import { p, type Piece, type Row, type Style } from "./style.ts";
import { padEnd, padStart, textWidth } from "./text.ts";

export interface Column {
  title: string;
  /** Cells at most; "flex": a share of the room left. Either way at least `min`. */
  width: number | "flex";
  min?: number;
  align?: "left" | "right";
  /** Dropped on a narrow screen, lowest first; unset: kept. */
  drop?: number;
}

/** One cell of a body row: its text and style. */
export type Cell = Piece;

/** Widths of `cols` for `body` on a screen `columns` wide (one space between columns). */
export function columnWidths(
  cols: readonly Column[],
  body: readonly (readonly Cell[])[],
  columns: number,
  titles: readonly string[] = cols.map((c) => c.title),
): number[] {
  const natural = cols.map((c, i) => {
    if (c.width === "flex") return c.min ?? 4;
    const widest = Math.max(textWidth(titles[i]!), ...body.map((r) => textWidth(r[i]?.text ?? "")));
    return Math.min(c.width, Math.max(c.min ?? 0, widest));
  });
  const flexCount = cols.filter((c) => c.width === "flex").length;
  const fixed = natural.reduce((n, w, i) => n + (cols[i]!.width === "flex" ? 0 : w), 0);
  const room = Math.max(0, columns - fixed - Math.max(0, cols.length - 1));
  const share = flexCount === 0 ? 0 : Math.floor(room / flexCount);
  let extra = flexCount === 0 ? 0 : room - share * flexCount;
  return cols.map((c, i) => {
    if (c.width !== "flex") return natural[i]!;
    const w = Math.max(natural[i]!, share + extra);
    extra = 0;
    return w;
  });
}

/** The columns kept on a screen `columns` wide: droppable ones out, lowest `drop` first. */
function keptColumns(
  cols: readonly Column[],
  body: readonly (readonly Cell[])[],
  columns: number,
  titles: readonly string[],
): number[] {
  let kept = cols.map((_, i) => i);
  for (;;) {
    const widths = columnWidths(
      kept.map((i) => cols[i]!),
      body.map((r) => kept.map((i) => r[i] ?? p(""))),
      0,
      kept.map((i) => titles[i]!),
    );
    const need = widths.reduce((n, w) => n + w, 0) + kept.length - 1;
    const droppable = kept.filter((i) => cols[i]!.drop !== undefined);
    if (need <= columns || droppable.length === 0) return kept;
    const first = droppable.reduce((a, b) => (cols[a]!.drop! <= cols[b]!.drop! ? a : b));
    kept = kept.filter((i) => i !== first);
  }
}

/**
 * The header row (titles, `marked` one flagged) and body rows, cells padded to their columns,
 * sized for the `measure` rows (default: the body).
 */
export function tableRows(
  cols: readonly Column[],
  body: readonly (readonly Cell[])[],
  columns: number,
  o: { marked?: number; headerStyle?: Style; measure?: readonly (readonly Cell[])[] } = {},
): Row[] {
  const titles = cols.map((c, i) => c.title + (i === o.marked ? "↓" : ""));
  // Tables shown one above the other measure the same rows, so their columns line up.
  const measure = o.measure ?? body;
  const kept = keptColumns(cols, measure, columns, titles);
  const keptCols = kept.map((i) => cols[i]!);
  const keep = (r: readonly Cell[]) => kept.map((i) => r[i] ?? p(""));
  const keptBody = body.map(keep);
  const keptTitles = kept.map((i) => titles[i]!);
  const widths = columnWidths(keptCols, measure.map(keep), columns, keptTitles);
  const style = o.headerStyle === undefined ? {} : { style: o.headerStyle };
  const header = keptTitles.map((text) => ({ text, ...style }));
  return [header, ...keptBody].map((cells) => lineOf(keptCols, widths, cells));
}

function lineOf(cols: readonly Column[], widths: readonly number[], cells: readonly Cell[]): Row {
  const row: Row = [];
  cols.forEach((c, i) => {
    if (i > 0) row.push(p(" "));
    const cell = cells[i] ?? p("");
    const w = widths[i]!;
    const text = c.align === "right" ? padStart(cell.text, w) : padEnd(cell.text, w);
    row.push(cell.style === undefined ? p(text) : p(text, cell.style));
  });
  // Trailing spaces take cells for nothing (and would be cut first on a narrow screen).
  const last = row.at(-1);
  if (last !== undefined) last.text = last.text.trimEnd();
  return row;
}
