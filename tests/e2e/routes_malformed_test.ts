/**
 * A malformed event after a routed stream's commit point, end to end: `src/main.ts serve` with a
 * route per protocol, the byte-scripted fault upstream (tests/support/fault_upstream.ts) sending
 * a stream that breaks its protocol after two content deltas, and the official SDKs as clients.
 * The client gets every whole event before the malformed one, then the protocol's error event:
 * its SDK raises an `APIError` (never the `SyntaxError` of parsing the broken event), and the
 * trace records the answer as cut short. The fallback is never asked: the answer had begun.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { freePort, startServer } from "../support/process.ts";
import {
  answerOf,
  chatSseEvents,
  malformedEvent,
  messagesSseEvents,
  responsesSseEvents,
} from "../support/fault_bodies.ts";
import { queues, sseScript, startFaultUpstream } from "../support/fault_upstream.ts";

const clientKey = "sk-proj-MALFORMEDCLIENT0123456789abcdefWXYZ";
const anthropicKey = "sk-ant-api03-MALFORMEDCLIENT0123456789-abcdQRST";
const text = "Hello there, this answer breaks its protocol.";

/** The events up to the second content delta, the malformed event, then the rest. */
function broken(events: string[], isContent: (e: string) => boolean, bad: string): string[] {
  const second = events.findIndex((e, i) => isContent(e) && events.slice(0, i).some(isContent));
  assert.ok(second > 0);
  return [...events.slice(0, second + 1), bad, ...events.slice(second + 1)];
}

const routes = {
  chat: {
    clean: chatSseEvents(answerOf("m1", "chat-primary", text)),
    events: broken(
      chatSseEvents(answerOf("m1", "chat-primary", text)),
      (e) => e.includes('"content":"') && !e.includes('"content":""'),
      malformedEvent,
    ),
  },
  responses: {
    clean: responsesSseEvents(answerOf("m2", "responses-primary", text)),
    events: broken(
      responsesSseEvents(answerOf("m2", "responses-primary", text)),
      (e) => e.startsWith("event: response.output_text.delta"),
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"x"\n\n',
    ),
  },
  messages: {
    clean: messagesSseEvents(answerOf("m3", "messages-primary", text)),
    events: broken(
      messagesSseEvents(answerOf("m3", "messages-primary", text)),
      (e) => e.includes('"text_delta"'),
      "event: content_block_delta\ndata: {not json\n\n",
    ),
  },
};

/** Two pieces of the answer went out before the malformed event (pieces of 6 characters). */
const before = text.slice(0, 12);

Deno.test("e2e routes: a malformed event after commit ends the stream with the protocol's error", async (t) => {
  const up = startFaultUpstream({
    // Per model: the malformed stream, one cut after its commit point, then clean ones.
    choose: queues(
      new Map(
        Object.entries(routes).map(([name, r]) => [`${name}-primary`, [
          sseScript("malformed", r.events),
          sseScript("cut", r.clean.slice(0, -3), { end: "cut" }),
          sseScript("clean", r.clean),
        ]]),
      ),
    ),
  });
  await up.ready;
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-malformed-" }));
  const port = freePort();
  const target = (provider: string, model: string) => ({ provider, model });
  const route = (provider: string, name: string) => ({
    targets: [target(provider, `${name}-primary`), target(provider, `${name}-fallback`)],
    retry: { attempts: 1 },
  });
  await Deno.writeTextFile(
    join(dir, "gateway.json"),
    JSON.stringify({
      server: { host: "127.0.0.1", port, shutdown_grace_ms: 2000 },
      storage: { path: "./data/ongoingai.db" },
      providers: { openai: { upstream: up.url }, anthropic: { upstream: up.url } },
      routes: {
        chat: route("openai", "chat"),
        responses: route("openai", "responses"),
        messages: route("anthropic", "messages"),
      },
      tracing: { flush_interval_ms: 10 },
    }),
  );
  const server = await startServer(["--config", "gateway.json"], { cwd: dir, port });
  const openai = new OpenAI({
    apiKey: clientKey,
    baseURL: `${server.origin}/openai/v1`,
    maxRetries: 0,
  });
  const claude = new Anthropic({
    apiKey: anthropicKey,
    baseURL: `${server.origin}/anthropic`,
    maxRetries: 0,
  });
  let traces = 0;
  const raisesApiError = (err: unknown) => {
    assert.ok(!(err instanceof SyntaxError), `a SyntaxError reached the client: ${err}`);
    assert.ok(
      err instanceof OpenAI.APIError || err instanceof Anthropic.APIError,
      `not an APIError: ${err}`,
    );
    assert.match(String(err.message), /not its protocol's/);
    return true;
  };
  const checkTrace = async (model: string, parseErrors: number) => {
    const trace = await lastTrace(server.origin, ++traces);
    assert.equal(trace.model, model);
    assert.equal(trace.response_status, 200);
    assert.equal(trace.error_code, "upstream_truncated");
    assert.equal(trace.attempt_count, 1);
    assert.equal(up.requestsFor(model.replace("primary", "fallback")).length, 0);
    // One usage parser read the answer: the malformed event counted, the error event seen.
    assert.equal(trace.metadata?.usage_parse_errors, parseErrors || undefined);
    assert.equal(trace.metadata?.upstream_stream_error, true);
  };
  /** The cut and the clean stream that follow the malformed one, read whole by the client. */
  const cutThenClean = async (read: () => Promise<string>, model: string) => {
    await assert.rejects(
      read(),
      (err: unknown) => err instanceof Error && /broke off/.test(err.message),
    );
    const cut = await lastTrace(server.origin, ++traces);
    assert.equal(cut.error_code, "upstream_truncated");
    assert.equal(cut.metadata?.upstream_stream_error, true);
    assert.equal(cut.metadata?.usage_parse_errors, undefined);
    assert.equal(await read(), text);
    const clean = await lastTrace(server.origin, ++traces);
    assert.equal(clean.model, model);
    assert.equal(clean.error_code, null);
    assert.equal(clean.usage_status, "exact");
    assert.equal(clean.input_tokens, 21);
    assert.equal(clean.output_tokens, 9);
    assert.equal(clean.metadata?.usage_parse_errors, undefined);
    assert.equal(clean.metadata?.upstream_stream_error, undefined);
  };
  try {
    await t.step("Chat Completions", async () => {
      let got = "";
      const stream = await openai.chat.completions.create({
        model: "chat",
        messages: [{ role: "user", content: "hi" }],
        stream: true,
      });
      await assert.rejects(async () => {
        for await (const c of stream) got += c.choices[0]?.delta.content ?? "";
      }, raisesApiError);
      assert.equal(got, before);
      await checkTrace("chat-primary", 1);
      await cutThenClean(async () => {
        let all = "";
        const s = await openai.chat.completions.create({
          model: "chat",
          messages: [{ role: "user", content: "hi" }],
          stream: true,
          stream_options: { include_usage: true },
        });
        for await (const c of s) all += c.choices[0]?.delta.content ?? "";
        return all;
      }, "chat-primary");
    });

    await t.step("Responses", async () => {
      let got = "";
      const stream = await openai.responses.create({
        model: "responses",
        input: "hi",
        stream: true,
      });
      await assert.rejects(async () => {
        for await (const e of stream) if (e.type === "response.output_text.delta") got += e.delta;
      }, raisesApiError);
      assert.equal(got, before);
      await checkTrace("responses-primary", 1);
      await cutThenClean(async () => {
        let all = "";
        const s = await openai.responses.create({ model: "responses", input: "hi", stream: true });
        for await (const e of s) if (e.type === "response.output_text.delta") all += e.delta;
        return all;
      }, "responses-primary");
    });

    await t.step("Anthropic Messages", async () => {
      let got = "";
      const stream = claude.messages.stream({
        model: "messages",
        max_tokens: 64,
        messages: [{ role: "user", content: "hi" }],
      }).on("text", (d) => void (got += d));
      await assert.rejects(stream.finalMessage(), raisesApiError);
      assert.equal(got, before);
      await checkTrace("messages-primary", 1);
      await cutThenClean(async () => {
        let all = "";
        await claude.messages.stream({
          model: "messages",
          max_tokens: 64,
          messages: [{ role: "user", content: "hi" }],
        }).on("text", (d) => void (all += d)).finalMessage();
        return all;
      }, "messages-primary");
    });
  } finally {
    await server.kill();
    await up.close();
    await Deno.remove(dir, { recursive: true });
  }
});

interface TraceRow {
  id: string;
  model: string | null;
  response_status: number;
  error_code: string | null;
  attempt_count: number;
  usage_status: string;
  input_tokens: number | null;
  output_tokens: number | null;
  metadata?: Record<string, unknown> | null;
}

/** The newest trace, in full (its metadata), once `count` were recorded. */
async function lastTrace(origin: string, count: number): Promise<TraceRow> {
  for (let i = 0; i < 200; i++) {
    const page = await (await fetch(`${origin}/api/traces?limit=200`)).json();
    const items = (page.items ?? page.traces ?? page.data) as TraceRow[];
    if (items.length >= count) {
      return await (await fetch(`${origin}/api/traces/${items[0]!.id}`)).json() as TraceRow;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`fewer than ${count} traces recorded`);
}
