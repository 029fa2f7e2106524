/**
 * README generation: the sections rendered from the code (config schema, environment variables,
 * CLI command table, price table) and their placement between markers in README.md.
 */
import { renderCliReference } from "./cli_reference.ts";
import { renderConfigReference } from "./config_reference.ts";
import { renderEnvReference } from "./env_reference.ts";
import { formatMarkdown } from "./format.ts";
import { applySections } from "./markers.ts";
import { renderPricingReference } from "./pricing_reference.ts";

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

/** Section name (as in the README markers) to its Markdown. Pure: same code, same text. */
export function renderSections(): Record<string, string> {
  return {
    config: renderConfigReference(),
    env: renderEnvReference(),
    cli: renderCliReference(),
    pricing: renderPricingReference(),
  };
}

/** The README as `deno task docs` writes it: sections applied, then formatted like `deno fmt`. */
export async function regenerateReadme(readme: string): Promise<string> {
  return await formatMarkdown(applySections(readme, renderSections()));
}
