/**
 * The fault upstream sends exactly the bytes its scripts claim, read both by fetch (what the
 * gateway's HTTP client sees) and by raw TCP (the framing itself).
 */
import assert from "node:assert/strict";
import {
  answerOf,
  chatSseEvents,
  inBandErrors,
  messagesSseEvents,
  providerErrors,
  responsesSseEvents,
} from "./fault_bodies.ts";
import {
  type FaultScript,
  jsonScript,
  queues,
  sseScript,
  startFaultUpstream,
} from "./fault_upstream.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function requestBytes(model: string, key = "sk-test"): Uint8Array {
  const body = JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] });
  return enc.encode(
    `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\n` +
      `content-type: application/json\r\ncontent-length: ${
        enc.encode(body).byteLength
      }\r\n\r\n${body}`,
  );
}

/** Sends one request on a raw socket and reads every byte until the upstream closes. */
async function rawExchange(url: string, model: string, onData?: (text: string) => void) {
  const port = Number(new URL(url).port);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(requestBytes(model));
  const parts: Uint8Array[] = [];
  const buf = new Uint8Array(65536);
  for (;;) {
    const n = await conn.read(buf).catch(() => null);
    if (n === null) break;
    parts.push(buf.slice(0, n));
    onData?.(dec.decode(new Uint8Array(parts.flatMap((p) => [...p]))));
  }
  conn.close();
  return dec.decode(new Uint8Array(parts.flatMap((p) => [...p])));
}

const post = (url: string, model: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "sk-ant" },
    body: JSON.stringify({ model }),
  });

const chunkFramed = (events: string[]) =>
  events.map((e) => `${enc.encode(e).byteLength.toString(16)}\r\n${e}\r\n`).join("");

function withUpstream(
  scripts: Record<string, FaultScript[]>,
  fn: (url: string, up: ReturnType<typeof startFaultUpstream>) => Promise<void>,
) {
  return async () => {
    const up = startFaultUpstream({ choose: queues(new Map(Object.entries(scripts))) });
    try {
      await fn(up.url, up);
    } finally {
      await up.close();
    }
  };
}

const a = answerOf("t1", "m", "Hello from the fault upstream.");

Deno.test(
  "a JSON script: status, headers and body exactly, by fetch and raw",
  withUpstream(
    { m: [jsonScript("ctx", 400, providerErrors.openaiContextLength, { "x-request-id": "r1" })] },
    async (url) => {
      const res = await post(url, "m");
      assert.equal(res.status, 400);
      assert.equal(res.headers.get("x-request-id"), "r1");
      assert.equal(await res.text(), providerErrors.openaiContextLength);
      const raw = await rawExchange(url, "m");
      const body = providerErrors.openaiContextLength;
      assert.equal(
        raw,
        "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nx-request-id: r1\r\n" +
          `content-length: ${enc.encode(body).byteLength}\r\nconnection: close\r\n\r\n${body}`,
      );
    },
  ),
);

Deno.test("every protocol's stream: one chunk per event, terminated", async () => {
  for (const events of [chatSseEvents(a), responsesSseEvents(a), messagesSseEvents(a)]) {
    await withUpstream({ m: [sseScript("ok", events)] }, async (url) => {
      const res = await post(url, "m");
      assert.equal(res.headers.get("content-type"), "text/event-stream");
      assert.equal(await res.text(), events.join(""));
      const raw = await rawExchange(url, "m");
      assert.ok(raw.endsWith(`\r\n\r\n${chunkFramed(events)}0\r\n\r\n`), raw.slice(-200));
    })();
  }
});

Deno.test("a chat stream without [DONE] ends cleanly after the usage chunk", () => {
  const events = chatSseEvents(a, { done: false });
  assert.ok(!events.join("").includes("[DONE]"));
  assert.ok(events.at(-1)!.includes('"usage"'));
});

Deno.test(
  "a cut at a byte offset: exactly that many body bytes, then the connection ends",
  withUpstream(
    { m: [sseScript("cut", chatSseEvents(a), { cutAtByte: 300 })] },
    async (url) => {
      const res = await post(url, "m");
      await assert.rejects(res.text());
      const raw = await rawExchange(url, "m");
      const body = raw.slice(raw.indexOf("\r\n\r\n") + 4);
      // Body bytes only (chunk headers excluded): the events' first 300 bytes.
      const events = chatSseEvents(a);
      const unframed = body.replace(/^[0-9a-f]+\r\n/gm, "").replaceAll("\r\n", "");
      assert.equal(unframed, events.join("").slice(0, 300).replaceAll("\r\n", ""));
      assert.ok(!body.endsWith("0\r\n\r\n"));
    },
  ),
);

Deno.test(
  "close before any byte: fetch fails, raw TCP reads nothing",
  withUpstream({ m: [{ name: "close", before: "close", chunks: [] }] }, async (url) => {
    await assert.rejects(post(url, "m"));
    assert.equal(await rawExchange(url, "m"), "");
  }),
);

Deno.test("silent and stalled connections stay open until the upstream closes", async () => {
  const events = messagesSseEvents(a);
  const up = startFaultUpstream({
    choose: queues(
      new Map([
        ["silent", [{ name: "silent", before: "silent" as const, chunks: [] }]],
        ["stall", [sseScript("stall", events.slice(0, 3), { end: "stall" })]],
      ]),
    ),
  });
  let silentBytes = 0;
  let sawStall!: () => void;
  const stalled = new Promise<void>((r) => (sawStall = r));
  const silent = rawExchange(up.url, "silent", (t) => (silentBytes = t.length));
  const stall = rawExchange(up.url, "stall", (t) => {
    if (t.endsWith(chunkFramed(events.slice(0, 3)))) sawStall();
  });
  // Every scripted event arrived and the connection is still open (the read goes on).
  await stalled;
  while (up.requests.length < 2) await new Promise((r) => setTimeout(r, 5));
  await up.close();
  const [silentText, stallText] = await Promise.all([silent, stall]);
  assert.equal(silentText, "");
  assert.equal(silentBytes, 0);
  // Nothing after the events: no terminating chunk, the upstream closed it.
  assert.ok(stallText.endsWith(chunkFramed(events.slice(0, 3))));
});

Deno.test("queues per model repeat their last script; requests are recorded", async () => {
  const ok = jsonScript("ok", 200, "{}");
  const down = jsonScript("down", 503, providerErrors.openaiOverloaded);
  const up = startFaultUpstream({
    choose: queues(
      new Map([["flap", [down, down, ok]]]),
    ),
  });
  try {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await post(up.url, "flap");
      await res.body?.cancel();
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [503, 503, 200, 200]);
    const res = await post(up.url, "unknown");
    assert.equal(res.status, 404);
    await res.body?.cancel();
    assert.deepEqual(up.requestsFor("flap").map((r) => r.script), ["down", "down", "ok", "ok"]);
    assert.equal(up.requests[0]!.key, "sk-ant");
    assert.equal(up.requests[4]!.script, "no_script");
  } finally {
    await up.close();
  }
});

Deno.test("the per-key limiter answers 429 with Retry-After and reset headers", async () => {
  const up = startFaultUpstream({
    choose: () => jsonScript("ok", 200, "{}"),
    rateLimit: { limit: 2, windowMs: 60_000 },
  });
  try {
    const statuses = [];
    let last: Response | null = null;
    for (let i = 0; i < 3; i++) {
      last = await post(up.url, "m");
      statuses.push(last.status);
      if (i < 2) await last.body?.cancel();
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    assert.ok(Number(last!.headers.get("retry-after")) >= 1);
    assert.match(last!.headers.get("x-ratelimit-reset-requests") ?? "", /^\d+s$/);
    assert.ok(!Number.isNaN(Date.parse(last!.headers.get("anthropic-ratelimit-requests-reset")!)));
    assert.match(await last!.text(), /rate_limit_exceeded/);
  } finally {
    await up.close();
  }
});

Deno.test("in-band error events are single, well-formed SSE events", () => {
  for (const e of [inBandErrors.openai, inBandErrors.anthropic, inBandErrors.responsesFailed(a)]) {
    assert.ok(e.endsWith("\n\n"));
    const dataLine = e.split("\n").find((l) => l.startsWith("data: "))!;
    assert.doesNotThrow(() => JSON.parse(dataLine.slice(6)));
  }
});

Deno.test("resetUrl answers with a TCP reset after recording the request", async () => {
  const up = startFaultUpstream({ choose: () => null });
  await up.ready;
  try {
    await assert.rejects(post(up.resetUrl, "gone"), (err: Error) => {
      assert.match(String(err.cause), /reset/i);
      return true;
    });
    const port = Number(new URL(up.resetUrl).port);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(requestBytes("gone-raw"));
    await assert.rejects(conn.read(new Uint8Array(16)), Deno.errors.ConnectionReset);
    conn.close();
    assert.deepEqual(up.requests.map((r) => [r.model, r.script, r.key]), [
      ["gone", "reset", "sk-ant"],
      ["gone-raw", "reset", "sk-test"],
    ]);
  } finally {
    await up.close();
  }
});

Deno.test("queues may be named by path instead of model", async () => {
  const up = startFaultUpstream({
    choose: queues(
      new Map([["/v1/chat/completions", [
        jsonScript("first", 500, "{}"),
        jsonScript("then", 200, "{}"),
      ]]]),
      (r) => r.path,
    ),
  });
  try {
    for (const want of [500, 200, 200]) {
      const res = await post(up.url, "any");
      await res.body?.cancel();
      assert.equal(res.status, want);
    }
  } finally {
    await up.close();
  }
});
