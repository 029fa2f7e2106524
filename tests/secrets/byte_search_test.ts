import assert from "node:assert/strict";
import fc from "fast-check";
import { createByteSearch } from "../../src/secrets/byte_search.ts";

/** Every occurrence of every needle, by plain comparison at every offset. */
function naive(bytes: Uint8Array, needles: Uint8Array[]): string[] {
  const out: string[] = [];
  for (const n of needles) {
    if (n.length < 2) continue;
    for (let at = 0; at + n.length <= bytes.length; at++) {
      if (n.every((b, j) => bytes[at + j] === b)) out.push(`${at}-${at + n.length}`);
    }
  }
  return out.sort();
}

function found(bytes: Uint8Array, needles: Uint8Array[]): string[] {
  const hits = createByteSearch(needles)?.find(bytes) ?? [];
  return hits.map(([s, e]) => `${s}-${e}`).sort();
}

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("byte search: table", () => {
  const cases: [string, string, string[], string[]][] = [
    ["one needle", "xx secret-1 yy", ["secret-1"], ["3-11"]],
    ["at both ends", "secret-1 secret-1", ["secret-1"], ["0-8", "9-17"]],
    ["overlapping needles", "abcdefghij", ["abcdefgh", "cdefghij"], ["0-8", "2-10"]],
    ["needles of different lengths", "a longer-needle and short-1", ["longer-needle", "short-1"], [
      "2-15",
      "20-27",
    ]],
    ["a needle longer than the body", "short", ["much-longer-needle"], []],
    ["a repeated needle overlapping itself", "aaaaaaaaaa", ["aaaaaaaa"], ["0-8", "1-9", "2-10"]],
    ["multi-byte characters", "é secrét ✓", ["secrét"], ["3-10"]],
  ];
  for (const [name, body, needles, want] of cases) {
    assert.deepEqual(found(enc(body), needles.map(enc)), [...want].sort(), name);
  }
  assert.equal(createByteSearch([]), null);
});

Deno.test("byte search: finds what a plain scan finds, for any bytes and needles", () => {
  // A small alphabet, so that needles do occur and near misses are common.
  const byte = fc.integer({ min: 97, max: 100 });
  fc.assert(
    fc.property(
      fc.uint8Array({ min: 97, max: 100, maxLength: 300 }),
      fc.array(fc.array(byte, { minLength: 2, maxLength: 12 }), { minLength: 1, maxLength: 5 }),
      (bytes, raw) => {
        const needles = raw.map((n) => Uint8Array.from(n));
        assert.deepEqual(found(bytes, needles), naive(bytes, needles));
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("byte search: work stays linear in the body with many needles over a small alphabet", () => {
  // 1000 hex secrets (`openssl rand -hex 16`) fill every pair of the shift table with 0, so every
  // offset is a candidate; comparing each candidate with every needle cost 5 s per MiB (review
  // of issue 16, item 8). Only needles whose window ends in the candidate's bytes are compared.
  const hex = "0123456789abcdef";
  let seed = 0x2545f491;
  const rand = () => { // xorshift32
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const hexText = (n: number) => Array.from({ length: n }, () => hex[rand() >>> 28]).join("");
  const needles = Array.from({ length: 1000 }, () => enc(hexText(32)));
  const body = enc(hexText(64 * 1024));
  const search = createByteSearch(needles)!;
  search.find(body);
  assert.ok(
    search.compared <= body.length,
    `${search.compared} needle comparisons for ${body.length} bytes`,
  );
  // And what it finds is still everything.
  const planted = enc(`x${new TextDecoder().decode(needles[999])}y`);
  assert.deepEqual(search.find(planted), [[1, 33]]);
});
