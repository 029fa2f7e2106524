/**
 * The event-stream aligner releases exactly the input, in order, and only ever stops between two
 * messages, at every split; a message past the hold bound streams until its declared end; a
 * corrupt prelude turns alignment off.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { EventStreamAligner, nextMessageEnd } from "../../src/providers/aws_eventstream_aligner.ts";
import {
  encodeEventStreamMessage,
  eventStreamException,
} from "../../src/providers/aws_eventstream.ts";
import { splittings } from "./replay.ts";
import { converseStream, transcript } from "./aws_eventstream_transcript.ts";

const { bytes, ends } = transcript(converseStream);
const boundaries = new Set(ends);

function run(aligner: EventStreamAligner, pieces: Uint8Array[]): {
  out: Uint8Array;
  releases: number[];
} {
  const out: number[] = [];
  const releases: number[] = [];
  for (const p of pieces) {
    const r = aligner.push(p);
    if (r === null) continue;
    out.push(...r);
    releases.push(out.length);
  }
  return { out: new Uint8Array(out), releases };
}

Deno.test("event-stream aligner: the same bytes, released only at message boundaries", () => {
  for (const s of splittings(bytes)) {
    const aligner = new EventStreamAligner();
    const { out, releases } = run(aligner, s.pieces);
    for (const r of releases) ok(boundaries.has(r), `${s.label}: stopped at ${r}`);
    strictEqual(aligner.drain(), null, `${s.label}: nothing held at a clean end`);
    deepStrictEqual(out, bytes, s.label);
  }
});

Deno.test("event-stream aligner: a cut stream leaves whole messages out, the rest held", () => {
  for (let k = 0; k <= bytes.length; k++) {
    const aligner = new EventStreamAligner();
    const { out } = run(aligner, [bytes.subarray(0, k)]);
    const last = ends.filter((e) => e <= k).at(-1) ?? 0;
    strictEqual(out.length, last, `cut at ${k}`);
    strictEqual(aligner.discard(), k - last, `cut at ${k}: held`);
    // A termination appended now starts at a boundary the client's decoder reads.
    const termination = encodeEventStreamMessage(
      eventStreamException("internalServerException", "x"),
    );
    strictEqual(nextMessageEnd(termination, 0), termination.length);
  }
});

Deno.test("event-stream aligner: a message past the bound streams as it comes, then alignment resumes", () => {
  const big = encodeEventStreamMessage({
    headers: new Map(),
    payload: new Uint8Array(300).fill(0x61),
  });
  const small = encodeEventStreamMessage(converseStream[0]!);
  const text = new Uint8Array([...big, ...small, ...small]);
  const aligner = new EventStreamAligner(200);
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < text.length; at += 50) pieces.push(text.subarray(at, at + 50));
  const { out, releases } = run(aligner, pieces);
  deepStrictEqual(new Uint8Array([...out, ...(aligner.drain() ?? [])]), text);
  strictEqual(releases[0], 250, "released once the hold passed 200 bytes");
  ok(releases.includes(big.length), "the big message's end is a release point");
  const after = releases.filter((r) => r > big.length);
  for (const r of after) {
    ok([big.length + small.length, text.length].includes(r), `aligned again after it: ${r}`);
  }
});

Deno.test("event-stream aligner: a corrupt prelude turns it blind: every byte passes as it comes", () => {
  const corrupt = bytes.slice();
  const second = ends[0]!;
  corrupt[second + 2]! ^= 0x10;
  for (const s of splittings(corrupt)) {
    const aligner = new EventStreamAligner();
    const { out, releases } = run(aligner, s.pieces);
    deepStrictEqual(new Uint8Array([...out, ...(aligner.drain() ?? [])]), corrupt, s.label);
    strictEqual(aligner.blind, true, s.label);
    // Before the corrupt prelude was whole, releases are still aligned.
    for (const r of releases) ok(r === second || r >= second + 12, `${s.label}: ${r}`);
  }
});

Deno.test("nextMessageEnd: whole messages one at a time, -1 for a partial or corrupt one", () => {
  let at = 0;
  const found: number[] = [];
  while (at < bytes.length) {
    at = nextMessageEnd(bytes, at);
    if (at === -1) break;
    found.push(at);
  }
  deepStrictEqual(found, ends);
  strictEqual(nextMessageEnd(bytes.subarray(0, ends[0]! - 1), 0), -1);
  strictEqual(nextMessageEnd(bytes.subarray(0, 11), 0), -1);
  const corrupt = bytes.slice();
  corrupt[1]! ^= 1;
  strictEqual(nextMessageEnd(corrupt, 0), -1);
});
