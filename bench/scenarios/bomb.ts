/**
 * An upstream that attacks the gateway's memory (issue 16 item 1): compression bombs (gzip and
 * brotli, gigabytes of whitespace in a megabyte or less on the wire) and uncompressed answers
 * with one huge SSE line or a huge value inside `usage`. One request per case, each through a
 * fresh gateway (capture on) so that every peak is its own: the figures are the gateway's
 * resident memory before, at its peak (kernel VmHWM, reset before the request), and once the
 * trace is stored, plus the time the client took to get the whole answer.
 */
import zlib from "node:zlib";
import { chatBomb } from "../../tests/support/compression_bomb.ts";
import type { BenchContext, Cell, ScenarioResult } from "../context.ts";
import { settledHealth, startGateway } from "../gateway.ts";
import { readMemory, watchMemory } from "../rss.ts";

const MiB = 1024 * 1024;
const enc = new TextEncoder();
/** The bound the e2e test asserts (tests/e2e/upstream_bounds_test.ts). */
const growthLimitMb = 600;

interface BombCase {
  id: string;
  what: string;
  stream: boolean;
  headers: Record<string, string>;
  /** The body, built once; streamed in 64 KiB chunks. */
  build(): Uint8Array | (() => ReadableStream<Uint8Array>);
}

function generated(prefix: string, fill: number, suffix: string, byte: number) {
  return () => {
    const block = new Uint8Array(64 * 1024).fill(byte);
    const parts = (function* () {
      yield enc.encode(prefix);
      for (let left = fill; left > 0; left -= block.length) {
        yield block.slice(0, Math.min(block.length, left));
      }
      yield enc.encode(suffix);
    })();
    return new ReadableStream<Uint8Array>({
      pull(c) {
        const next = parts.next();
        if (next.done) c.close();
        else c.enqueue(next.value);
      },
    }, { highWaterMark: 0 });
  };
}

function brotliBomb(fill: number): Uint8Array {
  const head = '{"model":"gpt-4o-mini","choices":';
  const tail = '[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}';
  const raw = new Uint8Array(head.length + fill + tail.length).fill(0x20);
  raw.set(enc.encode(head));
  raw.set(enc.encode(tail), head.length + fill);
  return zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });
}

const json = { "content-type": "application/json" };
const cases = (smoke: boolean): BombCase[] => {
  const big = smoke ? 64 * MiB : 1024 * MiB;
  const half = smoke ? 32 * MiB : 512 * MiB;
  const label = (n: number) => (n >= 1024 * MiB ? `${n / 1024 / MiB} GiB` : `${n / MiB} MiB`);
  return [
    {
      id: "gzip_choices",
      what: `gzip, ${label(big)} of whitespace before choices`,
      stream: false,
      headers: { ...json, "content-encoding": "gzip" },
      build: () => chatBomb(big, "choices").bytes,
    },
    {
      id: "gzip_usage",
      what: `gzip, ${label(big)} of whitespace inside usage`,
      stream: false,
      headers: { ...json, "content-encoding": "gzip" },
      build: () => chatBomb(big, "usage").bytes,
    },
    {
      id: "brotli_choices",
      what: `brotli, ${label(half)} of whitespace before choices`,
      stream: false,
      headers: { ...json, "content-encoding": "br" },
      build: () => brotliBomb(half),
    },
    {
      id: "sse_line",
      what: `uncompressed SSE line of ${label(half)}`,
      stream: true,
      headers: { "content-type": "text/event-stream" },
      build: () =>
        generated(
          'data: {"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"',
          half,
          '"}}]}\n\ndata: {"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":5,' +
            '"completion_tokens":1,"total_tokens":6}}\n\ndata: [DONE]\n\n',
          0x61,
        ),
    },
    {
      id: "json_usage",
      what: `uncompressed JSON, ${label(half)} of whitespace inside usage`,
      stream: false,
      headers: json,
      build: () =>
        generated(
          '{"model":"gpt-4o-mini","choices":[],"usage":{',
          half,
          '"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}',
          0x20,
        ),
    },
  ];
};

function chunked(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + 64 * 1024));
      at += 64 * 1024;
    },
  }, { highWaterMark: 0 });
}

export async function bombScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const smoke = ctx.settings.mode === "smoke";
  // Smoke: one compressed and one uncompressed case, small, to check that the path still works.
  const list = cases(smoke).filter((c) => !smoke || ["gzip_usage", "sse_line"].includes(c.id));
  const bodies = new Map(list.map((c) => [c.id, c.build()]));
  const upstream = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const { model } = await req.json() as { model: string };
    const c = list.find((c) => c.id === model)!;
    const body = bodies.get(c.id)!;
    return new Response(typeof body === "function" ? body() : chunked(body), {
      headers: c.headers,
    });
  });
  const origin = `http://127.0.0.1:${upstream.addr.port}`;
  const rows: Record<string, Cell>[] = [];
  const figures: Record<string, number | boolean | null> = {};
  let worst = 0;
  try {
    for (const c of list) {
      const gw = await startGateway(`gateway (bomb ${c.id})`, origin, ctx.tmpDir, {
        capture: true,
      });
      try {
        const body = bodies.get(c.id)!;
        const wire = typeof body === "function" ? null : body.length;
        const watch = watchMemory(gw.pid);
        const t0 = performance.now();
        const res = await fetch(`${gw.origin}/openai/v1/chat/completions`, {
          method: "POST",
          headers: { ...json, authorization: "Bearer sk-bench", "accept-encoding": "identity" },
          body: JSON.stringify({
            model: c.id,
            stream: c.stream,
            ...(c.stream && { stream_options: { include_usage: true } }),
            messages: [{ role: "user", content: "hi" }],
          }),
        });
        let received = 0;
        for await (const chunk of res.body!) received += chunk.byteLength;
        const ms = performance.now() - t0;
        await settledHealth(gw.health);
        const mem = watch.stop();
        const after = readMemory(gw.pid);
        const page = await (await fetch(`${gw.origin}/api/traces?limit=1`)).json();
        const trace = await (await fetch(`${gw.origin}/api/traces/${page.items[0].id}`)).json();
        const growth = mem?.growth_mb ?? null;
        worst = Math.max(worst, growth ?? Infinity);
        rows.push({
          case: c.what,
          wire_bytes: wire ?? received,
          client_bytes: received,
          ms: Math.round(ms),
          baseline_mb: mem?.baseline_mb ?? null,
          peak_mb: mem?.peak_mb ?? null,
          growth_mb: growth,
          rss_after_mb: after === null ? null : Math.round(after.rssKb / 102.4) / 10,
          usage_status: trace.usage_status,
          reason: trace.metadata?.usage_unknown_reason ?? null,
        });
        figures[`${c.id}_peak_growth_mb`] = growth;
        figures[`${c.id}_rss_after_mb`] = after === null ? null : Math.round(after.rssKb / 1024);
      } finally {
        ctx.accounts.push(await gw.stop());
      }
    }
  } finally {
    await upstream.shutdown();
  }
  figures.worst_peak_growth_mb = worst;
  figures.growth_within_limit = worst < growthLimitMb;
  return {
    id: "bomb",
    title: "Upstream memory attacks: compression bombs, huge SSE lines and usage values",
    status: "ok",
    rows,
    figures,
    notes: [
      `one request per case through a fresh gateway (capture on, body_max_size 1 MiB); ` +
      `memory of the gateway process (VmHWM reset before the request); the e2e test asserts ` +
      `growth < ${growthLimitMb} MB`,
    ],
  };
}
