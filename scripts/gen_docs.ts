/**
 * `deno task docs`: regenerates the README sections that come from code. With `--check`, changes
 * nothing and exits 1 naming the stale sections (CI and tests/docs/readme_test.ts use this).
 */
import { applySections, regenerateReadme, renderSections, staleSections } from "./docs/mod.ts";

export { applySections, regenerateReadme, renderSections };

const readmePath = new URL("../README.md", import.meta.url);

export async function main(args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== "--check");
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown[0]}; usage: deno task docs [--check]`);
    return 2;
  }
  const readme = await Deno.readTextFile(readmePath);
  const fresh = await regenerateReadme(readme);
  const stale = staleSections(readme, fresh);
  if (args.includes("--check")) {
    if (fresh === readme) return 0;
    const where = stale.length
      ? `sections: ${stale.join(", ")}`
      : "formatting outside the sections";
    console.error(`README.md is stale (${where}): run deno task docs`);
    return 1;
  }
  if (fresh !== readme) await Deno.writeTextFile(readmePath, fresh);
  console.log(
    fresh === readme
      ? "README.md: up to date"
      : `README.md: regenerated ${stale.join(", ") || "formatting"}`,
  );
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
