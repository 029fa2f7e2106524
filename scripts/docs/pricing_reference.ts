/** The built-in price table, one collapsed table per provider kind. */
import { builtInPrices } from "../../src/pricing/mod.ts";
import { code, table } from "./markdown_table.ts";

const usd = (n: number | undefined, fallback: string) => n === undefined ? fallback : `$${n}`;

export function renderPricingReference(): string {
  const parts: string[] = [];
  for (const [kind, list] of Object.entries(builtInPrices)) {
    const models = Object.entries(list.models);
    if (models.length === 0) {
      parts.push(`${code(kind)}: ${list.source}.`);
      continue;
    }
    const rows = models.map(([model, p]) =>
      p === null ? [code(model), "not priced on purpose", "", "", ""] : [
        code(model),
        usd(p.input, ""),
        usd(p.cached_input, "= input"),
        usd(p.cache_write, "= input"),
        usd(p.output, ""),
      ]
    );
    parts.push(
      `<details>\n<summary>${kind}: ${models.length} models, as of ${list.as_of}</summary>`,
      `Source: ${list.source}.`,
      table(["Model or family", "Input", "Cached input", "Cache write", "Output"], rows),
      "</details>",
    );
  }
  return parts.join("\n\n") + "\n";
}
