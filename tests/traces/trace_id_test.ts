import assert from "node:assert/strict";
import { newTraceId, traceIdSource } from "../../src/traces/trace_id.ts";

const uuidV7Hex = /^[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$/;

Deno.test("trace ids are UUIDv7 laid out as 32 hex digits, the time first", () => {
  const cases: [label: string, now: number, hexTime: string][] = [
    ["epoch", 0, "000000000000"],
    ["2026-11-22", Date.UTC(2026, 10, 22), "01a2008d7400"],
    ["largest 48-bit ms", 2 ** 48 - 1, "ffffffffffff"],
  ];
  for (const [label, now, hexTime] of cases) {
    const id = traceIdSource()(now);
    assert.match(id, uuidV7Hex, label);
    assert.equal(id.slice(0, 12), hexTime, label);
  }
  assert.match(newTraceId(), uuidV7Hex);
});

Deno.test("trace ids increase strictly, within one millisecond and when the clock steps back", () => {
  const next = traceIdSource();
  const now = Date.UTC(2030, 0, 1);
  const ids = [
    ...Array.from({ length: 5000 }, () => next(now)), // more than the 12-bit counter holds
    next(now - 60_000), // the clock stepped back a minute
    next(now + 5),
  ];
  for (let i = 1; i < ids.length; i++) {
    assert.ok(ids[i - 1]! < ids[i]!, `id ${i} (${ids[i]}) does not sort after ${ids[i - 1]}`);
    assert.match(ids[i]!, uuidV7Hex);
  }
  assert.equal(new Set(ids).size, ids.length);
});

Deno.test("trace ids made in the same millisecond differ in their random part", () => {
  const next = traceIdSource();
  const a = next(Date.UTC(2031, 0, 1));
  const b = next(Date.UTC(2031, 0, 1));
  assert.notEqual(a.slice(16), b.slice(16));
});
