/**
 * Property tests for the config loader: a config of any shape, from code, YAML or JSON text, with
 * any environment laid over it, gives `{ ok: true }` or `{ ok: false, errors }` whose paths are
 * dotted config paths. Nothing a user writes makes the loader throw.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { envVariables, loadConfig, type LoadResult, validateConfig } from "../../src/config/mod.ts";
import { parseJson, parseYaml } from "../../src/config/file_formats.ts";
import { applyEnv } from "../../src/config/env_overlay.ts";

const topKeys = [
  "server",
  "proxy",
  "storage",
  "providers",
  "tracing",
  "observability",
  "pii",
  "auth",
  "limits",
];
/** Keys the schema knows at some depth, so generated shapes get past the first strict check. */
const knownKeys = [
  ...topKeys,
  "host",
  "port",
  "log_format",
  "max_request_body_bytes",
  "upstream_client",
  "idle_timeout_ms",
  "driver",
  "path",
  "dsn",
  "openai",
  "anthropic",
  "groq",
  "kind",
  "prefix",
  "upstream",
  "prices",
  "input",
  "output",
  "stream_usage",
  "enabled",
  "capture_bodies",
  "body_max_size",
  "key_hash_secret",
  "otel",
  "endpoint",
  "sampling_ratio",
  "mode",
  "policy_id",
  "policies",
  "scopes",
  "match",
  "detectors",
  "custom_detectors",
  "pattern",
  "flags",
  "stages",
  "replacement",
  "hash_salt",
  "header",
  "keys",
  "id",
  "token",
  "token_hash",
  "role",
  "permissions",
  "per_key",
  "per_workspace",
  "requests_per_minute",
  "env",
  "__proto__",
  "constructor",
  "",
];
const oddLeaf = fc.constantFrom(
  0,
  -1,
  1.5,
  65536,
  Number.MAX_SAFE_INTEGER,
  1e308,
  "",
  " ",
  "/",
  "/openai",
  "/..",
  "https://api.openai.com",
  "http://user:pw@h/x?y#z",
  "ftp://x",
  "sqlite",
  "postgres",
  "block",
  "redact_upstream",
  "(",
  "[a-z",
  "(a+)+$",
  "admin",
  "x".repeat(40),
  true,
  false,
  null,
);
const leaf = fc.oneof(oddLeaf, fc.string({ maxLength: 8 }), fc.integer(), fc.double());
const key = fc.oneof(fc.constantFrom(...knownKeys), fc.string({ maxLength: 6 }));
const { tree } = fc.letrec<{ tree: unknown; object: Record<string, unknown>; array: unknown[] }>(
  (tie) => ({
    tree: fc.oneof({ depthSize: "small" }, leaf, tie("object"), tie("array")),
    object: fc.dictionary(key, tie("tree"), { maxKeys: 4 }),
    array: fc.array(tie("tree"), { maxLength: 3 }),
  }),
);
/** A config-like object: mostly known top-level sections with shapes of any kind inside. */
const configShape = fc.dictionary(fc.oneof(fc.constantFrom(...topKeys), key), tree, {
  maxKeys: 5,
});

const envValue = fc.oneof(
  fc.constantFrom("", " ", "0", "1", "-1", "true", "TRUE", "no", "1e999", "8080", " 8080 "),
  fc.constantFrom("http://x", "postgres://u@h/db", "json", "block", "__proto__"),
  fc.string({ maxLength: 12 }),
);
/** A few variables at a time: with all of them set, nearly every run fails on the first one. */
const env = fc
  .array(fc.tuple(fc.constantFrom(...envVariables.map((v) => v.name)), envValue), {
    maxLength: 4,
  })
  .map((pairs) => Object.fromEntries(pairs) as Record<string, string>);

const segment = String.raw`(?:[^.\[\]\s"]+|\[(?:\d+|"(?:[^"\\]|\\.)*")\])`;
const dottedPath = new RegExp(
  String.raw`^(?:${segment}(?:\.[^.\[\]\s"]+|\[(?:\d+|"(?:[^"\\]|\\.)*")\])*)?$`,
);

function assertLoadResult(result: LoadResult): void {
  for (const issue of [...(result.ok ? [] : result.errors), ...result.warnings]) {
    assert.equal(typeof issue.path, "string");
    assert.match(issue.path, dottedPath);
    assert.ok(typeof issue.message === "string" && issue.message !== "", JSON.stringify(issue));
  }
  if (result.ok) assert.ok(typeof result.config === "object" && result.config !== null);
  else assert.ok(result.errors.length > 0, "a refused config names at least one problem");
}

Deno.test("property: validateConfig on any config-shaped value and environment never throws", () => {
  fc.assert(
    fc.property(configShape, env, (input, environment) => {
      assertLoadResult(validateConfig(input, { env: environment }));
    }),
    { numRuns: 1000 },
  );
});

Deno.test("property: validateConfig on any JavaScript value never throws", () => {
  fc.assert(
    fc.property(
      fc.anything({ maxDepth: 3, withNullPrototype: true, withMap: true, withDate: true }),
      (input) => assertLoadResult(validateConfig(input, { env: {} })),
    ),
    { numRuns: 300 },
  );
});

Deno.test("property: the env overlay takes any values for every variable without throwing", () => {
  fc.assert(
    fc.property(fc.oneof(configShape, tree), env, (input, environment) => {
      const overlay = applyEnv(input, environment);
      for (const issue of overlay.issues) {
        assert.match(issue.path, dottedPath);
        // The message names the variable, so a user knows which one to fix.
        assert.ok(envVariables.some((v) => issue.message.startsWith(v.name)), issue.message);
      }
    }),
    { numRuns: 400 },
  );
});

/** YAML and JSON text: well-formed renderings of config shapes, damaged copies, and noise. */
const yamlText = fc.oneof(
  configShape.map((v) => stringify(v)),
  fc.tuple(configShape.map((v) => stringify(v)), fc.nat(), fc.string({ maxLength: 4 })).map((
    [text, at, junk],
  ) => text.slice(0, at % (text.length + 1)) + junk + text.slice(at % (text.length + 1))),
  fc.array(
    fc.constantFrom(
      "a: ",
      "- ",
      "&x ",
      "*x ",
      "<<: ",
      "{",
      "}",
      "[",
      "]",
      "\n",
      "  ",
      "---\n",
      ":",
    ),
    { maxLength: 12 },
  ).map((parts) => parts.join("")),
  fc.string({ unit: "binary", maxLength: 60 }),
);
const jsonText = fc.oneof(
  configShape.map((v) => JSON.stringify(v)),
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.json({ maxDepth: 3 }),
);

Deno.test("property: YAML and JSON text of any shape parse and validate without throwing", () => {
  fc.assert(
    fc.property(fc.oneof(yamlText, jsonText), fc.boolean(), env, (text, asYaml, environment) => {
      const parsed = asYaml ? parseYaml(text, "/c.yaml") : parseJson(text, "/c.json");
      if (!parsed.ok) {
        assert.ok(parsed.issues.length > 0);
        return;
      }
      assertLoadResult(
        validateConfig(parsed.value, { env: environment, source: "/c", locate: parsed.locate }),
      );
    }),
    { numRuns: 400 },
  );
});

Deno.test("property: loadConfig on a file of any content never throws", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-config-prop-" });
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          yamlText.map((text) => ({ name: "ongoingai.yaml", text })),
          jsonText.map((text) => ({ name: "ongoingai.json", text })),
        ),
        env,
        async (file, environment) => {
          await Deno.writeTextFile(join(dir, file.name), file.text);
          const result = await loadConfig({ path: file.name, env: environment, cwd: dir });
          assertLoadResult(result);
        },
      ),
      { numRuns: 60 },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
