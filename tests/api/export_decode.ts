/** Reads a CSV export record back into a Trace, by the column kinds the store uses. */
import { traceColumns } from "../../src/store/mod.ts";
import type { Trace } from "../../src/traces/mod.ts";

const kinds = new Map<string, string>(traceColumns.map(([name, kind]) => [name, kind]));

export function traceFromCsv(header: readonly (string | null)[], row: readonly (string | null)[]) {
  if (row.length !== header.length) {
    throw new Error(`${row.length} fields, ${header.length} columns`);
  }
  const out: Record<string, unknown> = {};
  header.forEach((name, i) => {
    const cell = row[i] ?? null;
    const kind = kinds.get(name!);
    if (kind === undefined) throw new Error(`unknown column ${name}`);
    if (cell === null) out[name!] = kind === "json" ? undefined : null;
    else if (kind === "int" || kind === "real") out[name!] = Number(cell);
    else if (kind === "bool") {
      if (cell !== "true" && cell !== "false") throw new Error(`${name}: ${cell} is not a boolean`);
      out[name!] = cell === "true";
    } else if (kind === "json" || kind === "json_or_null") out[name!] = JSON.parse(cell);
    else out[name!] = cell;
  });
  return out as unknown as Trace;
}
