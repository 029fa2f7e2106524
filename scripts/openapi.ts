/**
 * `deno task openapi`: writes `openapi/openapi.yaml` from the endpoint registry. With `--check`,
 * changes nothing and exits 1 when the committed file is stale (tests/api/openapi_test.ts).
 */
import { endpoints, openApiDocument, openApiYaml } from "../src/api/contract/mod.ts";
import { VERSION } from "../src/version.ts";

export const openApiPath = new URL("../openapi/openapi.yaml", import.meta.url);

/** The YAML as it should be committed. */
export function renderOpenApi(): string {
  return openApiYaml(openApiDocument(endpoints, { version: VERSION }));
}

async function readOrNull(url: URL): Promise<string | null> {
  try {
    return await Deno.readTextFile(url);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

export async function main(args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== "--check");
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown[0]}; usage: deno task openapi [--check]`);
    return 2;
  }
  const fresh = renderOpenApi();
  const committed = await readOrNull(openApiPath);
  if (args.includes("--check")) {
    if (committed === fresh) return 0;
    console.error(
      `openapi/openapi.yaml is ${committed === null ? "missing" : "stale"}: run deno task openapi`,
    );
    return 1;
  }
  if (committed !== fresh) {
    await Deno.mkdir(new URL(".", openApiPath), { recursive: true });
    await Deno.writeTextFile(openApiPath, fresh);
  }
  console.log(`openapi/openapi.yaml: ${committed === fresh ? "up to date" : "regenerated"}`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
