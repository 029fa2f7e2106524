/** Test helpers: feed recorded bytes to a usage parser or a stream filter in chosen pieces. */
import type { ProviderAdapter, ResponseInfo, UsageReport } from "../../src/providers/mod.ts";
import type { Usage } from "../../src/traces/mod.ts";

export const testdata = new URL("../testdata/", import.meta.url);

export function fixture(path: string): Uint8Array {
  return Deno.readFileSync(new URL(path, testdata));
}

export function replay(
  adapter: ProviderAdapter,
  info: ResponseInfo,
  pieces: Iterable<Uint8Array>,
  complete = true,
): UsageReport {
  const parser = adapter.createUsageParser(info);
  for (const p of pieces) parser.push(p);
  return parser.finish(complete);
}

/** The whole body, then every split into two pieces, then single bytes. */
export function* splittings(bytes: Uint8Array): Generator<{ label: string; pieces: Uint8Array[] }> {
  yield { label: "whole", pieces: [bytes] };
  for (let i = 1; i < bytes.length; i++) {
    yield { label: `split at ${i}`, pieces: [bytes.subarray(0, i), bytes.subarray(i)] };
  }
  yield { label: "single bytes", pieces: Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)) };
}

/** Cuts `bytes` at the given (unsorted, possibly repeated) offsets. */
export function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    pieces.push(bytes.subarray(from, p));
    from = p;
  }
  return pieces;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The same SSE transcript with LF, CRLF and CR line ends (JSON payloads hold no raw newline). */
export function lineEndingVariants(bytes: Uint8Array): { name: string; bytes: Uint8Array }[] {
  const lf = dec.decode(bytes).replaceAll("\r\n", "\n");
  return [
    { name: "LF", bytes: enc.encode(lf) },
    { name: "CRLF", bytes: enc.encode(lf.replaceAll("\n", "\r\n")) },
    { name: "CR", bytes: enc.encode(lf.replaceAll("\n", "\r")) },
  ];
}

export async function pipeThroughPieces(
  pieces: Uint8Array[],
  transform: TransformStream<Uint8Array, Uint8Array>,
): Promise<Uint8Array> {
  const source = ReadableStream.from(pieces.map((p) => p.slice()));
  const out = await new Response(source.pipeThrough(transform)).arrayBuffer();
  return new Uint8Array(out);
}

/** A `Usage` whose total is input + output, as every adapter reports it. */
export function usage(
  input: number,
  output: number,
  extra: { cached?: number; write?: number; reasoning?: number } = {},
): Usage {
  return {
    input_tokens: input,
    output_tokens: output,
    total_tokens: input + output,
    cached_input_tokens: extra.cached ?? 0,
    cache_write_tokens: extra.write ?? 0,
    reasoning_tokens: extra.reasoning ?? 0,
  };
}

/** A 200 answer of `contentType` at `path`; streaming when the type is an event stream. */
export function responseInfo(
  path: string,
  contentType: string | null,
  more: Partial<ResponseInfo> = {},
): ResponseInfo {
  return {
    path,
    status: 200,
    contentType,
    requestedStreaming: contentType?.startsWith("text/event-stream") ?? false,
    requestModel: null,
    ...more,
  };
}
