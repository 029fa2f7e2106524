import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { JsonMemberScanner, openAiAdapter } from "../../src/providers/mod.ts";
import { usage } from "./replay.ts";

const enc = new TextEncoder();
const MB = 1024 * 1024;

/** Float vectors as OpenAI sends them; one vector rendered once and repeated. */
function floatVector(dimensions: number): Uint8Array {
  let seed = 7;
  const values = Array.from({ length: dimensions }, () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return ((seed / 2147483648 - 0.5) * 0.1).toFixed(9);
  });
  return enc.encode(`[\n      ${values.join(",\n      ")}\n    ]`);
}

/**
 * An embeddings response of at least `size` bytes, produced piece by piece and handed out in
 * chunks of `chunkSize` through one reused buffer, so the document never exists whole and a
 * scanner that kept a reference to a chunk would see it overwritten.
 */
function* embeddingsDocument(
  size: number,
  chunkSize: number,
  embedding: Uint8Array,
  usageFirst: boolean,
): Generator<Uint8Array> {
  const usageMember = '"usage": {"prompt_tokens": 8123, "total_tokens": 8123}';
  const buffer = new Uint8Array(chunkSize);
  let filled = 0;
  function* put(bytes: Uint8Array): Generator<Uint8Array> {
    for (let at = 0; at < bytes.length;) {
      const n = Math.min(bytes.length - at, chunkSize - filled);
      buffer.set(bytes.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === chunkSize) {
        yield buffer;
        filled = 0;
      }
    }
  }
  const head = usageFirst
    ? `{\n  ${usageMember},\n  "data": [`
    : '{\n  "object": "list",\n  "data": [';
  yield* put(enc.encode(head));
  let written = 0;
  for (let index = 0; written < size; index++) {
    const item = enc.encode(
      `${index === 0 ? "" : ","}\n    {"object": "embedding", "index": ${index}, "embedding": `,
    );
    yield* put(item);
    yield* put(embedding);
    yield* put(enc.encode("}"));
    written += item.length + embedding.length + 1;
  }
  const tail = usageFirst
    ? "\n  ]\n}\n"
    : `\n  ],\n  "model": "text-embedding-3-large",\n  ${usageMember}\n}\n`;
  yield* put(enc.encode(tail));
  if (filled > 0) yield buffer.subarray(0, filled);
}

const cases = [
  { name: "float vectors, usage last", embedding: floatVector(3072), usageFirst: false },
  { name: "float vectors, usage first", embedding: floatVector(3072), usageFirst: true },
  {
    name: "base64 vectors (one long string each), usage last",
    embedding: enc.encode(`"${"QUJDRA+/".repeat(4096)}"`),
    usageFirst: false,
  },
];

for (const c of cases) {
  Deno.test(`json scanner: 50 MB embeddings document, ${c.name}, in bounded memory`, () => {
    const scanner = new JsonMemberScanner([["model"], ["usage"]]);
    let total = 0;
    let scanning = 0;
    // An odd chunk size moves every boundary: mid-number, mid-string, mid-key.
    for (const chunk of embeddingsDocument(50 * MB, 65_521, c.embedding, c.usageFirst)) {
      const t0 = performance.now();
      scanner.push(chunk);
      scanning += performance.now() - t0;
      total += chunk.length;
    }
    const result = scanner.finish();
    ok(total >= 50 * MB);
    deepStrictEqual(result, {
      valid: true,
      members: {
        ...(c.usageFirst ? {} : { model: "text-embedding-3-large" }),
        usage: { prompt_tokens: 8123, total_tokens: 8123 },
      },
    });
    // Two captured members, a key buffer and the depth bits: nothing proportional to the body.
    ok(scanner.peakRetainedBytes < 512, `peak retained ${scanner.peakRetainedBytes} bytes`);
    const mbps = total / MB / (scanning / 1000);
    console.log(`${c.name}: ${(total / MB).toFixed(1)} MB scanned at ${mbps.toFixed(0)} MB/s`);
  });
}

Deno.test("usage: a large embeddings response streamed in chunks gets its exact usage", () => {
  const parser = openAiAdapter.createUsageParser({
    path: "/v1/embeddings",
    status: 200,
    contentType: "application/json",
    requestedStreaming: false,
    requestModel: "text-embedding-3-large",
  });
  for (const chunk of embeddingsDocument(8 * MB, 16_381, floatVector(1536), false)) {
    parser.push(chunk);
  }
  const report = parser.finish(true);
  deepStrictEqual(report.usage, usage(8123, 0));
  strictEqual(report.model, "text-embedding-3-large");
  strictEqual(report.parseErrors, 0);
});
