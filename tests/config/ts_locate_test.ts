/**
 * Positions of config keys in a gateway.config.ts (src/config/ts_locate.ts): what
 * `check --format github` puts on an annotation for a TypeScript config.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { join } from "node:path";
import { locateInTs, tsKeyPositions } from "../../src/config/ts_locate.ts";
import { runCli } from "../../src/cli/mod.ts";
import { runCaptured } from "../support/cli_io.ts";
import { withFiles } from "./temp_files.ts";

const config = `import { defineConfig, env } from "ongoingai";
import { strict } from "./policies/strict.ts";

/* a { block comment } with braces */
const note = \`template { \${"}"} } \${ { a: 1 }.a }\`;

export default defineConfig({
  server: { host: "127.0.0.1", port: 8080 }, // { not a key }
  "storage": {
    path: "./data/ongoingai.db",
  },
  providers: {
    openai: { upstream: "https://api.openai.com" },
    "my-local": { prefix: "/local", upstream: \`http://\${"localhost"}:11434\` },
  },
  pii: strict,
  auth: {
    keys: [
      { id: "a", token: env("A") },
      {
        id: "b",
        token: env("B"),
      },
    ],
  },
  limits: { requests_per_minute: cond ? 10 : 20, tokens: 1 / 2 },
  detectors: [{ name: "badge", pattern: /EMP-\\d{6}[}\\]]/g, validate(m) { return { x: m }; } }],
  after: (x) => ({ inner: x }),
  last,
});
`;

Deno.test("ts locate: keys of the default export, by path", async (t) => {
  const cases: Array<[string, Array<string | number>, [number, number] | undefined]> = [
    ["a top-level key", ["server"], [8, 3]],
    ["a nested key on the same line", ["server", "port"], [8, 32]],
    ["a quoted key", ["storage"], [9, 3]],
    ["a key below a quoted key", ["storage", "path"], [10, 5]],
    ["a quoted provider id", ["providers", "my-local", "upstream"], [14, 37]],
    ["an array element's key", ["auth", "keys", 1, "token"], [22, 9]],
    ["an array element", ["auth", "keys", 1], [20, 7]],
    ["the first array element", ["auth", "keys", 0, "token"], [19, 18]],
    ["an element the array does not have: the array", ["auth", "keys", 5], [18, 5]],
    ["after a ternary and a division", ["limits", "tokens"], [26, 50]],
    ["after a regex with braces", ["detectors", 0, "validate"], [27, 60]],
    ["a shorthand key at the end", ["last"], [29, 3]],
    ["an imported value: its key in the config", ["pii", "mode"], [16, 3]],
    ["a path the file does not show", ["tracing", "capture_bodies"], undefined],
  ];
  const locate = locateInTs(config);
  for (const [name, path, expected] of cases) {
    await t.step(name, () => {
      const at = locate(path);
      assert.deepEqual(at && [at.line, at.column], expected);
    });
  }
});

Deno.test("ts locate: nothing inside function bodies, calls or computed keys is a key", () => {
  const keys = [...tsKeyPositions(config).keys()];
  for (const inner of ["x", "inner", "a", "block"]) {
    assert.ok(!keys.some((k) => k.endsWith(`.${inner}`)), `${inner} in ${keys.join(" ")}`);
  }
});

Deno.test("ts locate: the root is found in each way a config is written", async (t) => {
  const cases: Array<[string, string]> = [
    ["export default {", `export default {\n  server: {},\n};\n`],
    ["export default defineConfig({", `export default defineConfig({\n  server: {},\n});\n`],
    [
      "defineConfig({ in a const, exported later",
      `const c = defineConfig({\n  server: {},\n});\nexport default c;\n`,
    ],
  ];
  for (const [name, text] of cases) {
    await t.step(
      name,
      () => assert.deepEqual(locateInTs(text)(["server"]), { line: 2, column: 3 }),
    );
  }
  assert.equal(locateInTs(`import { x } from "y";\nexport default x;\n`)(["server"]), undefined);
  assert.equal(locateInTs("")(["server"]), undefined);
});

Deno.test("ts locate: check --format github annotates the key's line in a TS config", async () => {
  const text = `import { defineConfig } from "ongoingai";

export default defineConfig({
  server: {
    host: "127.0.0.1",
    port: 70000,
  },
});
`;
  await withFiles({ "gateway.config.ts": text }, async (dir) => {
    const r = await runCaptured(
      (a, io) => runCli(["check", ...a], io),
      ["--config", join(dir, "gateway.config.ts"), "--format", "github"],
      dir,
    );
    assert.equal(r.code, 1);
    assert.match(r.stdout + r.stderr, /::error file=gateway\.config\.ts,line=6,col=5[,:]/);
  });
});

Deno.test("ts locate: any text gives positions inside it, or none, and never throws", () => {
  const pieces = fc.constantFrom(
    "export default {",
    "defineConfig({",
    "a: ",
    "b,",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ",",
    "=>",
    "/x{1}/g",
    "/",
    "`",
    "${",
    '"',
    "'",
    "//",
    "/*",
    "*/",
    "\n",
    " ",
    "?",
    ":",
    "1",
    "return ",
  );
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 60 }), (parts) => {
      const text = parts.join("");
      const lines = text.split("\n");
      for (const { line, column } of tsKeyPositions(text).values()) {
        assert.ok(line >= 1 && line <= lines.length);
        assert.ok(column >= 1 && column <= lines[line - 1]!.length);
      }
    }),
    { numRuns: 2000 },
  );
});
