/** The CLI bundled as `deno task bundle` builds it: the e2e stand-in for the compiled binary. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { repoRoot } from "./process.ts";

/** Writes `ongoingai.js` into `dir` and returns its path. */
export async function buildBundle(dir: string): Promise<string> {
  const bundle = join(dir, "ongoingai.js");
  const built = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--platform", "deno", "-o", bundle, "src/main.ts"],
    cwd: repoRoot,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
  return bundle;
}
