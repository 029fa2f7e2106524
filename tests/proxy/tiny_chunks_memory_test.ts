/**
 * Review of issue 16 item 1 (adversarial): an upstream that sends its answer one byte per chunk.
 * A reader that kept each chunk as its own array (the body capture, the PII splitter's pending
 * event) paid 100-250 bytes of heap per chunk whatever its size: 1 MB dribbled that way took a
 * real gateway from 135 MB to 700 MB. Each now keeps the bytes in one growing buffer. Measured in a
 * child process that can force a garbage collection (what is still held, not garbage).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const probe = fileURLToPath(new URL("../support/tiny_chunks_probe.ts", import.meta.url));
const pieces = 256 * 1024;

Deno.test("one-byte chunks: what the readers hold stays near the bytes themselves", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", probe, String(pieces)],
    stderr: "inherit",
  }).output();
  assert.ok(out.success);
  const held: Record<string, number> = JSON.parse(new TextDecoder().decode(out.stdout));
  // 256 KiB of bytes: a buffer that doubles holds at most 0.5 MB of it.
  for (const [reader, mb] of Object.entries(held)) {
    assert.ok(mb < 4, `${reader} holds ${mb.toFixed(1)} MB for 256 KiB sent one byte per chunk`);
  }
});
