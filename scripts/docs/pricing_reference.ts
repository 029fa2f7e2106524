/** The built-in price table, one collapsed table per provider kind; a price change, a row each. */
import { builtInPrices } from "../../src/pricing/mod.ts";
import type { ModelPrice } from "../../src/config/mod.ts";
import { code, table } from "./markdown_table.ts";

const usd = (n: number | undefined, fallback: string) => n === undefined ? fallback : `$${n}`;

/** `, geo and in_region x1.1`: the scopes a row costs more (or less) on, grouped by factor. */
function scopesOf(p: ModelPrice): string {
  const byFactor = new Map<number, string[]>();
  for (const [scope, k] of Object.entries(p.scope_multipliers ?? {})) {
    if (k !== undefined) byFactor.set(k, [...(byFactor.get(k) ?? []), scope]);
  }
  return [...byFactor].map(([k, scopes]) => `, ${scopes.join(" and ")} x${k}`).join("");
}

function priceRow(model: string, p: ModelPrice, next: ModelPrice | undefined): string[][] {
  const since = p.valid_from === undefined ? "" : ` from ${p.valid_from}`;
  const until = next?.valid_from === undefined ? "" : ` until ${next.valid_from}`;
  const name = `${code(model)}${since}${until}`;
  const cells = (r: Omit<ModelPrice, "tiers" | "scope_multipliers" | "valid_from">) => [
    usd(r.input, ""),
    usd(r.cached_input, "= input"),
    usd(r.cache_write, "= input"),
    usd(r.output, ""),
  ];
  return [
    [`${name}${scopesOf(p)}`, ...cells(p)],
    ...(p.tiers ?? []).map((t) => [
      `${name} above ${t.above_input_tokens.toLocaleString("en-US")} input tokens`,
      ...cells(t),
    ]),
  ];
}

export function renderPricingReference(): string {
  const parts: string[] = [];
  for (const [kind, list] of Object.entries(builtInPrices)) {
    const models = Object.entries(list.models);
    if (models.length === 0) {
      parts.push(`${code(kind)}: ${list.source}.`);
      continue;
    }
    const rows = models.flatMap(([model, entry]) => {
      if (entry === null) return [[code(model), "not priced on purpose", "", "", ""]];
      const timeline: readonly ModelPrice[] = Array.isArray(entry) ? entry : [entry as ModelPrice];
      return timeline.flatMap((p, i) => priceRow(model, p, timeline[i + 1]));
    });
    parts.push(
      `<details>\n<summary>${kind}: ${models.length} models, as of ${list.as_of}</summary>`,
      `Source: ${list.source}.`,
      table(["Model or family", "Input", "Cached input", "Cache write", "Output"], rows),
      "</details>",
    );
  }
  return parts.join("\n\n") + "\n";
}
