/**
 * Secrets and digests are compared in constant time (reliability.md S6, CWE-208). Timing
 * measurements flake on a shared CI machine, so this is a lint instead: every `===` / `!==` in
 * src/ whose operand is named like a secret (token, secret, digest, hash, password, fingerprint,
 * api/raw/provider/gateway key) fails the test unless the other side is a literal (`null`,
 * `undefined`, `""`, a number), which reveals nothing. A line that compares something public
 * despite its name can say so with `// timing-safe-lint: public`.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { repoRoot } from "../support/process.ts";

const identifier = String.raw`[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*|\[\d+\]|!)*`;
const literal = String.raw`null|undefined|true|false|-?\d[\w.]*|"[^"]*"|'[^']*'|\x60[^\x60]*\x60`;
const comparison = new RegExp(
  String.raw`(${identifier}|${literal})\s*(?:===|!==)\s*(typeof\b|${identifier}|${literal})`,
  "g",
);
const literalOnly = new RegExp(String.raw`^(?:${literal}|typeof)$`);
/** Last word of the last segment: `ring.keyDigest` -> `digest`, `api_key_hash` -> `hash`. */
const secretWord = /(?:^|[a-z0-9_])(?:digest|hash|token|secret|password|fingerprint)$/i;
const secretKey = /(?:api|raw|provider|gateway)_?key$/i;

function lastSegment(operand: string): string {
  const parts = operand.replace(/!|\[\d+\]/g, "").split(/\??\./);
  return parts[parts.length - 1]!;
}

function secretLike(operand: string): boolean {
  if (literalOnly.test(operand)) return false;
  const name = lastSegment(operand);
  return secretWord.test(name) || secretKey.test(name);
}

/** The `===` / `!==` comparisons on a line that may leak a secret through timing. */
function timingUnsafeComparisons(line: string): string[] {
  const code = line.replace(/\/\/.*$/, "");
  if (/^\s*\*/.test(code) || line.includes("timing-safe-lint: public")) return [];
  const found: string[] = [];
  for (const m of code.matchAll(comparison)) {
    const [whole, left, right] = m;
    if (literalOnly.test(left!) || literalOnly.test(right!)) continue;
    if (secretLike(left!) || secretLike(right!)) found.push(whole);
  }
  return found;
}

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

Deno.test("timing-safe lint: flags secret comparisons, passes literals and counts", () => {
  const flagged = [
    "if (digest === expected) return true;",
    "return presented !== k.token;",
    "if (a.keyDigest === b.keyDigest) ok();",
    "const same = row.api_key_hash === fingerprint;",
    "if (rawKey === header) {",
    "if (secret !== other!) {",
  ];
  for (const line of flagged) assert.notDeepEqual(timingUnsafeComparisons(line), [], line);
  const passed = [
    "if (token === null) return;",
    'if (token.trim() === "") return;',
    "if (key.token_hash !== undefined) {",
    "if (f.input_tokens === undefined) return null;",
    "if (tokenStart === tokenEnd) break;",
    "const end = hash === -1 ? url.length : hash;",
    "if (typeof secret === 'object') {",
    "return a.byteLength === b.byteLength && timingSafeEqual(a, b);",
    " * if (digest === expected) is what this comment warns about",
    "if (digest === shown) {} // timing-safe-lint: public",
  ];
  for (const line of passed) assert.deepEqual(timingUnsafeComparisons(line), [], line);
});

Deno.test("timing-safe lint: no secret or digest in src/ is compared with === or !==", async () => {
  const offences: string[] = [];
  let files = 0;
  for await (const file of sourceFiles(join(repoRoot, "src"))) {
    files++;
    const lines = (await Deno.readTextFile(file)).split("\n");
    lines.forEach((line, i) => {
      for (const hit of timingUnsafeComparisons(line)) {
        offences.push(`${relative(repoRoot, file)}:${i + 1}: ${hit}`);
      }
    });
  }
  assert.ok(files > 50, `scanned only ${files} files; is repoRoot right?`);
  assert.deepEqual(
    offences,
    [],
    "compare digests with constantTimeEqual (node:crypto timingSafeEqual), not === / !==",
  );
});
