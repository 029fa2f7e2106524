import { strictEqual } from "node:assert/strict";
import { plainRunEnd, plainRunEndJs, plainRunSimd } from "../../src/providers/json_string_scan.ts";
import { hasUsageObject } from "../../src/providers/openai_usage.ts";

/** Bytes that end a plain run, and bytes that do not (around each class's edges). */
const stops = [0x22, 0x5c, 0x00, 0x0a, 0x1f];
const plain = [0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xc3, 0xff];

Deno.test("plain runs: the SIMD module is in use on this runtime", () => {
  strictEqual(plainRunSimd, true);
});

Deno.test("plain runs: every stop byte at every position, every start and end, as the loop", () => {
  // 200 bytes cover the JavaScript head (64), several 16-byte blocks and a partial last block.
  const len = 200;
  for (const stop of stops) {
    for (let at = 0; at <= len; at++) {
      const buf = new Uint8Array(len);
      for (let i = 0; i < len; i++) buf[i] = plain[i % plain.length]!;
      if (at < len) buf[at] = stop;
      for (const from of [0, 1, 15, 16, 17, 63, 64, 65, at, Math.max(0, at - 1)]) {
        for (const to of [len, len - 1, at, at + 1, from + 64, from + 80]) {
          const t = Math.min(len, Math.max(from, to));
          strictEqual(
            plainRunEnd(buf, from, t),
            plainRunEndJs(buf, from, t),
            `stop 0x${stop.toString(16)} at ${at}, from ${from} to ${t}`,
          );
        }
      }
    }
  }
});

Deno.test("plain runs: across the 64 KiB windows of the module's memory", () => {
  const len = 3 * 65536 + 100;
  const buf = new Uint8Array(len).fill(0x78);
  strictEqual(plainRunEnd(buf, 0, len), len, "no stop at all");
  strictEqual(plainRunEnd(buf.subarray(7), 0, len - 7), len - 7, "an unaligned view");
  for (const at of [64 + 65535, 64 + 65536, 64 + 65537, 2 * 65536 + 63, len - 1]) {
    buf[at] = 0x5c;
    for (const from of [0, 5, at - 70, at]) {
      strictEqual(plainRunEnd(buf, from, len), at, `stop at ${at}, from ${from}`);
    }
    strictEqual(plainRunEnd(buf, 0, at), at, `to ${at}`);
    buf[at] = 0x78;
  }
});

Deno.test('usage objects: found as the pattern /"usage"\\s*:\\s*\\{/ finds them', () => {
  const pattern = /"usage"\s*:\s*\{/;
  const cases = [
    '{"usage":{"a":1}}',
    '{"usage":null}',
    '{"usage" : \n\t{ }}',
    '{"usage":\u00a0{}}',
    '{"usage"\u2028:{}}',
    '{"x":"\\"usage\\":{"}',
    '{"usage":null,"x_groq":{"usage":{"a":1}}}',
    '{"usage":[{"a":1}]}',
    '{"usages":{}}',
    '"usage"',
    '"usage":',
    '"usage""usage":{',
    "",
  ];
  for (const c of cases) strictEqual(hasUsageObject(c), pattern.test(c), JSON.stringify(c));
});
