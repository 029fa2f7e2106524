/**
 * Adversarial review of issue 16 item 1 against a real `serve`: an upstream that dribbles its
 * answer one byte per HTTP chunk (a slowloris upstream). Every byte must still reach the client,
 * and the gateway's memory must stay near the size of what it keeps. Before, the body capture kept
 * an array per chunk (about 250 bytes of heap each): the 600,000 chunks below grew the gateway's
 * peak memory by 355 MB (1 MB: 565 MB); now by about 135 MB, nearly all of it garbage of the
 * chunks in flight. This is a memory bound (the kernel's VmHWM, reset before the case), not a
 * timing one.
 */
import { readMemory, resetPeak } from "../../bench/rss.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll, startServer } from "../support/process.ts";
import { sseHead, startRawUpstream } from "../support/raw_upstream.ts";

const pieces = 600_000;
const enc = new TextEncoder();

function peakMb(pid: number): number {
  return readMemory(pid)!.hwmKb / 1024;
}

Deno.test("e2e review: an answer sent one byte per chunk costs memory near its size", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-review-tiny-" }));
  const body = enc.encode(
    `data: {"id":"c1","object":"chat.completion.chunk","model":"${
      "m".repeat(pieces)
    }","choices":[]}\n\ndata: [DONE]\n\n`,
  );
  const upstream = startRawUpstream(async (c) => {
    await c.head();
    await c.send(sseHead());
    try {
      for (let i = 0; i < body.length; i++) await c.sendChunk(body.subarray(i, i + 1));
      await c.endChunks();
    } catch {
      // The gateway went away: the assertions below say why.
    }
    c.close();
  });
  const port = freePort();
  await Deno.writeTextFile(
    join(dir, "gateway.config.ts"),
    `import { defineConfig } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port} },
  storage: { path: "./data/ongoingai.db" },
  providers: { openai: { upstream: "${upstream.url}" } },
  tracing: { capture_bodies: true, flush_interval_ms: 10 },
});
`,
  );
  const server = await startServer([], { cwd: dir, port });
  // Without the reset VmHWM is the peak since start, which only makes the bound stricter.
  resetPeak(server.pid);
  const before = peakMb(server.pid);
  try {
    const res = await fetch(`${server.origin}/openai/v1/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer sk-proj-E2EREVIEWKEY0123456789abcdefWXYZ",
        "x-ongoingai-correlation-id": "review-tiny",
      },
      body: JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [] }),
    });
    const received = new Uint8Array(await res.arrayBuffer());
    assert.equal(received.length, body.length);
    const trace = await poll("the trace", async () => {
      const page = await (await fetch(`${server.origin}/api/traces?limit=5`)).json();
      // deno-lint-ignore no-explicit-any
      return page.items.find((t: any) => t.correlation_id === "review-tiny");
    });
    assert.equal(trace.status_code ?? trace.status ?? 200, 200);
    const grew = peakMb(server.pid) - before;
    console.log(`peak memory grew by ${grew.toFixed(0)} MB for ${pieces} one-byte chunks`);
    // Typically about 135 MB; garbage collection lags under the parallel suite on 2 cores (207 and
    // 215 MB seen in CI runs); the old per-chunk capture took 355 MB. The bound sits between.
    assert.ok(grew < 280, `the gateway's peak memory grew by ${grew.toFixed(0)} MB`);
  } finally {
    const stopped = await server.stop();
    await upstream.close();
    assert.equal(stopped.code, 0, stopped.logs);
  }
});
