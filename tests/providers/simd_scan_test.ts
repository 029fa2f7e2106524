import { strictEqual } from "node:assert/strict";
import {
  lastLineBreak,
  lastLineBreakJs,
  plainRunEnd,
  plainRunEndJs,
  plainRunSimd,
} from "../../src/providers/simd_scan.ts";

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

Deno.test("last line break: LF or CR at every position, with an earlier one, as the loop", () => {
  for (const len of [0, 1, 15, 16, 17, 63, 64, 65, 100, 200]) {
    for (let at = -1; at < len; at++) {
      for (const brk of [0x0a, 0x0d]) {
        for (const earlier of [false, true]) {
          const buf = new Uint8Array(len).fill(0x41);
          if (earlier && len > 0) buf[0] = 0x0a;
          if (at >= 0) buf[at] = brk;
          strictEqual(lastLineBreak(buf), lastLineBreakJs(buf), `${len} bytes, break at ${at}`);
        }
      }
    }
  }
});

Deno.test("last line break: across the 64 KiB windows of the module's memory", () => {
  const len = 3 * 65536 + 100;
  const buf = new Uint8Array(len).fill(0x79);
  strictEqual(lastLineBreak(buf), -1);
  for (const at of [0, 99, 100, 65536 + 99, 65536 + 100, 2 * 65536 + 100, len - 1]) {
    buf[at] = 0x0d;
    strictEqual(lastLineBreak(buf), at, `break at ${at}`);
    strictEqual(lastLineBreak(buf.subarray(3)), at - 3 < 0 ? -1 : at - 3, `unaligned, ${at}`);
    buf[at] = 0x79;
  }
});
