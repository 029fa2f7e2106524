/**
 * Price rows in time: each model id of a layer (config prices, one price file, the built-in
 * table) has rows ordered by the instant they apply from, so a price change keeps the past.
 */
import type { ModelPrice, PriceTable } from "../config/mod.ts";
import { validFromMs } from "../config/mod.ts";
import type { BuiltInEntry } from "./builtin_prices.ts";

/** One price row and the instant it applies from (`-Infinity`: since always). */
export interface TimedPrice {
  readonly from: number;
  /** `null` marks a model that must stay unpriced (its bill depends on what tokens cannot say). */
  readonly price: ModelPrice | null;
}

/** One source of prices: lower-cased id to its rows, oldest first. */
export interface PriceLayer {
  readonly name: string;
  /** Whether ids of this layer are families that price longer ids (`gpt-4` for `gpt-4-0613`). */
  readonly families: boolean;
  readonly rows: ReadonlyMap<string, readonly TimedPrice[]>;
}

/** A price table entry as rows, oldest first; a row without `valid_from` applies since always. */
export function timeline(entry: BuiltInEntry | PriceTable[string]): TimedPrice[] {
  if (entry === null) return [{ from: -Infinity, price: null }];
  const rows = Array.isArray(entry) ? entry : [entry as ModelPrice];
  return rows
    .map((row) => {
      const { valid_from, ...price } = row;
      return { from: valid_from === undefined ? -Infinity : validFromMs(valid_from), price };
    })
    .filter((row) => !Number.isNaN(row.from))
    .sort((a, b) => a.from - b.from);
}

/** The row of `rows` valid at `at`: the latest that started at or before it. */
export function rowAt(rows: readonly TimedPrice[], at: number): TimedPrice | undefined {
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i]!;
    if (row.from <= at) return row;
  }
  return undefined;
}

export function tableLayer(
  name: string,
  table: Readonly<Record<string, BuiltInEntry | PriceTable[string]>>,
): PriceLayer {
  const rows = new Map<string, TimedPrice[]>();
  for (const [id, entry] of Object.entries(table)) {
    rows.set(id.trim().toLowerCase(), timeline(entry));
  }
  return { name, families: true, rows };
}
