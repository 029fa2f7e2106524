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

const MiB = 1024 * 1024;
const limits = (maxDecodedBytes: number, maxRatio = 1e9, ratioFloorBytes = 0) => ({
  maxDecodedBytes,
  maxRatio,
  ratioFloorBytes,
});

/** `n` bytes of spaces, compressed in `format` (node:zlib, fast enough for tens of MiB). */
async function spaces(n: number, format: "gzip" | "deflate" | "brotli"): Promise<Uint8Array> {
  const zlib = await import("node:zlib");
  const raw = new Uint8Array(n).fill(0x20);
  if (format === "brotli") {
    return zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } });
  }
  return format === "gzip" ? zlib.gzipSync(raw, { level: 9 }) : zlib.deflateSync(raw, { level: 9 });
}

/** Pushes `bytes` in 64 KiB chunks, waiting for each as the tap does; the decoded total. */
async function drive(d: SideDecoder, bytes: Uint8Array): Promise<boolean> {
  for (let i = 0; i < bytes.length; i += 64 * 1024) await d.push(bytes.subarray(i, i + 64 * 1024));
  return await d.end(true);
}

interface BoundCase {
  name: string;
  format: "gzip" | "deflate" | "brotli";
  decoded: number;
  limits: ReturnType<typeof limits>;
  stop: "decoded_body_too_large" | "decompression_ratio_exceeded" | null;
}

const boundCases: BoundCase[] = [
  ...(["gzip", "deflate", "brotli"] as const).flatMap((format): BoundCase[] => [
    { name: "under the cap", format, decoded: 4 * MiB, limits: limits(4 * MiB), stop: null },
    {
      name: "over the cap",
      format,
      decoded: 4 * MiB + 1,
      limits: limits(4 * MiB),
      stop: "decoded_body_too_large",
    },
    {
      name: "over the ratio",
      format,
      decoded: 32 * MiB,
      limits: limits(64 * MiB, 200, MiB),
      stop: "decompression_ratio_exceeded",
    },
    {
      name: "a high ratio under the floor",
      format,
      decoded: MiB,
      limits: limits(64 * MiB, 200, MiB),
      stop: null,
    },
  ]),
];

for (const c of boundCases) {
  Deno.test(`SideDecoder bound: ${c.format} ${c.name}`, async () => {
    const bytes = await spaces(c.decoded, c.format);
    let seen = 0;
    const stops: string[] = [];
    const d = new SideDecoder(c.format, (p) => (seen += p.byteLength), c.limits, (r) => {
      stops.push(r);
    });
    assert.equal(await drive(d, bytes), true);
    assert.equal(d.stopped, c.stop);
    assert.deepEqual(stops, c.stop === null ? [] : [c.stop]);
    if (c.stop === null) assert.equal(seen, c.decoded);
    else {
      // Nothing past the bound reaches the reader, and decoding stopped right there.
      assert.ok(seen <= c.limits.maxDecodedBytes, `${seen} bytes seen`);
      const bound = c.stop === "decoded_body_too_large"
        ? c.limits.maxDecodedBytes
        : c.limits.ratioFloorBytes + c.limits.maxRatio * 64 * 1024;
      assert.ok(d.decodedBytes <= bound + 64 * 1024, `${d.decodedBytes} bytes decoded`);
      // Pushes after the stop are not queued.
      assert.equal(d.push(new Uint8Array(10)), null);
    }
  });
}

Deno.test("SideDecoder bound: a brotli bomb of a few hundred bytes stops at the ratio", async () => {
  const bytes = await spaces(64 * MiB, "brotli");
  assert.ok(bytes.length < 64 * 1024, `${bytes.length} bytes of brotli`);
  const d = new SideDecoder("brotli", () => {}, undefined);
  const before = Deno.memoryUsage().rss;
  assert.equal(await drive(d, bytes), true);
  assert.equal(d.stopped, "decompression_ratio_exceeded");
  // The floor (8 MiB) plus one output piece: not the 64 MiB inside.
  assert.ok(d.decodedBytes <= 8 * MiB + 65536, `${d.decodedBytes} bytes decoded`);
  assert.ok(Deno.memoryUsage().rss - before < 64 * MiB);
});

Deno.test("SideDecoder: push resolves once its chunk is decoded (backpressure)", async () => {
  const bytes = await spaces(8 * MiB, "gzip");
  let seen = 0;
  const d = new SideDecoder("gzip", (p) => (seen += p.byteLength), limits(64 * MiB));
  const wait = d.push(bytes);
  assert.ok(wait instanceof Promise);
  await wait;
  // The whole chunk is decoded before the next read would start.
  assert.equal(seen, 8 * MiB);
  assert.equal(await d.end(true), true);
});
