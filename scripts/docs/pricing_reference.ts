/** The built-in price table, one collapsed table per provider kind; a price change, a row each. */
import { builtInPrices } from "../../src/pricing/mod.ts";
import type { ModelPrice } from "../../src/config/mod.ts";
import { code, table } from "./markdown_table.ts";

const usd = (n: number | undefined, fallback: string) => n === undefined ? fallback : `$${n}`;

function priceRow(model: string, p: ModelPrice, next: ModelPrice | undefined): string[] {
  const since = p.valid_from === undefined ? "" : ` from ${p.valid_from}`;
  const until = next?.valid_from === undefined ? "" : ` until ${next.valid_from}`;
  return [
    `${code(model)}${since}${until}`,
    usd(p.input, ""),
    usd(p.cached_input, "= input"),
    usd(p.cache_write, "= input"),
    usd(p.output, ""),
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
      return timeline.map((p, i) => priceRow(model, p, timeline[i + 1]));
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
