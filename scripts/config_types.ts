/**
 * `deno task config-types`: regenerates `src/cli/init/ongoingai.d.ts`, the types `ongoingai init`
 * gives a user's repository so editors type-check a config without the gateway's source. With
 * `--check`, changes nothing and exits 1 when the committed file is stale (tests/docs uses this).
 */
import { declarationFile, generateConfigTypes } from "./config_types/mod.ts";

export async function main(args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== "--check");
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown[0]}; usage: deno task config-types [--check]`);
    return 2;
  }
  const fresh = await generateConfigTypes();
  let current: string | null = null;
  try {
    current = await Deno.readTextFile(declarationFile);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (args.includes("--check")) {
    if (current === fresh) return 0;
    console.error(
      `${declarationFile} is ${current === null ? "missing" : "stale"}: run deno task config-types`,
    );
    return 1;
  }
  if (current !== fresh) await Deno.writeTextFile(declarationFile, fresh);
  console.log(`${declarationFile}: ${current === fresh ? "up to date" : "regenerated"}`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
