/** Issue formatting (text, JSON report, GitHub annotations) and typo suggestions. */
import assert from "node:assert/strict";
import {
  type ConfigIssue,
  formatIssue,
  formatPath,
  githubAnnotation,
  validationReport,
} from "../../src/config/mod.ts";
import { closest, editDistance } from "../../src/config/suggest.ts";

const pathRows: Array<[PropertyKey[], string]> = [
  [["server", "port"], "server.port"],
  [["pii", "scopes", 0, "match"], "pii.scopes[0].match"],
  [
    ["providers", "openai", "prices", "gpt-4.1", "input"],
    'providers.openai.prices["gpt-4.1"].input',
  ],
  [[], ""],
];
for (const [segments, expected] of pathRows) {
  Deno.test(`formatPath ${JSON.stringify(segments)} is ${expected || '""'}`, () => {
    assert.equal(formatPath(segments), expected);
  });
}

const issueRows: Array<[ConfigIssue, string]> = [
  [
    { path: "server.port", message: "must be between 1 and 65535 (got 0)" },
    "server.port: must be between 1 and 65535 (got 0)",
  ],
  [
    { path: "server.prot", message: "unknown key", hint: 'did you mean "port"?' },
    'server.prot: unknown key (did you mean "port"?)',
  ],
  [
    { path: "", message: "syntax error: x", file: "/w/gateway.config.ts", line: 3 },
    "gateway.config.ts:3: syntax error: x",
  ],
  [
    { path: "", message: "m", file: "/elsewhere/a.ts", line: 3, column: 7 },
    "/elsewhere/a.ts:3:7: m",
  ],
  [{ path: "", message: "m" }, "config: m"],
];
for (const [issue, expected] of issueRows) {
  Deno.test(`formatIssue: ${expected}`, () => {
    assert.equal(formatIssue(issue, { cwd: "/w" }), expected);
  });
}

Deno.test("githubAnnotation escapes properties and data", () => {
  const issue: ConfigIssue = {
    path: "providers.a,b",
    message: "100% wrong:\nsecond line",
    file: "/w/conf/ongoingai.yaml",
    line: 4,
    column: 5,
  };
  assert.equal(
    githubAnnotation(issue, "error", { cwd: "/w" }),
    "::error file=conf/ongoingai.yaml,line=4,col=5,title=providers.a%2Cb::providers.a,b: 100%25 wrong:%0Asecond line",
  );
  assert.equal(githubAnnotation({ path: "x", message: "m" }, "warning"), "::warning title=x::x: m");
});

Deno.test("validationReport has the fields CI jobs read", () => {
  const report = validationReport({
    ok: false,
    source: "/w/a.yaml",
    errors: [{ path: "a", message: "b" }],
    warnings: [],
  });
  assert.deepEqual(report, {
    valid: false,
    source: "/w/a.yaml",
    errors: [{ path: "a", message: "b" }],
    warnings: [],
  });
});

const distanceRows: Array<[string, string, number]> = [
  ["port", "port", 0],
  ["prot", "port", 1],
  ["upstraem", "upstream", 1],
  ["hots", "host", 1],
  ["", "abc", 3],
  ["kitten", "sitting", 3],
];
for (const [a, b, d] of distanceRows) {
  Deno.test(`editDistance(${a}, ${b}) is ${d}`, () => assert.equal(editDistance(a, b), d));
}

const suggestRows: Array<[string, string[], string | undefined]> = [
  ["prot", ["host", "port"], "port"],
  ["captureBodies", ["capture_bodies", "body_max_size"], "capture_bodies"],
  ["zzzzzz", ["host", "port"], undefined],
  ["x", ["y"], undefined],
];
for (const [given, candidates, expected] of suggestRows) {
  Deno.test(`closest(${given}) is ${expected}`, () =>
    assert.equal(closest(given, candidates), expected));
}
