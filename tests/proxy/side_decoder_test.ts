import assert from "node:assert/strict";
import { decoderFormat, SideDecoder } from "../../src/proxy/side_decoder.ts";

async function compress(text: string, format: CompressionFormat | "brotli"): Promise<Uint8Array> {
  if (format === "brotli") {
    // No brotli CompressionStream in Deno: node:zlib has one.
    const { brotliCompressSync } = await import("node:zlib");
    return new Uint8Array(brotliCompressSync(new TextEncoder().encode(text)));
  }
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("decoderFormat maps content codings to decompressors", () => {
  const table: [string | null, ReturnType<typeof decoderFormat>][] = [
    [null, null],
    ["identity", null],
    ["gzip", "gzip"],
    ["X-GZIP", "gzip"],
    ["deflate", "deflate"],
    ["br", "brotli"],
    ["zstd", "unsupported"],
  ];
  for (const [enc, want] of table) assert.equal(decoderFormat(enc), want, String(enc));
});

for (const format of ["gzip", "deflate", "brotli"] as const) {
  Deno.test(`SideDecoder decodes ${format} pushed in small pieces`, async () => {
    const text = JSON.stringify({ usage: { prompt_tokens: 3 }, pad: "x".repeat(5000) });
    const bytes = await compress(text, format);
    const out: Uint8Array<ArrayBuffer>[] = [];
    const d = new SideDecoder(format, (c) => out.push(c.slice()));
    for (let i = 0; i < bytes.length; i += 7) d.push(bytes.subarray(i, i + 7));
    assert.equal(await d.end(true), true);
    assert.equal(new TextDecoder().decode(await new Blob(out).bytes()), text);
  });
}

Deno.test("SideDecoder reports data that does not decode, and a cut stream", async () => {
  const bad = new SideDecoder("gzip", () => {});
  bad.push(new TextEncoder().encode("this is not gzip"));
  assert.equal(await bad.end(true), false);
  const cut = new SideDecoder("gzip", () => {});
  cut.push((await compress("hello world", "gzip")).subarray(0, 8));
  assert.equal(await cut.end(false), false);
});
