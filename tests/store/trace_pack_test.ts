/**
 * Packing a batch for the store worker (JSON text plus bodies) must give the worker the same
 * traces structured clone would have: every field, bodies as bytes or text, odd strings intact.
 * Batches JSON cannot carry exactly are left unpacked.
 */
import assert from "node:assert/strict";
import { packTraces, unpackTraces } from "../../src/store/trace_pack.ts";
import type { TraceRecord } from "../../src/traces/mod.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const record = (overrides: Partial<TraceRecord>): TraceRecord =>
  ({ ...makeTrace(), ...overrides }) as TraceRecord;

const roundTrips: { name: string; batch: () => TraceRecord[] }[] = [
  { name: "no traces", batch: () => [] },
  { name: "a trace without bodies", batch: () => [record({})] },
  {
    name: "bodies as bytes and as text, one side missing",
    batch: () => [
      record({ request_body: new Uint8Array([123, 125]), response_body: null }),
      record({ request_body: null, response_body: '{"ok":true}' }),
      record({ request_body: "x", response_body: new Uint8Array([0xff, 0x00, 0xfe]) }),
    ],
  },
  {
    name: "strings JSON must escape: lone surrogates, NUL, line separators, quotes",
    batch: () => [
      record({
        model: "\ud800lone\udfff",
        correlation_id: 'a\u0000b\u2028c"\\',
        metadata: { nested: { list: [1, "two", null, true] }, emoji: "😀" },
      }),
    ],
  },
  {
    name: "nulls, zeros, large integers and negative numbers stay as they are",
    batch: () => [
      record({
        estimated_cost_usd: null,
        latency_ms: 0,
        request_bytes: Number.MAX_SAFE_INTEGER,
        metadata: { offset: -1.5e-7 },
      }),
    ],
  },
];

for (const c of roundTrips) {
  Deno.test(`trace pack: ${c.name} arrive as structured clone would bring them`, () => {
    const batch = c.batch();
    const packed = packTraces(batch);
    assert.ok(packed !== null);
    // What structured clone hands the worker is the reference.
    assert.deepEqual(unpackTraces(structuredClone(packed)), structuredClone(batch));
  });
}

Deno.test("trace pack: the sender's traces keep their bodies (packing copies, never strips)", () => {
  const body = new Uint8Array([1, 2, 3]);
  const trace = record({ request_body: body });
  const packed = packTraces([trace])!;
  assert.equal(trace.request_body, body);
  assert.equal(packed.bodies[0], body);
  assert.ok(!packed.json.includes('"request_body":{'), "bytes never enter the JSON text");
});

for (const value of [NaN, Infinity, -Infinity]) {
  Deno.test(`trace pack: a batch with ${value} in a column is not packed (the store refuses it)`, () => {
    assert.equal(packTraces([record({}), record({ latency_ms: value })]), null);
  });
}

Deno.test("trace pack: bodies that do not match the traces are refused, not misassigned", () => {
  const packed = packTraces([record({}), record({})])!;
  assert.throws(
    () => unpackTraces({ json: packed.json, bodies: packed.bodies.slice(1) }),
    /bodies do not match the traces/,
  );
});
