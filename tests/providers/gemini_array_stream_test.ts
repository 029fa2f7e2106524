/**
 * `streamGenerateContent` without `alt=sse`: the JSON array of chunks, split at every offset,
 * cut at every offset, and bodies that are not such an array.
 */
import { deepStrictEqual } from "node:assert/strict";
import { GeminiArrayUsageParser } from "../../src/providers/gemini_array_stream.ts";
import type { UsageReport } from "../../src/providers/types.ts";
import { fixture, splittings } from "./replay.ts";

const enc = new TextEncoder();

function read(pieces: Uint8Array[], complete = true): UsageReport {
  const p = new GeminiArrayUsageParser("gemini-2.5-flash");
  for (const piece of pieces) p.push(piece);
  return p.finish(complete);
}

// The last element's figures: prompt 21, candidates 14 (plan section 2.1's formula).
const want: UsageReport = {
  model: "gemini-2.5-flash",
  usage: {
    input_tokens: 21,
    output_tokens: 14,
    total_tokens: 35,
    cached_input_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
  },
  status: "exact",
  parseErrors: 0,
};

Deno.test("array stream: the last element's usage, at every split", () => {
  for (const { label, pieces } of splittings(fixture("gemini/stream_array.txt"))) {
    deepStrictEqual(read(pieces), want, label);
  }
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...fixture("gemini/stream_array.txt")]);
  deepStrictEqual(read([bom]), want, "BOM");
});

Deno.test("array stream: cut at any offset is unknown", () => {
  const bytes = fixture("gemini/stream_array.txt");
  for (let at = 0; at < bytes.length; at++) {
    const r = read([bytes.subarray(0, at)], false);
    deepStrictEqual([r.status, r.usage], ["unknown", null], `cut at ${at}`);
  }
});

Deno.test("array stream: bodies that are not the array, and error elements", () => {
  const u = '"usageMetadata":{"promptTokenCount":2,"candidatesTokenCount":3}';
  const cases: [string, Pick<UsageReport, "status" | "parseErrors">, boolean?][] = [
    [`[{${u}}]`, { status: "exact", parseErrors: 0 }],
    [`  [ {${u}} ,\r\n {"candidates":[{"content":{"parts":[{"text":"]}{,"}]}}]} ]\n`, {
      status: "exact",
      parseErrors: 0,
    }],
    [`[{${u}}`, { status: "unknown", parseErrors: 1 }],
    [`[{${u}}] x`, { status: "unknown", parseErrors: 1 }],
    [`{${u}}`, { status: "unknown", parseErrors: 1 }],
    [`[1, {${u}}]`, { status: "unknown", parseErrors: 1 }],
    [`[{${u},}]`, { status: "unknown", parseErrors: 1 }],
    ["", { status: "unknown", parseErrors: 1 }],
    [`[{${u}},\n{"error":{"code":503,"status":"UNAVAILABLE"}}]`, {
      status: "unknown",
      parseErrors: 0,
    }, true],
  ];
  for (const [body, w, streamError] of cases) {
    for (const { label, pieces } of splittings(enc.encode(body))) {
      const r = read(pieces);
      deepStrictEqual(
        [r.status, r.parseErrors, r.upstreamStreamError],
        [w.status, w.parseErrors, streamError],
        `${JSON.stringify(body)} ${label}`,
      );
    }
  }
});

Deno.test("array stream: a member past its bound stops reading", () => {
  const big = `[{"modelVersion":"${"m".repeat(300 * 1024)}"}]`;
  const r = read([enc.encode(big)]);
  deepStrictEqual([r.status, r.unknownReason], ["unknown", "usage_member_too_large"]);
});
