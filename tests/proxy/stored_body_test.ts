import assert from "node:assert/strict";
import { scrubKey, withoutCutCharacter } from "../../src/proxy/stored_body.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123";

Deno.test("scrubKey removes a provider key from stored bytes, whole or cut at the capture cap", () => {
  const table: [string, string | null, string][] = [
    ["no key here", key, "no key here"],
    [`{"error":"bad key ${key}"}`, key, `{"error":"bad key [REDACTED]"}`],
    [`${key} and ${key}`, key, "[REDACTED] and [REDACTED]"],
    [`${key}${key}`, key, "[REDACTED][REDACTED]"],
    [`sk-sk-proj-${key.slice(8)}`, key, `sk-[REDACTED]`],
    [`{"echo":"${key.slice(0, 20)}`, key, `{"echo":"[REDACTED]`],
    [`{"echo":"${key.slice(0, 7)}`, key, `{"echo":"${key.slice(0, 7)}`],
    [`${key.slice(0, 12)} then the end`, key, `${key.slice(0, 12)} then the end`],
    [`héllo ${key} wörld`, key, "héllo [REDACTED] wörld"],
    [`text ${key}`, null, `text ${key}`],
    ["short sk-1", "sk-1", "short sk-1"],
    ["", key, ""],
  ];
  for (const [text, k, want] of table) {
    assert.equal(dec.decode(scrubKey(enc.encode(text), k)), want, text);
  }
});

Deno.test("scrubKey returns the same buffer when there is nothing to scrub", () => {
  const bytes = enc.encode("nothing secret here");
  assert.equal(scrubKey(bytes, key), bytes);
  assert.equal(scrubKey(bytes, null), bytes);
});

Deno.test("withoutCutCharacter drops only a UTF-8 sequence cut off at the end", () => {
  const table: [label: string, bytes: number[], keep: number][] = [
    ["ascii", [0x61, 0x62], 2],
    ["empty", [], 0],
    ["whole 2-byte é", [0x61, 0xc3, 0xa9], 3],
    ["cut 2-byte", [0x61, 0xc3], 1],
    ["whole 3-byte €", [0xe2, 0x82, 0xac], 3],
    ["3-byte cut after 1", [0x61, 0xe2], 1],
    ["3-byte cut after 2", [0x61, 0xe2, 0x82], 1],
    ["whole 4-byte emoji", [0xf0, 0x9f, 0x98, 0x80], 4],
    ["4-byte cut after 3", [0x61, 0xf0, 0x9f, 0x98], 1],
    ["stray continuation bytes are left alone", [0x61, 0x80, 0x80, 0x80, 0x80], 5],
  ];
  for (const [label, bytes, keep] of table) {
    assert.equal(withoutCutCharacter(new Uint8Array(bytes)).byteLength, keep, label);
  }
});
