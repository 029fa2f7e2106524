/**
 * Run with `--v8-flags=--expose-gc` by tests/proxy/tiny_chunks_memory_test.ts: feeds one-byte
 * chunks to each reader that keeps part of a body and prints, as JSON, the memory each still
 * holds after a full garbage collection (V8 heap plus array buffers, in MB).
 */
import { BodyCapture } from "../../src/proxy/tap.ts";
import { openAiAdapter } from "../../src/providers/mod.ts";
import { SseSplitter } from "../../src/pii/stream/sse_frames.ts";
import { readCapped } from "../../src/proxy/pii_response.ts";
import { readAll } from "../../src/upstream/read_all.ts";

const gc = (globalThis as unknown as { gc: () => void }).gc;
const enc = new TextEncoder();
const MB = 1024 * 1024;
const pieces = Number(Deno.args[0] ?? 256 * 1024);

function used(): number {
  gc();
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

/** Memory still held (MB) after `pieces` one-byte chunks went to `push`; `keep` holds the reader. */
function retained(make: () => (byte: Uint8Array) => void): number {
  const before = used();
  const push = make();
  for (let i = 0; i < pieces; i++) push(Uint8Array.of(0x61));
  const after = used();
  push(new Uint8Array(0)); // keeps the reader alive until measured
  return (after - before) / MB;
}

const sink = { event() {}, lateLf() {} };
const out = {
  capture: retained(() => {
    const c = new BodyCapture(4 * MB);
    return (b) => c.add(b);
  }),
  usageParser: retained(() => {
    const p = openAiAdapter.createUsageParser({
      path: "/v1/chat/completions",
      method: "POST",
      status: 200,
      contentType: "text/event-stream",
      requestedStreaming: true,
      requestModel: "gpt-4o-mini",
    });
    p.push(enc.encode('data: {"model":"'));
    return (b) => p.push(b);
  }),
  splitter: retained(() => {
    const s = new SseSplitter(8 * MB);
    s.push(enc.encode("data: "), sink);
    return (b) => s.push(b, sink);
  }),
};
/** A body source that hands out `pieces` one-byte chunks, then reports what the reader held. */
async function retainedRead(
  read: (source: { read(): Promise<Uint8Array | null> }) => Promise<unknown>,
) {
  const before = used();
  let left = pieces;
  let held = 0;
  await read({
    read() {
      if (left === pieces / 2) held = used() - before; // halfway: what the reader holds so far
      if (left-- === 0) return Promise.resolve(null);
      return Promise.resolve(Uint8Array.of(0x61));
    },
  });
  return held / MB;
}
const reads = {
  readAll: await retainedRead((s) => readAll(() => s.read())),
  readCapped: await retainedRead((s) => readCapped(s, 32 * MB)),
};
console.log(JSON.stringify({ ...out, ...reads }));
