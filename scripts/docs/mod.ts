/**
 * Documentation generation: the sections rendered from the code (config schema, environment
 * variables, CLI command table, price table) and their placement between markers in the pages of
 * docs/ that hold them (`generatedFiles`).
 */
import { renderCliReference } from "./cli_reference.ts";
import { renderConfigReference } from "./config_reference.ts";
import { renderEnvReference } from "./env_reference.ts";
import { formatMarkdown } from "./format.ts";
import { applySections } from "./markers.ts";
import { renderPricingReference } from "./pricing_reference.ts";
import { renderPresetReference } from "./preset_reference.ts";

export { applySections, beginMarker, endMarker, findRegions, staleSections } from "./markers.ts";
export {
  configJsonSchema,
  type ConfigRow,
  configRows,
  type JsonSchema,
  typeOf,
} from "./config_reference.ts";
export { documentedExitCodes } from "./cli_reference.ts";
export { formatMarkdown, formatWithDeno } from "./format.ts";

/**
 * Which page holds which generated sections (paths from the repository root). Every section of
 * `renderSections()` is in exactly one page; a test checks it. To move a section, move its markers
 * and change this table.
 */
export const generatedFiles: Readonly<Record<string, readonly string[]>> = {
  "docs/configuration.md": ["config", "env"],
  "docs/cli.md": ["cli"],
  // docs/pricing.md is the pricing guide; the generated table of built-in prices has its own page.
  "docs/pricing-table.md": ["pricing"],
  "docs/providers-presets.md": ["presets"],
};

/** Section name (as in the markers) to its Markdown. Pure: same code, same text. */
export function renderSections(): Record<string, string> {
  return {
    config: renderConfigReference(),
    env: renderEnvReference(),
    cli: renderCliReference(),
    pricing: renderPricingReference(),
    presets: renderPresetReference(),
  };
}

/**
 * `text` (the page `file`) as `deno task docs` writes it: the page's sections applied, then
 * formatted like `deno fmt`.
 */
export async function regenerateFile(
  file: string,
  text: string,
  all: Record<string, string> = renderSections(),
): Promise<string> {
  const names = generatedFiles[file];
  if (names === undefined) throw new Error(`${file} holds no generated section`);
  const sections = Object.fromEntries(names.map((name) => [name, all[name] ?? ""]));
  return await formatMarkdown(applySections(text, sections, file));
}
