/**
 * Issue 16 item 1 against the real `serve` process: an upstream that answers with a compression
 * bomb (1 GiB of whitespace in about 1 MB of gzip, 64 MiB in a few hundred bytes of brotli), with
 * one SSE line of 512 MiB, or with a 512 MiB value inside `usage`, must not take the gateway's
 * memory with it. The client
 * still gets every byte exactly as the upstream sent it; the trace says usage is unknown and why;
 * the gateway's peak resident memory (the kernel's VmHWM, reset before each case) stays bounded.
 *
 * This is a memory bound, not a timing one. Growth of the gateway's peak memory before the bounds
 * (bench `--only bomb`, a fresh gateway per case): gzip bomb in usage 2246 MB, 512 MiB in usage
 * 1174 MB, SSE line of 512 MiB 589 MB; after: 22, 75 and 109 MB. The limits are generous.
 */
import { readMemory, resetPeak } from "../../bench/rss.ts";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import zlib from "node:zlib";
import { assertLedger } from "../support/ledger.ts";
import { freePort, poll, type ServerProcess, startServer } from "../support/process.ts";
import { chatBomb } from "../support/compression_bomb.ts";

const MiB = 1024 * 1024;
const enc = new TextEncoder();

/** Resident and peak resident memory of a process, in MB (Linux /proc). */
function memoryMb(pid: number): { rss: number; hwm: number } {
  const m = readMemory(pid)!;
  return { rss: m.rssKb / 1024, hwm: m.hwmKb / 1024 };
}

/** `bytes` as a chunked answer, in 64 KiB pieces, as a real upstream streams it. */
function streamed(bytes: Uint8Array) {
  const sha1 = createHash("sha1").update(bytes).digest("hex");
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + 64 * 1024));
      at += 64 * 1024;
    },
  }, { highWaterMark: 0 });
  return { body, sha1, length: bytes.length };
}

/** 64 MiB of whitespace before `choices`, brotli: about 200 bytes. */
function brotliBomb(): Uint8Array {
  const head = enc.encode('{"model":"gpt-4o-mini","choices":');
  const tail = enc.encode('[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}');
  const raw = new Uint8Array(head.length + 64 * MiB + tail.length).fill(0x20);
  raw.set(head);
  raw.set(tail, raw.length - tail.length);
  return zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });
}

/** A body of `prefix`, `fill` bytes of `byte`, `suffix`, streamed in 64 KiB chunks. */
function generated(prefix: string, fill: number, suffix: string, byte: number) {
  const block = new Uint8Array(64 * 1024).fill(byte);
  const hash = createHash("sha1");
  const parts = function* () {
    yield enc.encode(prefix);
    for (let left = fill; left > 0; left -= block.length) {
      yield block.subarray(0, Math.min(block.length, left));
    }
    yield enc.encode(suffix);
  };
  for (const p of parts()) hash.update(p);
  const it = parts();
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = it.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value.slice());
    },
  }, { highWaterMark: 0 });
  return { body, sha1: hash.digest("hex"), length: enc.encode(prefix + suffix).length + fill };
}

const chunkOf = (content: string) =>
  JSON.stringify({
    id: "c1",
    object: "chat.completion.chunk",
    model: "gpt-4o-mini",
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  });
const usageChunk = JSON.stringify({
  id: "c1",
  object: "chat.completion.chunk",
  model: "gpt-4o-mini",
  choices: [],
  usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
});

interface Case {
  name: string;
  stream: boolean;
  reason: string;
  /** Most growth of the gateway's peak memory allowed, in MB. */
  limitMb: number;
  /** What the upstream sends; `sha1` and `length` of the body it sends. */
  answer(): { body: ReadableStream<Uint8Array>; sha1: string; length: number };
  headers: Record<string, string>;
}

const cases: Case[] = [
  {
    name: "uncompressed SSE line of 512 MiB",
    stream: true,
    reason: "sse_event_too_large",
    limitMb: 300,
    headers: { "content-type": "text/event-stream" },
    answer: () =>
      generated(
        `data: ${chunkOf("").slice(0, -5)}`,
        512 * MiB,
        `"},"finish_reason":null}]}\n\ndata: ${usageChunk}\n\ndata: [DONE]\n\n`,
        0x61,
      ),
  },
  {
    name: "uncompressed JSON answer with 512 MiB of whitespace inside usage",
    stream: false,
    reason: "usage_member_too_large",
    limitMb: 600,
    headers: { "content-type": "application/json" },
    answer: () =>
      generated(
        '{"id":"c2","object":"chat.completion","model":"gpt-4o-mini","choices":[],"usage":{',
        512 * MiB,
        '"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}',
        0x20,
      ),
  },
  ...(["choices", "usage"] as const).map((where): Case => ({
    name: `gzip bomb: 1 GiB of whitespace in ${where}, about 1 MB on the wire`,
    stream: false,
    // Whitespace the reader skips is stopped by the decoder; inside `usage`, the reader's own
    // bound on a kept member comes first.
    reason: where === "usage" ? "usage_member_too_large" : "decompression_ratio_exceeded",
    limitMb: 600,
    headers: { "content-type": "application/json", "content-encoding": "gzip" },
    answer: () => streamed(chatBomb(1024 * MiB, where).bytes),
  })),
  {
    name: "brotli bomb: 64 MiB of whitespace in choices, a few hundred bytes on the wire",
    stream: false,
    reason: "decompression_ratio_exceeded",
    limitMb: 600,
    headers: { "content-type": "application/json", "content-encoding": "br" },
    answer: () => streamed(brotliBomb()),
  },
];

function check(name: string, rows: [boolean, string][]): string[] {
  return rows.filter(([ok]) => !ok).map(([, what]) => `${name}: ${what}`);
}

// deno-lint-ignore no-explicit-any
type Trace = Record<string, any>;

function traceOf(origin: string, correlationId: string): Promise<Trace> {
  return poll(`the trace of ${correlationId}`, async () => {
    const page = await (await fetch(`${origin}/api/traces?limit=50`)).json();
    const item = page.items.find((t: Trace) => t.correlation_id === correlationId);
    if (item === undefined) return undefined;
    return await (await fetch(`${origin}/api/traces/${item.id}`)).json();
  });
}

Deno.test({
  name: "e2e: compression bombs and oversized lines or values from upstream keep memory bounded",
  // Reads the gateway's memory from /proc.
  ignore: Deno.build.os !== "linux",
  async fn() {
    const sent = new Map<string, { sha1: string; length: number }>();
    const upstream = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
      const { model } = await req.json() as { model: string };
      const c = cases.find((c) => c.name === model);
      if (c === undefined) {
        return Response.json({
          id: "warm",
          object: "chat.completion",
          model: "gpt-4o-mini",
          choices: [],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        });
      }
      const { body, sha1, length } = c.answer();
      sent.set(c.name, { sha1, length });
      return new Response(body, { headers: c.headers });
    });
    const dir = await Deno.makeTempDir({ prefix: "ongoingai-bounds-" });
    const port = freePort();
    await Deno.writeTextFile(
      join(dir, "ongoingai.yaml"),
      `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 300 }
storage: { path: ./data/gw.db }
providers:
  openai: { upstream: "http://127.0.0.1:${upstream.addr.port}" }
tracing: { flush_interval_ms: 10, capture_bodies: true }
observability: { prometheus: { enabled: true } }
`,
    );
    let server: ServerProcess | null = null;
    try {
      server = await startServer([], { cwd: dir, port });
      const ask = (model: string, stream: boolean) =>
        fetch(`${server!.origin}/openai/v1/chat/completions`, {
          method: "POST",
          // identity: the client's fetch must hand over the bytes as sent, not decode them.
          headers: {
            "content-type": "application/json",
            authorization: "Bearer sk-test-0000",
            "accept-encoding": "identity",
          },
          // Asking for usage in the stream: the gateway then has no usage event to hide.
          body: JSON.stringify({
            model,
            stream,
            ...(stream && { stream_options: { include_usage: true } }),
            messages: [{ role: "user", content: "hi" }],
          }),
        });
      await (await ask("warm-up", false)).arrayBuffer();
      const problems: string[] = [];
      for (const c of cases) {
        const before = memoryMb(server.pid);
        const kernelPeak = resetPeak(server.pid);
        let sampled = before.rss;
        const sampler = setInterval(() => {
          sampled = Math.max(sampled, memoryMb(server!.pid).rss);
        }, 20);
        const res = await ask(c.name, c.stream);
        assert.equal(res.status, 200, c.name);
        assert.equal(res.headers.get("content-encoding"), c.headers["content-encoding"] ?? null);
        const hash = createHash("sha1");
        let length = 0;
        for await (const chunk of res.body!) {
          hash.update(chunk);
          length += chunk.byteLength;
        }
        const correlationId = res.headers.get("x-ongoingai-correlation-id")!;
        const trace = await traceOf(server.origin, correlationId);
        clearInterval(sampler);
        const after = memoryMb(server.pid);
        const peak = Math.max(sampled, after.rss, kernelPeak ? after.hwm : 0);
        const growth = peak - before.rss;
        console.log(
          `${c.name}: baseline ${before.rss.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, ` +
            `growth ${growth.toFixed(0)} MB (${kernelPeak ? "VmHWM" : "sampled"})`,
        );
        const expected = sent.get(c.name)!;
        // Every case runs before anything is asserted, so that a failure shows all the figures.
        problems.push(...check(c.name, [
          [length === expected.length, `the client got ${length} of ${expected.length} bytes`],
          [hash.digest("hex") === expected.sha1, "the client's bytes differ from the upstream's"],
          [trace.usage_status === "unknown", `usage_status is ${trace.usage_status}`],
          [
            trace.metadata.usage_unknown_reason === c.reason,
            `usage_unknown_reason is ${trace.metadata.usage_unknown_reason}, not ${c.reason}`,
          ],
          [trace.total_tokens === null, `total_tokens is ${trace.total_tokens}`],
          // The capture holds at most tracing.body_max_size (1 MiB) of the decoded answer.
          [trace.response_body_truncated === true, "the stored body is not marked truncated"],
          [
            enc.encode(trace.response_body ?? "").length <= MiB,
            `the stored body has ${enc.encode(trace.response_body ?? "").length} bytes`,
          ],
          [
            growth < c.limitMb,
            `the gateway grew by ${growth.toFixed(0)} MB (limit ${c.limitMb})`,
          ],
        ]));
      }
      assert.deepEqual(problems, []);
      // Every stop is counted where operators look: one per case, by reason.
      const metrics = await (await fetch(`${server.origin}/metrics`)).text();
      for (const reason of new Set(cases.map((c) => c.reason))) {
        const counted = metrics.split("\n")
          .filter((l) => l.startsWith("ongoingai_proxy_usage_unread_total{"))
          .filter((l) => l.includes(`reason="${reason}"`))
          .reduce((n, l) => n + Number(l.split(" ").at(-1)), 0);
        assert.equal(counted, cases.filter((c) => c.reason === reason).length, reason);
      }
      await assertLedger(server.origin);
    } finally {
      await server?.kill();
      await upstream.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
