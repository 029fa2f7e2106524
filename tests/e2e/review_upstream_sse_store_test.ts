/**
 * Adversarial review of issue 16 (items 1 and 2) against a real `serve`: the stored copy of a
 * streamed answer under `redact_storage` (the default mode) with bodies captured. The stream
 * engine redacted a captured stream in one synchronous step and outside `pii.scan_budget`, so an
 * upstream could stall every request with a capture of blank lines (4 MiB of CRs: a health check
 * waited 3.2 s) and a capture with more values than `pii.scan_budget.max_findings` was stored
 * anyway. Now the copy is redacted in slices under the budget: health checks keep being answered,
 * and past the budget the stored copy is dropped with the reason in the trace. The in-flight
 * redactor (`redact_upstream`) had no budget at all: one event of a million addresses froze the
 * gateway for 4.4 s (the 500,000 below: about 3 s); past `max_findings` the stream now ends with
 * the provider's error event.
 */
import { describeWaits, healthWaitsWhile } from "../support/health_stall.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll, startServer } from "../support/process.ts";

const MiB = 1024 * 1024;
const enc = new TextEncoder();

const chunk = (content: string) =>
  `data: ${
    JSON.stringify({
      id: "c1",
      object: "chat.completion.chunk",
      choices: [{ index: 0, delta: { content } }],
    })
  }\n\n`;

/** The answers, by the request's `x-attack` header. */
const answers: Record<string, () => Iterable<string>> = {
  // One event, then 5 MiB of bare CRs (each an empty line), then the end.
  *blank() {
    yield chunk("hello");
    const block = "\r".repeat(64 * 1024);
    for (let i = 0; i < 80; i++) yield block;
    yield "data: [DONE]\n\n";
  },
  // One event of 3.5 MB holding 500,000 addresses (sent to the `redact_upstream` scope).
  *dense() {
    yield 'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"';
    const block = "a@b.co ".repeat(10_000);
    for (let i = 0; i < 50; i++) yield block;
    yield '"}}]}\n\ndata: [DONE]\n\n';
  },
  // 3,000 addresses, one per event: past the budget of 1,000 findings.
  *addresses() {
    let buf = "";
    for (let i = 0; i < 3000; i++) {
      buf += chunk(`mail user${i}@example.com ok `);
      if (buf.length > 32 * 1024) {
        yield buf;
        buf = "";
      }
    }
    yield `${buf}data: [DONE]\n\n`;
  },
};

const config = (port: number, upstream: string) =>
  `import { defineConfig } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port} },
  storage: { path: "./data/ongoingai.db" },
  providers: { openai: { upstream: "${upstream}" } },
  tracing: { capture_bodies: true, flush_interval_ms: 10, body_max_size: ${4 * MiB} },
  pii: {
    mode: "redact_storage",
    replacement: { hash_salt: "e2e-review-0123456789abcdef" },
    scan_budget: { max_findings: 1_000 },
    scopes: [{ match: { route_prefix: "/openai/v1/completions" }, mode: "redact_upstream" }],
  },
});
`;

// deno-lint-ignore no-explicit-any
type Trace = Record<string, any>;

Deno.test("e2e review: a streamed answer's stored copy is redacted in slices and under the budget", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-review-sse-" }));
  const upstream = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.body?.cancel();
    const parts = answers[req.headers.get("x-attack") ?? ""]!()[Symbol.iterator]();
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        const next = parts.next();
        if (next.done) c.close();
        else c.enqueue(enc.encode(next.value));
      },
    }, { highWaterMark: 0 });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  });
  const port = freePort();
  await Deno.writeTextFile(
    join(dir, "gateway.config.ts"),
    config(port, `http://127.0.0.1:${upstream.addr.port}`),
  );
  const server = await startServer([], { cwd: dir, port });
  const call = async (attack: string, path = "/openai/v1/chat/completions") => {
    const res = await fetch(`${server.origin}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer sk-proj-E2EREVIEWKEY0123456789abcdefWXYZ",
        "x-attack": attack,
        "x-ongoingai-correlation-id": `review-${attack}`,
      },
      body: JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [] }),
    });
    assert.equal(res.status, 200, attack);
    return await res.text();
  };
  const trace = (attack: string) =>
    poll(`the trace of ${attack}`, async () => {
      const page = await (await fetch(`${server.origin}/api/traces?limit=20`)).json();
      const item = page.items.find((t: Trace) => t.correlation_id === `review-${attack}`);
      return item &&
        (await (await fetch(`${server.origin}/api/traces/${item.id}`)).json()) as Trace;
    });
  const worstHealth = (until: Promise<unknown>) =>
    healthWaitsWhile(server.origin, server.pid, until, 10);
  try {
    // Blank lines: the client gets them all; the stored copy does not freeze the gateway.
    const blank = call("blank").then(async (text) => {
      assert.equal(text.length, chunk("hello").length + 80 * 64 * 1024 + 14);
      return await trace("blank");
    });
    const worst = await worstHealth(blank);
    const t = await blank;
    // Before: one step of 3.2-3.6 s of the gateway's CPU. Sliced, a wait sees well under a
    // second alone, but 1.1-1.3 s when the whole suite loads both cores (the slices that run while
    // the starved test process sends and reads its probe count too; measured on the code before
    // and after issue 17 alike), hence 2 s: still far below one unsliced step.
    assert.ok(worst.worstBusyMs < 2_000, describeWaits(worst));
    assert.equal(t.response_body_truncated ?? false, true);

    // Under `redact_upstream`, one event of 500,000 addresses: redacted in flight, it was one
    // synchronous step of about 3 s. Past the findings budget the stream now ends with an error
    // event, nothing raw is sent, and the trace says the answer could not be inspected.
    const dense = call("dense", "/openai/v1/completions").then(async (text) => {
      assert.match(text, /pii_scan_budget_exceeded/);
      assert.ok(!text.includes("a@b.co"), "no address reaches the client");
      return await trace("dense");
    });
    const worstDense = await worstHealth(dense);
    // Before: about 3 s in one step; now the one scan of the event before the budget stops it.
    assert.ok(worstDense.worstBusyMs < 2_000, describeWaits(worstDense));
    assert.equal((await dense).error_code, "pii_uninspectable");

    // Past the findings budget: forwarded, not stored, and the trace says why.
    const text = await call("addresses");
    assert.match(text, /user2999@example\.com/, "redact_storage passes the answer on");
    const a = await trace("addresses");
    assert.equal(a.metadata.redaction_storage_drop_reason, "scan_budget_findings");
    assert.ok(!JSON.stringify(a).includes("@example.com"), "no address stored");
  } finally {
    const stopped = await server.stop();
    await upstream.shutdown();
    assert.equal(stopped.code, 0, stopped.logs);
  }
});
