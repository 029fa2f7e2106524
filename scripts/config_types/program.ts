/**
 * A TypeScript program over the gateway's public module, `src/mod.ts`, resolved as Deno resolves
 * it: the npm imports of deno.json point at their packages in Deno's npm cache, so `z.input<...>`
 * types come out as the structures they are instead of `any`.
 */
import ts from "typescript";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const publicEntry = join(repoRoot, "src", "mod.ts");

/** `"zod": "npm:zod@4.6.7"` → `zod` at `<cache>/registry.npmjs.org/zod/4.6.7` (and `name/*`). */
export function npmPaths(
  imports: Record<string, string>,
  npmCache: string,
): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const [name, target] of Object.entries(imports)) {
    const m = /^npm:\/?((?:@[^/@]+\/)?[^/@]+)@([^/]+)(\/?)$/.exec(target);
    if (!m) continue;
    const dir = join(npmCache, "registry.npmjs.org", m[1]!, m[2]!);
    if (name.endsWith("/")) paths[`${name}*`] = [`${dir}/*`];
    else paths[name] = [dir];
  }
  return paths;
}

async function denoNpmCache(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("`deno info --json` failed; is Deno installed correctly?");
  return JSON.parse(new TextDecoder().decode(out.stdout)).npmCache;
}

/** Caches the npm packages first: a fresh machine has not downloaded zod's types yet. */
export async function publicProgram(): Promise<ts.Program> {
  const cached = await new Deno.Command(Deno.execPath(), {
    args: ["cache", publicEntry],
    cwd: repoRoot,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!cached.success) throw new Error(`\`deno cache ${publicEntry}\` failed`);
  const manifest = JSON.parse(await Deno.readTextFile(join(repoRoot, "deno.json")));
  return ts.createProgram([publicEntry], {
    strict: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    types: [],
    paths: npmPaths(manifest.imports, await denoNpmCache()),
  });
}
