/**
 * A batch of traces as one JSON text plus its captured bodies, for the hop to the store worker.
 *
 * `postMessage` copies an object graph with V8's structured clone, which costs about 3 µs a
 * trace to write and 8 µs to read back (a trace is some forty fields and a few nested objects);
 * `JSON.stringify` and `JSON.parse` of the same batch cost about 1.5 and 3.7 µs, and the message
 * is then one string (issue 23, measured with bench's trace fixture in batches of 512). Bodies
 * stay out of the text: bytes cross as bytes, so a megabyte body never becomes a string.
 *
 * JSON is exact for what a trace holds (strings with lone surrogates included) except numbers
 * that are not finite, which it turns into null. The store refuses such a trace instead of
 * storing it as unknown, so a batch holding one is not packed: it crosses as objects, as before,
 * and the store's refusal names the field.
 */
import type { CapturedBody, TraceRecord } from "../traces/mod.ts";

export interface PackedTraces {
  /** The traces without their bodies, as a JSON array. */
  json: string;
  /** Two per trace, in order: request body, response body. */
  bodies: (CapturedBody | null)[];
}

/** The packed batch, or null when a trace holds a number JSON cannot carry (see above). */
export function packTraces(traces: readonly TraceRecord[]): PackedTraces | null {
  const bodies: (CapturedBody | null)[] = new Array(traces.length * 2);
  const bare: TraceRecord[] = new Array(traces.length);
  for (let i = 0; i < traces.length; i++) {
    const t = traces[i]!;
    if (!numbersFinite(t)) return null;
    bodies[2 * i] = t.request_body ?? null;
    bodies[2 * i + 1] = t.response_body ?? null;
    bare[i] = t.request_body == null && t.response_body == null
      ? t
      : { ...t, request_body: null, response_body: null };
  }
  return { json: JSON.stringify(bare), bodies };
}

export function unpackTraces(packed: PackedTraces): TraceRecord[] {
  const traces = JSON.parse(packed.json) as TraceRecord[];
  if (!Array.isArray(traces) || packed.bodies.length !== traces.length * 2) {
    throw new TypeError("packed trace batch is malformed: bodies do not match the traces");
  }
  for (let i = 0; i < traces.length; i++) {
    traces[i]!.request_body = packed.bodies[2 * i] ?? null;
    traces[i]!.response_body = packed.bodies[2 * i + 1] ?? null;
  }
  return traces;
}

/** The columns are the trace's own members; nested values are stored as JSON text anyway. */
function numbersFinite(trace: TraceRecord): boolean {
  for (const key in trace) {
    const value = (trace as unknown as Record<string, unknown>)[key];
    if (typeof value === "number" && !Number.isFinite(value)) return false;
  }
  return true;
}
