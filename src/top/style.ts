/**
 * A row as styled pieces, fitted to the width before any colour is added: escape sequences take
 * no cells, so measuring the text alone keeps a coloured row exactly as wide as the plain one.
 * Colour is the caller's decision (`colorWanted`), made once.
 */
import { ellipsis, prefix, textWidth } from "./text.ts";

export type Style = "bold" | "dim" | "red" | "yellow" | "green" | "cyan" | "inverse";

export interface Piece {
  text: string;
  style?: Style;
}

export type Row = Piece[];

const sgr: Record<Style, string> = {
  bold: "1",
  dim: "2",
  red: "31",
  yellow: "33",
  green: "32",
  cyan: "36",
  inverse: "7",
};

/** A piece of text, styled or not: `p("x")`, `p("x", "red")`. */
export function p(text: string, style?: Style): Piece {
  return style === undefined ? { text } : { text, style };
}

/**
 * The row as the terminal gets it: cut to `columns` cells (its last cell an ellipsis when
 * anything was cut), with SGR codes around styled pieces when `color`.
 */
export function paint(row: Row, columns: number, color: boolean): string {
  if (columns <= 0) return "";
  const total = row.reduce((n, piece) => n + textWidth(piece.text), 0);
  // A row that does not fit keeps its last cell for the ellipsis.
  let budget = total <= columns ? columns : columns - 1;
  let out = "";
  for (const piece of row) {
    const kept = prefix(piece.text, budget);
    budget -= textWidth(kept);
    const cut = kept.length < piece.text.length;
    const shown = cut ? kept + ellipsis : kept;
    out += color && piece.style !== undefined && shown !== ""
      ? `\x1b[${sgr[piece.style]}m${shown}\x1b[0m`
      : shown;
    if (cut) break;
  }
  return out;
}

/** Whether to colour: a terminal that takes colour, and no NO_COLOR (https://no-color.org). */
export function colorWanted(env: Record<string, string | undefined>, isTerminal: boolean): boolean {
  if (!isTerminal) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  const term = env.TERM ?? "";
  return term !== "" && term !== "dumb";
}

/** Escape sequences out: what a row shows (tests measure rows with it). */
export function plain(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}
