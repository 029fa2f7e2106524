/**
 * `deno task docs`: regenerates the documentation sections that come from code (the pages listed
 * in `generatedFiles`). With `--check`, changes nothing and exits 1 naming the stale pages and
 * sections (CI and tests/docs/generated_docs_test.ts use this).
 */
import {
  applySections,
  generatedFiles,
  regenerateFile,
  renderSections,
  staleSections,
} from "./docs/mod.ts";

export { applySections, generatedFiles, regenerateFile, renderSections };

const repoRoot = new URL("../", import.meta.url);

export async function main(args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== "--check");
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown[0]}; usage: deno task docs [--check]`);
    return 2;
  }
  const check = args.includes("--check");
  const sections = renderSections();
  let stalePages = 0;
  for (const file of Object.keys(generatedFiles)) {
    const url = new URL(file, repoRoot);
    const text = await Deno.readTextFile(url);
    const fresh = await regenerateFile(file, text, sections);
    if (fresh === text) {
      if (!check) console.log(`${file}: up to date`);
      continue;
    }
    stalePages++;
    const stale = staleSections(text, fresh).join(", ");
    if (check) {
      const where = stale ? `sections: ${stale}` : "formatting outside the sections";
      console.error(`${file} is stale (${where}): run deno task docs`);
    } else {
      await Deno.writeTextFile(url, fresh);
      console.log(`${file}: regenerated ${stale || "formatting"}`);
    }
  }
  return check && stalePages > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
