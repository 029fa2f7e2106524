/**
 * Run with `--v8-flags=--expose-gc` by tests/proxy/tiny_chunks_memory_test.ts: feeds one-byte
 * chunks to each reader that keeps part of a body and prints, as JSON, the memory each still
 * holds after a full garbage collection (V8 heap plus array buffers, in MB).
 */
import { BodyCapture } from "../../src/proxy/tap.ts";
import { openAiAdapter } from "../../src/providers/mod.ts";
import { SseSplitter } from "../../src/pii/stream/sse_frames.ts";

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
console.log(JSON.stringify(out));
