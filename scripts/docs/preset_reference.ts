/**
 * The OpenAI-compatible presets as docs/providers-presets.md shows them: one table of what each
 * preset fills in, then each preset's built-in prices (a price change, a row each). Generated
 * from `providers/presets.ts` and `pricing/preset_prices.ts`, so the page cannot drift.
 */
import { presetIds, providerPresets } from "../../src/providers/mod.ts";
import { presetPrices } from "../../src/pricing/preset_prices.ts";
import type { ModelPrice } from "../../src/config/mod.ts";
import { code, table } from "./markdown_table.ts";

const usd = (n: number | undefined, fallback: string) => n === undefined ? fallback : `$${n}`;

function presetTable(): string {
  const rows = presetIds.map((id) => {
    const p = providerPresets[id];
    return [
      code(id),
      code(p.upstream),
      code(`${p.prefix}/v1`),
      p.stream_usage ? "on" : "off",
      p.litellm.length === 0 ? "none (self-hosted)" : p.litellm.map(code).join(", "),
    ];
  });
  return table(
    ["Preset", "Upstream", "Client base URL (after the gateway origin)", "stream_usage", "LiteLLM"],
    rows,
  );
}

function priceRows(model: string, timeline: readonly ModelPrice[]): string[][] {
  return timeline.map((p, i) => {
    const next = timeline[i + 1];
    const since = p.valid_from === undefined ? "" : ` from ${p.valid_from}`;
    const until = next?.valid_from === undefined ? "" : ` until ${next.valid_from}`;
    return [
      `${code(model)}${since}${until}`,
      usd(p.input, ""),
      usd(p.cached_input, "= input"),
      usd(p.output, ""),
    ];
  });
}

function priceLists(): string {
  const parts: string[] = [];
  for (const id of presetIds) {
    const list = presetPrices[id];
    const models = Object.entries(list.models);
    if (models.length === 0) {
      parts.push(`${code(id)}: ${list.source}.`);
      continue;
    }
    const rows = models.flatMap(([model, entry]) => {
      if (entry === null) return [[code(model), "not priced on purpose", "", ""]];
      return priceRows(model, Array.isArray(entry) ? entry : [entry as ModelPrice]);
    });
    parts.push(
      `<details>\n<summary>${id}: ${models.length} models, as of ${list.as_of}</summary>`,
      `Source: ${list.source}.`,
      table(["Model", "Input", "Cached input", "Output"], rows),
      "</details>",
    );
  }
  return parts.join("\n\n");
}

export function renderPresetReference(): string {
  return [
    presetTable(),
    "Built-in prices, USD per million tokens (cache writes are not billed by these vendors):",
    priceLists(),
  ].join("\n\n") + "\n";
}
