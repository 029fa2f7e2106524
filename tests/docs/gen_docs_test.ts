import assert from "node:assert/strict";
import {
  applySections,
  beginMarker,
  configJsonSchema,
  configRows,
  documentedExitCodes,
  endMarker,
  findRegions,
  type JsonSchema,
  renderSections,
  staleSections,
  typeOf,
} from "../../scripts/docs/mod.ts";
import { exitCode } from "../../src/cli/io.ts";
import { commands } from "../../src/cli/mod.ts";
import { envVariables } from "../../src/config/mod.ts";

const region = (name: string, body: string) => `${beginMarker(name)}\n${body}${endMarker(name)}`;

Deno.test("markers: only the text between markers is replaced", () => {
  const readme = `# Title\n\nhand\n\n${region("a", "old a\n")}\n\nmiddle\n\n${
    region("b", "old b\n")
  }\ntail\n`;
  const out = applySections(readme, { a: "new a", b: "new b\n" });
  assert.equal(
    out,
    `# Title\n\nhand\n\n${region("a", "new a\n")}\n\nmiddle\n\n${region("b", "new b\n")}\ntail\n`,
  );
  assert.equal(applySections(out, { a: "new a", b: "new b\n" }), out, "idempotent");
  assert.deepEqual(staleSections(readme, out), ["a", "b"]);
  assert.deepEqual(staleSections(out, out), []);
});

Deno.test("markers: disagreements between README and generator are errors", async (t) => {
  const cases: Array<[string, string, Record<string, string>, RegExp]> = [
    ["a section without markers", region("a", ""), { a: "x", b: "y" }, /lacks the markers for "b"/],
    ["a region nothing fills", region("a", "") + region("z", ""), { a: "x" }, /"z" that nothing/],
    ["an unclosed region", `${beginMarker("a")}\ntext`, { a: "x" }, /never closed/],
    ["an END without BEGIN", `text\n${endMarker("a")}`, { a: "x" }, /without a matching/],
    ["nested regions", `${beginMarker("a")}\n${region("b", "")}`, { a: "x" }, /inside the open/],
    ["a region twice", region("a", "") + region("a", ""), { a: "x" }, /twice/],
  ];
  for (const [name, readme, sections, message] of cases) {
    await t.step(name, () => assert.throws(() => applySections(readme, sections), message));
  }
});

Deno.test("markers: regions are found in order with their names", () => {
  const text = `x\n${region("one", "1\n")}\n${region("two", "")}`;
  assert.deepEqual(findRegions(text).map((r) => r.name), ["one", "two"]);
});

Deno.test("config reference: JSON Schema nodes render as readable types", async (t) => {
  const cases: Array<[string, JsonSchema, string]> = [
    ["enum", { type: "string", enum: ["text", "json"] }, '"text" | "json"'],
    ["bounded integer", { type: "integer", minimum: 1, maximum: 65535 }, "integer 1..65535"],
    [
      "positive integer",
      { type: "integer", exclusiveMinimum: 0, maximum: 2 ** 53 - 1 },
      "integer > 0",
    ],
    ["non-negative number", { type: "number", minimum: 0 }, "number >= 0"],
    [
      "secret or env reference",
      {
        anyOf: [{ type: "string" }, {
          type: "object",
          properties: { env: { type: "string" } },
        }],
      },
      'string | env("NAME")',
    ],
    ["list of enum", { type: "array", items: { enum: ["a", "b"] } }, 'list of "a" | "b"'],
    ["map", { type: "object", additionalProperties: { type: "object", properties: {} } }, "map"],
  ];
  for (const [name, schema, expected] of cases) {
    await t.step(name, () => assert.equal(typeOf(schema), expected));
  }
});

Deno.test("config reference: every key of the schema is listed with a description", () => {
  const schema = configJsonSchema();
  const rows = Object.entries(schema.properties ?? {}).flatMap(([k, s]) => configRows(s, k));
  const keys = rows.map((r) => r.key);
  for (
    const key of [
      "server.port",
      "storage.dsn",
      "providers.<id>.prefix",
      "providers.<id>.prices.<model>.cached_input",
      "tracing.key_hash_secret",
      "observability.otel.sampling_ratio",
      "pii.scopes[].match.route_prefix",
      "auth.keys[].token",
      "limits.per_workspace.max_cost_usd_per_day",
    ]
  ) assert.ok(keys.includes(key), `${key} missing from the reference`);
  const undescribed = rows.filter((r) => r.leaf && r.description === "").map((r) => r.key);
  assert.deepEqual(undescribed, [], "add .describe() to these keys in src/config/schema.ts");
  const byKey = new Map(rows.map((r) => [r.key, r]));
  assert.equal(byKey.get("server.port")?.default, "`8080`");
  assert.equal(byKey.get("pii.scopes")?.default, "`[]`", "defaults hidden by transforms are found");
  assert.equal(byKey.get("providers.<id>.prices.<model>.input")?.default, "required");
  assert.equal(byKey.get("storage.dsn")?.default, "unset");
});

Deno.test("generated sections: every env variable, command and exit code appears", () => {
  const sections = renderSections();
  for (const v of envVariables) assert.ok(sections.env?.includes(`\`${v.name}\``), v.name);
  for (const { spec } of commands) {
    assert.ok(sections.cli?.includes(spec.usage), spec.name);
    for (const [flag] of spec.flags) {
      assert.ok(sections.cli?.includes(flag), `${spec.name} ${flag}`);
    }
  }
  assert.ok(sections.cli?.includes("ongoingai help"));
  assert.deepEqual(
    documentedExitCodes.map(([n]) => n),
    [exitCode.ok, exitCode.failure, exitCode.usage],
  );
  assert.match(sections.pricing ?? "", /as of \d{4}-\d{2}-\d{2}/);
});
