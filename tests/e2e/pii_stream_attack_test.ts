/**
 * The streamed-response redactor under attack, end to end: a real `serve` with a
 * `redact_upstream` policy in front of a hostile upstream scripted byte by byte. The client must
 * never see a detected value, every bound must end the stream with an error event the client can
 * read, and the trace must say the answer could not be inspected.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll, startServer } from "../support/process.ts";
import { type RawConnection, sseHead, startRawUpstream } from "../support/raw_upstream.ts";

const email = "maria.lopez@example.org";

const anthropicDelta = (index: number, text: string) =>
  `event: content_block_delta\ndata: ${
    JSON.stringify({ type: "content_block_delta", index, delta: { type: "text_delta", text } })
  }\n\n`;

const openAiChunk = (delta: Record<string, unknown>) =>
  `data: ${
    JSON.stringify({ id: "c1", object: "chat.completion.chunk", choices: [{ index: 0, delta }] })
  }\n\n`;

/** Sends `events` in HTTP chunks of about 64 KiB. */
async function sendEvents(c: RawConnection, events: Iterable<string>): Promise<void> {
  let buf = "";
  for (const e of events) {
    buf += e;
    if (buf.length >= 64 * 1024) {
      await c.sendChunk(buf);
      buf = "";
    }
  }
  if (buf !== "") await c.sendChunk(buf);
}

/** The attacks, chosen by the request's `x-attack` header. */
const attacks: Record<string, (c: RawConnection) => Promise<void>> = {
  // A new content block index per event, never closed: one channel each.
  async channels(c) {
    await sendEvents(
      c,
      function* () {
        for (let i = 0; i < 3000; i++) yield anthropicDelta(i, `held-${i}-${email}`);
      }(),
    );
  },
  // One SSE line of 9 MiB without an end.
  async line(c) {
    await c.sendChunk('data: {"choices":[{"index":0,"delta":{"content":"');
    const block = "x".repeat(1024 * 1024);
    for (let i = 0; i < 9; i++) await c.sendChunk(block);
  },
  // Tiny events of digit groups, then a value: each used to cost a 4 KiB rescan.
  async tiny(c) {
    await sendEvents(
      c,
      function* () {
        for (let i = 0; i < 5000; i++) yield openAiChunk({ content: "1 " });
        yield openAiChunk({ content: `mail ${email} ok` });
        yield `data: [DONE]\n\n`;
      }(),
    );
  },
  // A value in a member name of streamed tool-call arguments, one character per event.
  async name(c) {
    const args = `{"${email}": {"card 4111 1111 1111 1111": true}}`;
    await sendEvents(
      c,
      function* () {
        for (const ch of args) {
          yield openAiChunk({ tool_calls: [{ index: 0, function: { arguments: ch } }] });
        }
        yield `data: [DONE]\n\n`;
      }(),
    );
  },
  // A string value of endless blanks in the arguments, then a value.
  async blanks(c) {
    await sendEvents(
      c,
      function* () {
        yield openAiChunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":"' } }] });
        for (let i = 0; i < 2000; i++) {
          yield openAiChunk({
            tool_calls: [{ index: 0, function: { arguments: " ".repeat(500) } }],
          });
        }
        yield openAiChunk({ tool_calls: [{ index: 0, function: { arguments: `${email}"}` } }] });
        yield `data: [DONE]\n\n`;
      }(),
    );
  },
};

const config = (port: number, upstream: string) =>
  `import { defineConfig } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port} },
  storage: { path: "./data/ongoingai.db" },
  providers: { openai: { upstream: "${upstream}" }, anthropic: { upstream: "${upstream}" } },
  tracing: { flush_interval_ms: 10 },
  pii: { mode: "redact_upstream", replacement: { hash_salt: "e2e-stream-attack-0123456789" } },
});
`;

// deno-lint-ignore no-explicit-any
type Trace = Record<string, any>;

Deno.test("e2e: a hostile upstream stream cannot get PII past the redactor nor grow its buffers", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-pii-attack-" }));
  const upstream = startRawUpstream(async (c) => {
    const req = await c.head();
    await c.send(sseHead());
    try {
      await attacks[req.headers["x-attack"] ?? ""]!(c);
      await c.endChunks();
    } catch {
      // The gateway stopped reading: that is the point of some attacks.
    }
    c.close();
  });
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, upstream.url));
  const server = await startServer([], { cwd: dir, port });
  const call = async (attack: string, provider: "openai" | "anthropic") => {
    const path = provider === "openai" ? "/openai/v1/chat/completions" : "/anthropic/v1/messages";
    const res = await fetch(`${server.origin}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer sk-proj-E2ECLIENTKEY0123456789abcdefWXYZ",
        "x-api-key": "sk-ant-api03-E2ECLIENT0123456789-abcdQRST",
        "anthropic-version": "2023-06-01",
        "x-attack": attack,
        "x-ongoingai-correlation-id": `attack-${attack}`,
      },
      body: JSON.stringify({
        model: provider === "openai" ? "gpt-4o-mini" : "claude-sonnet-4-5",
        max_tokens: 64,
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    assert.equal(res.status, 200, attack);
    const started = performance.now();
    const text = await res.text();
    console.log(
      `${attack}: ${text.length} characters to the client in ${
        (performance.now() - started).toFixed(0)
      } ms`,
    );
    return text;
  };
  const trace = (attack: string) =>
    poll(`the trace of ${attack}`, async () => {
      const page = await (await fetch(`${server.origin}/api/traces?limit=50`)).json();
      return page.items.find((t: Trace) => t.correlation_id === `attack-${attack}`) as
        | Trace
        | undefined;
    });
  try {
    // More than 1024 channels: stopped with Anthropic's error event, nothing held sent.
    const channels = await call("channels", "anthropic");
    assert.match(channels, /event: error/);
    assert.ok(!channels.includes(email) && !channels.includes("maria"), "no held text sent");
    assert.equal((await trace("channels")).error_code, "pii_uninspectable");

    // An endless SSE line: stopped at the 8 MiB event bound, the client is told.
    const line = await call("line", "openai");
    assert.match(line, /pii_event_too_large/);
    assert.ok(line.length < 64 * 1024, "the line is not passed on");
    assert.equal((await trace("line")).error_code, "pii_uninspectable");

    // Tiny events, then a value: redacted, the stream completes.
    const tiny = await call("tiny", "openai");
    assert.ok(!tiny.includes(email));
    assert.match(tiny, /\[EMAIL_REDACTED:[0-9a-f]{16}\]/);
    assert.match(tiny, /\[DONE\]/);

    // A value in a streamed member name: redacted in the deltas.
    const name = await call("name", "openai");
    const args = name.split("\n").filter((l) => l.startsWith("data: {")).map((l) =>
      JSON.parse(l.slice(6)).choices?.[0]?.delta?.tool_calls?.[0]?.function?.arguments ?? ""
    ).join("");
    assert.ok(!args.includes("maria") && !args.includes("4111"), args);
    assert.equal(Object.keys(JSON.parse(args)).length, 1, "still JSON");

    // Endless blanks in a string value: streamed, the value after them redacted.
    const blanks = await call("blanks", "openai");
    assert.ok(!blanks.includes(email));
    assert.match(blanks, /\[DONE\]/);

    const health = await fetch(`${server.origin}/api/health`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
    const stopped = await server.stop();
    assert.equal(stopped.code, 0, stopped.logs);
    assert.ok(!stopped.logs.includes(email));
  } finally {
    await server.kill();
    await upstream.close();
    await Deno.remove(dir, { recursive: true });
  }
});
