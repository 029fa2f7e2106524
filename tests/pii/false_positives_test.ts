/**
 * Ordinary LLM traffic must not look like personal data. Every string in every recorded request
 * and response under `tests/testdata/{openai,anthropic}/` (JSON files, and each `data:` payload of
 * SSE transcripts) is scanned with all built-in detectors on and must yield nothing; so must each
 * file's raw text, which also exercises numbers, keys and escapes as they appear on the wire.
 */

import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { builtinDetectors, createScan } from "../../src/pii/detectors/mod.ts";

const TESTDATA = fileURLToPath(new URL("../testdata/", import.meta.url));
const scan = createScan(Object.values(builtinDetectors));

/**
 * Raw-text findings that are expected, by file and matched text, each with its reason. Empty:
 * keep it that way unless a fixture genuinely needs an exception.
 */
const RAW_ALLOWED: Record<string, string[]> = {};

function* files(dir: string): Generator<string> {
  for (const entry of [...Deno.readDirSync(dir)].sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* files(path);
    else if (/\.(json|sse)$/.test(entry.name)) yield path;
  }
}

/** Every string (member names included) in a JSON value, with its JSON path. */
function* strings(value: unknown, path = "$"): Generator<[string, string]> {
  if (typeof value === "string") yield [path, value];
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      yield [`${path}{key}`, k];
      yield* strings(v, `${path}.${k}`);
    }
  }
}

/** The JSON documents of a file: the file itself, or each parseable `data:` line of an SSE file. */
function documents(path: string, text: string): unknown[] {
  if (path.endsWith(".json")) return [JSON.parse(text)];
  const docs: unknown[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith("data:")) continue;
    try {
      docs.push(JSON.parse(line.slice(5)));
    } catch {
      // `[DONE]` and the deliberately malformed fixture; the raw-text check still covers them.
    }
  }
  return docs;
}

function describe(text: string, findings: ReturnType<typeof scan>): string[] {
  return findings.map((f) => `${f.detector}: ${JSON.stringify(text.slice(f.start, f.end))}`);
}

const FIXTURES = [...files(join(TESTDATA, "openai")), ...files(join(TESTDATA, "anthropic"))];

Deno.test("false positives: the corpus has request and response fixtures of both providers", () => {
  const names = FIXTURES.map((p) => relative(TESTDATA, p));
  for (const dir of ["openai/requests/", "anthropic/requests/"]) {
    assert.ok(names.filter((n) => n.startsWith(dir)).length >= 3, `fixtures in ${dir}`);
  }
  assert.ok(names.some((n) => n.endsWith(".sse")), "SSE transcripts");
});

for (const path of FIXTURES) {
  const name = relative(TESTDATA, path);
  const text = Deno.readTextFileSync(path);

  Deno.test(`false positives: no finding in any string of ${name}`, () => {
    const hits: string[] = [];
    let count = 0;
    for (const doc of documents(path, text)) {
      for (const [where, s] of strings(doc)) {
        count++;
        for (const hit of describe(s, scan(s))) hits.push(`${where} ${hit}`);
      }
    }
    assert.ok(count > 0, "the file has strings to check");
    assert.deepEqual(hits, []);
  });

  Deno.test(`false positives: no finding in the raw text of ${name}`, () => {
    const got = scan(text).map((f) => text.slice(f.start, f.end));
    assert.deepEqual(got.filter((s) => !(RAW_ALLOWED[name] ?? []).includes(s)), []);
  });
}
