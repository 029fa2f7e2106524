/**
 * The stand-in for "works in the compiled binary" (DESIGN.md section 2): the loader bundled into
 * one JavaScript file and run from an empty directory must still load a TypeScript config and the
 * policy it imports, which rules out native dynamic import and reads of project files.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { withFiles } from "./temp_files.ts";

const entry = fileURLToPath(new URL("../testdata/config/bundle_entry.ts", import.meta.url));
// Bundling needs the repository's import map; running the bundle must not.
const repo = fileURLToPath(new URL("../../", import.meta.url));

async function deno(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code, out: text.decode(stdout), err: text.decode(stderr) };
}

Deno.test("bundle: a TS config importing a policy loads from a bundle in an empty directory", async () => {
  const config = `import { defineConfig, env } from "ongoingai";
import { strict } from "./policies/strict.ts";
export default defineConfig({ server: { port: 7777 }, pii: strict, tracing: { key_hash_secret: env("S") } });
`;
  const policy = `import type { PiiPolicy } from "@ongoingai/gateway";
export const strict: PiiPolicy = { mode: "block", policy_id: "strict/v1" };
`;
  await withFiles({ "gateway.config.ts": config, "policies/strict.ts": policy }, async (dir) => {
    const built = await deno(
      ["bundle", "--platform", "deno", "-o", `${dir}/gateway.js`, entry],
      repo,
    );
    assert.equal(built.code, 0, built.err);
    const ran = await deno(["run", "-A", "--no-config", "gateway.js"], dir, {
      S: "0123456789abcdef",
    });
    assert.equal(ran.code, 0, ran.err);
    assert.deepEqual(JSON.parse(ran.out), { ok: true, port: 7777, policy: "strict/v1" });
  });
});
