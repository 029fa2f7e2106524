/**
 * `deno task docs`: regenerates the README sections that come from code. With `--check`, changes
 * nothing and exits 1 naming the stale sections (CI and tests/docs/readme_test.ts use this).
 */
import { applySections, renderSections, staleSections } from "./docs/mod.ts";

export { applySections, renderSections };

const readmePath = new URL("../README.md", import.meta.url);

export async function main(args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== "--check");
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown[0]}; usage: deno task docs [--check]`);
    return 2;
  }
  const readme = await Deno.readTextFile(readmePath);
  const sections = renderSections();
  const stale = staleSections(readme, sections);
  if (args.includes("--check")) {
    if (stale.length === 0) return 0;
    console.error(`README.md is stale (sections: ${stale.join(", ")}): run deno task docs`);
    return 1;
  }
  if (stale.length > 0) await Deno.writeTextFile(readmePath, applySections(readme, sections));
  console.log(
    stale.length ? `README.md: regenerated ${stale.join(", ")}` : "README.md: up to date",
  );
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
