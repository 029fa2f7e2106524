import assert from "node:assert/strict";
import {
  formatTraceparent,
  parseTraceparent,
  randomSpanId,
  randomTraceId,
  ratioSampled,
  sampled,
} from "../../src/telemetry/trace_context.ts";

const T = "4bf92f3577b34da6a3ce929d0e0e4736";
const S = "00f067aa0ba902b7";

Deno.test("traceparent: valid and invalid headers", () => {
  const cases: [string, string | null, ReturnType<typeof parseTraceparent>][] = [
    ["sampled", `00-${T}-${S}-01`, { traceId: T, spanId: S, sampled: true }],
    ["not sampled", `00-${T}-${S}-00`, { traceId: T, spanId: S, sampled: false }],
    ["other flags, sampled bit set", `00-${T}-${S}-03`, { traceId: T, spanId: S, sampled: true }],
    ["surrounding spaces", ` 00-${T}-${S}-01 `, { traceId: T, spanId: S, sampled: true }],
    ["future version with extra field", `01-${T}-${S}-01-xyz`, {
      traceId: T,
      spanId: S,
      sampled: true,
    }],
    ["absent", null, null],
    ["empty", "", null],
    ["version ff", `ff-${T}-${S}-01`, null],
    ["version 00 with extra field", `00-${T}-${S}-01-xyz`, null],
    ["upper-case hex", `00-${T.toUpperCase()}-${S}-01`, null],
    ["all-zero trace id", `00-${"0".repeat(32)}-${S}-01`, null],
    ["all-zero span id", `00-${T}-${"0".repeat(16)}-01`, null],
    ["short trace id", `00-${T.slice(1)}-${S}-01`, null],
    ["non-hex span id", `00-${T}-${S.slice(0, 15)}g-01`, null],
    ["non-hex flags", `00-${T}-${S}-0x`, null],
    ["wrong separators", `00_${T}_${S}_01`, null],
    ["garbage", "hello world, this is not a traceparent header at all...", null],
  ];
  for (const [name, input, want] of cases) {
    assert.deepEqual(parseTraceparent(input), want, name);
  }
});

Deno.test("traceparent: format round-trips", () => {
  for (
    const ctx of [{ traceId: T, spanId: S, sampled: true }, {
      traceId: T,
      spanId: S,
      sampled: false,
    }]
  ) {
    assert.deepEqual(parseTraceparent(formatTraceparent(ctx)), ctx);
  }
  assert.deepEqual(formatTraceparent({ traceId: T, spanId: S, sampled: true }), `00-${T}-${S}-01`);
});

Deno.test("random ids are lower-case hex of the right length and differ", () => {
  assert.match(randomTraceId(), /^[0-9a-f]{32}$/);
  assert.match(randomSpanId(), /^[0-9a-f]{16}$/);
  assert.notEqual(randomTraceId(), randomTraceId());
});

Deno.test("sampling: a valid parent's flag wins, a root samples by ratio", () => {
  const low = "0123456789abcdef0000000000000000"; // random part 0: sampled at any ratio > 0
  const high = "0123456789abcdefffffffffffffffff"; // random part near 1: only at ratio 1
  const cases: [string, Parameters<typeof sampled>, boolean][] = [
    ["sampled parent, ratio 0", [{ traceId: T, spanId: S, sampled: true }, T, 0], true],
    ["unsampled parent, ratio 1", [{ traceId: T, spanId: S, sampled: false }, T, 1], false],
    ["root, ratio 1", [null, high, 1], true],
    ["root, ratio 0", [null, low, 0], false],
    ["root, low id, ratio 0.5", [null, low, 0.5], true],
    ["root, high id, ratio 0.5", [null, high, 0.5], false],
  ];
  for (const [name, args, want] of cases) assert.deepEqual(sampled(...args), want, name);
});

Deno.test("sampling: the ratio holds over many random trace ids", () => {
  let n = 0;
  for (let i = 0; i < 20_000; i++) if (ratioSampled(randomTraceId(), 0.25)) n++;
  const share = n / 20_000;
  assert.ok(share > 0.22 && share < 0.28, `share ${share}`);
});
