/**
 * TypeScript configs are transpiled and evaluated by the loader (no dynamic import), so the same
 * code path works in the compiled binary. Broken files are written at test time: as fixtures they
 * would break `deno fmt`, `deno lint` and `deno check` of the repository.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/config/mod.ts";
import { configOf, errorsOf, loadFrom } from "./temp_files.ts";

const testdata = fileURLToPath(new URL("../testdata/config/", import.meta.url));

Deno.test("ts config: imports a policy file, JSON data and survives an import cycle", async () => {
  const result = await loadConfig({
    path: "ts/with_policy.ts",
    env: { TEAM_A_KEY: "gwk_team_a" },
    cwd: testdata,
  });
  const config = configOf(result);
  assert.equal(config.server.port, 9191);
  assert.equal(config.pii.mode, "block");
  assert.equal(config.pii.policy_id, "strict/v2");
  assert.deepEqual(config.pii.scopes[0]?.match, { provider: "anthropic" });
  assert.equal(config.auth.keys[0]?.token, "gwk_team_a");
});

const specifiers = [
  "ongoingai",
  "@ongoingai/gateway",
  "npm:@ongoingai/gateway",
  "npm:@ongoingai/gateway@0.1.0",
  "jsr:@ongoingai/gateway@^0.1",
];
for (const specifier of specifiers) {
  Deno.test(`ts config: "${specifier}" is the gateway's public module`, async () => {
    const ts = `import { defineConfig, env } from "${specifier}";
export default defineConfig({ server: { port: 7001 }, tracing: { key_hash_secret: env("S") } });\n`;
    const config = configOf(
      await loadFrom({ "gateway.config.ts": ts }, { env: { S: "0123456789abcdef" } }),
    );
    assert.equal(config.server.port, 7001);
    assert.equal(config.tracing.key_hash_secret, "0123456789abcdef");
  });
}

interface ErrorRow {
  name: string;
  files: Record<string, string>;
  message: RegExp;
  hint?: RegExp;
  file?: string;
  line?: number;
}

const errorRows: ErrorRow[] = [
  {
    name: "syntax error (a missing comma) names the file and line",
    files: {
      "gateway.config.ts": "export default {\n  server: { port: 80 }\n  storage: {},\n};\n",
    },
    message: /^syntax error: /,
    file: "gateway.config.ts",
    line: 3,
  },
  {
    name: "an exception thrown by the config names the file and line",
    files: {
      "gateway.config.ts":
        'function need(name: string): string {\n  throw new Error(`${name} is not set`);\n}\nexport default { storage: { path: need("DB_PATH") } };\n',
    },
    message: /^threw Error: DB_PATH is not set$/,
    file: "gateway.config.ts",
    line: 2,
  },
  {
    name: "an exception in an imported file points at that file",
    files: {
      "gateway.config.ts": 'import { p } from "./policies/bad.ts";\nexport default { pii: p };\n',
      "policies/bad.ts": "export const p = {};\nnull!.boom;\n",
    },
    message: /^threw TypeError: /,
    file: "policies/bad.ts",
    line: 2,
  },
  {
    name: "a node: built-in is refused",
    files: {
      "gateway.config.ts":
        'import { defineConfig } from "ongoingai";\nimport { readFileSync } from "node:fs";\nexport default defineConfig({ server: { host: readFileSync("/etc/hostname", "utf8") } });\n',
    },
    message: /imports "node:fs", which a config cannot load/,
    hint: /relative files .* "ongoingai"/,
    file: "gateway.config.ts",
    line: 2,
  },
  {
    name: "an npm package is refused",
    files: {
      "gateway.config.ts":
        'import { z } from "zod";\nexport default { server: { port: z ? 1 : 2 } };\n',
    },
    message: /imports "zod", which a config cannot load/,
    line: 1,
  },
  {
    name: "a remote URL is refused",
    files: {
      "gateway.config.ts":
        'import p from "https://example.com/policy.ts";\nexport default { pii: p };\n',
    },
    message: /imports "https:\/\/example.com\/policy.ts", which a config cannot load/,
  },
  {
    name: "a disallowed import inside a policy file names the policy file",
    files: {
      "gateway.config.ts": 'import { p } from "./policies/p.ts";\nexport default { pii: p };\n',
      "policies/p.ts": 'import "node:child_process";\nexport const p = {};\n',
    },
    message: /imports "node:child_process"/,
    file: "policies/p.ts",
    line: 1,
  },
  {
    name: "a missing relative import suggests the nearest file",
    files: {
      "gateway.config.ts":
        'import { strict } from "./policies/strct.ts";\nexport default { pii: strict };\n',
      "policies/strict.ts": "export const strict = {};\n",
    },
    message: /imports "\.\/policies\/strct\.ts", which does not exist/,
    hint: /did you mean "strict\.ts"\?/,
  },
  {
    name: "no default export",
    files: { "gateway.config.ts": "export const config = { server: { port: 1 } };\n" },
    message: /has no default export/,
    hint: /export default defineConfig/,
  },
  {
    name: "a default export that is not an object",
    files: { "gateway.config.ts": 'export default "server: {}";\n' },
    message: /default export must be a config object, got a string/,
  },
  {
    name: "top-level await gets a hint to export a function",
    files: {
      "gateway.config.ts":
        "const port = await Promise.resolve(1);\nexport default { server: { port } };\n",
    },
    message: /syntax error/,
    hint: /export default async \(\) =>/,
  },
];

for (const row of errorRows) {
  Deno.test(`ts config error: ${row.name}`, async () => {
    const errors = errorsOf(await loadFrom(row.files));
    assert.equal(errors.length, 1, JSON.stringify(errors));
    const [error] = errors;
    assert.match(error?.message ?? "", row.message);
    assert.equal(error?.path, "");
    if (row.hint) assert.match(error?.hint ?? "", row.hint);
    if (row.file) assert.ok(error?.file?.endsWith(`/${row.file}`), error?.file);
    if (row.line !== undefined) assert.equal(error?.line, row.line);
  });
}

Deno.test("ts config: schema errors in a TS file carry the file and the key's position", async () => {
  const ts = "export default { server: { prot: 1 } };\n";
  const [error] = errorsOf(await loadFrom({ "gateway.config.ts": ts }));
  assert.equal(error?.path, "server.prot");
  assert.equal(error?.hint, 'did you mean "port"?');
  assert.ok(error?.file?.endsWith("/gateway.config.ts"));
  assert.deepEqual([error?.line, error?.column], [1, 28]);
});

Deno.test("ts config: an async function default export is awaited", async () => {
  const ts = "export default async () => ({ server: { port: 7002 } });\n";
  assert.equal(configOf(await loadFrom({ "gateway.config.ts": ts })).server.port, 7002);
});

Deno.test("ts config: import.meta.dirname is the config's own directory", async () => {
  const ts = "export default { storage: { path: `${import.meta.dirname}/traces.db` } };\n";
  const result = await loadFrom({ "sub/gateway.config.ts": ts }, { path: "sub/gateway.config.ts" });
  assert.match(configOf(result).storage.path, /\/sub\/traces\.db$/);
});

Deno.test("ts config: extensionless relative imports resolve to .ts", async () => {
  const result = await loadFrom({
    "gateway.config.ts":
      'import { port } from "./shared/port";\nexport default { server: { port } };\n',
    "shared/port.ts": "export const port: number = 7003;\n",
  });
  assert.equal(configOf(result).server.port, 7003);
});

Deno.test("ts config: the caller's config object is not modified by the env overlay", async () => {
  const result = await loadFrom({
    "gateway.config.ts": 'import { shared } from "./shared.ts";\nexport default shared;\n',
    "shared.ts":
      "export const shared = Object.freeze({ server: Object.freeze({ port: 7004 }) });\n",
  }, { env: { ONGOINGAI_PORT: "7005" } });
  assert.equal(configOf(result).server.port, 7005);
});
