/** The files the repository ships and documents must load cleanly through the loader. */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadConfig, publicApi } from "../../src/config/mod.ts";
import * as publicModule from "../../src/mod.ts";
import { configOf } from "./temp_files.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const testdata = fileURLToPath(new URL("../testdata/config/", import.meta.url));

Deno.test("repo: gateway.config.ts loads without errors or warnings", async () => {
  const result = await loadConfig({ path: "gateway.config.ts", env: {}, cwd: repo });
  const config = configOf(result);
  assert.equal(result.source, `${repo}gateway.config.ts`);
  assert.deepEqual(result.warnings, []);
  assert.equal(config.storage.driver, "sqlite");
  // The example providers ship disabled, so a fresh checkout routes only the two built-ins.
  assert.deepEqual(config.providers.map((p) => p.id).sort(), ["anthropic", "openai"]);
  assert.equal(config.pii.policy_id, "default/v1");
});

Deno.test("repo: gateway.config.ts is what discovery finds in the repository root", async () => {
  const result = await loadConfig({ env: {}, cwd: repo });
  assert.equal(result.source, `${repo}gateway.config.ts`);
});

Deno.test("repo: the original README's YAML example loads, with warnings a reviewer would want", async () => {
  const result = await loadConfig({ path: "original_readme.yaml", env: {}, cwd: testdata });
  const config = configOf(result);
  assert.equal(config.server.port, 8080);
  assert.equal(config.pii_mode, "off", 'mode "" means auto, and bodies are not captured');
  assert.equal(config.pii.scopes[0]?.mode, "block");
  assert.equal(config.auth.keys[0]?.token, "replace-me");
  // Its compliance scope cannot match without team mode, names a policy it never declares (the
  // original's policy_id was a label), and an empty salt makes placeholders change per restart.
  assert.deepEqual(result.warnings.map((w) => [w.path, w.line]), [
    ["pii.scopes[0].match.workspace_id", 36],
    ["pii.scopes[0].policy_id", 40],
    ["pii.replacement.hash_salt", 48],
    ["auth.keys[0].token", 54],
  ]);
});

Deno.test("repo: a JSON config with an env-referenced key", async () => {
  const result = await loadConfig({
    path: "team.json",
    env: { CI_GATEWAY_KEY: "gwk_ci" },
    cwd: testdata,
  });
  const config = configOf(result);
  assert.equal(config.auth.keys[0]?.token, "gwk_ci");
  const mistral = config.providers.find((p) => p.id === "mistral");
  assert.equal(mistral?.kind, "openai-compatible");
  assert.deepEqual(mistral?.prices["mistral-small-latest"], { input: 0.1, output: 0.3 });
});

Deno.test("repo: the loader's stand-in for src/mod.ts has every runtime export of it", () => {
  assert.deepEqual(Object.keys(publicModule).sort(), Object.keys(publicApi).sort());
  assert.equal(publicModule.defineConfig, publicApi["defineConfig"]);
});

Deno.test("repo: defineConfig returns its input and env builds a reference", () => {
  const input = { server: { port: 1 } };
  assert.equal(publicModule.defineConfig(input), input);
  assert.deepEqual(publicModule.env("TEAM_KEY"), { env: "TEAM_KEY" });
});
