/**
 * End to end, as a user runs it: `src/main.ts serve` as a subprocess with a TypeScript config,
 * a loopback upstream that speaks both wire formats, and the official `openai` and
 * `@anthropic-ai/sdk` clients. Every endpoint the issue names, streamed and not; then the
 * traces through the API, a graceful stop, and the database file searched for the raw key.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { freePort, type ServerProcess, startServer } from "../support/process.ts";
import { startUpstreamStub, stubUsage, type UpstreamStub } from "../support/upstream_stub.ts";

const openaiKey = "sk-proj-E2EOPENAIKEY0123456789abcdefWXYZ";
const anthropicKey = "sk-ant-api03-E2EANTHROPICKEY0123456789-abcdQRST";
const perM = (tokens: number, usd: number) => (tokens * usd) / 1e6;

interface Expected {
  provider: string;
  path: string;
  streaming: boolean;
  usage_status: "exact" | "none";
  input?: number;
  output?: number;
  cached?: number;
  cacheWrite?: number;
  reasoning?: number;
  cost?: number;
}

const config = (port: number, upstream: string) =>
  `import { defineConfig } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { path: "./data/ongoingai.db" },
  providers: {
    openai: { upstream: "${upstream}" },
    anthropic: { upstream: "${upstream}" },
  },
  tracing: { flush_interval_ms: 10 },
});
`;

async function withGateway(
  fn: (ctx: { server: ServerProcess; stub: UpstreamStub; dir: string }) => Promise<void>,
) {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-e2e-" }));
  const stub = await startUpstreamStub();
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, stub.url));
  const server = await startServer([], { cwd: dir, port });
  try {
    await fn({ server, stub, dir });
  } finally {
    await server.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("e2e: official SDKs through the gateway, exact traces, graceful stop, no raw keys", async () => {
  await withGateway(async ({ server, stub, dir }) => {
    const openai = new OpenAI({ apiKey: openaiKey, baseURL: `${server.origin}/openai/v1` });
    const anthropic = new Anthropic({
      apiKey: anthropicKey,
      baseURL: `${server.origin}/anthropic`,
    });
    const expected: Expected[] = [];
    const chat = stubUsage.chat;
    const chatCost = perM(chat.prompt - chat.cached, 0.15) + perM(chat.cached, 0.075) +
      perM(chat.completion, 0.6);
    const chatExpect = (streaming: boolean): Expected => ({
      provider: "openai",
      path: "/openai/v1/chat/completions",
      streaming,
      usage_status: "exact",
      input: chat.prompt,
      output: chat.completion,
      cached: chat.cached,
      reasoning: chat.reasoning,
      cost: chatCost,
    });

    // OpenAI chat completions, not streamed and streamed (the client did not ask for usage).
    const completion = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(completion.choices[0]!.message.content, "Hello from the stub.");
    expected.push(chatExpect(false));

    let streamed = "";
    const stream = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    for await (const chunk of stream) {
      assert.equal(chunk.usage ?? null, null, "no usage chunk reaches a client that did not ask");
      streamed += chunk.choices[0]?.delta.content ?? "";
    }
    assert.equal(streamed, "Hello from the stub.");
    expected.push(chatExpect(true));

    // A client that asked for usage gets it.
    let usageSeen = 0;
    for await (
      const chunk of await openai.chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "hi" }],
        stream: true,
        stream_options: { include_usage: true },
      })
    ) if (chunk.usage) usageSeen = chunk.usage.prompt_tokens;
    assert.equal(usageSeen, chat.prompt);
    expected.push(chatExpect(true));

    // Responses API, both ways.
    const resp = await openai.responses.create({ model: "gpt-4o-mini", input: "hi" });
    assert.equal(resp.output_text, "Hello from the stub.");
    const r = stubUsage.responses;
    const respExpect = (streaming: boolean): Expected => ({
      provider: "openai",
      path: "/openai/v1/responses",
      streaming,
      usage_status: "exact",
      input: r.input,
      output: r.output,
      cached: r.cached,
      reasoning: r.reasoning,
      cost: perM(r.input - r.cached, 0.15) + perM(r.cached, 0.075) + perM(r.output, 0.6),
    });
    expected.push(respExpect(false));
    const types: string[] = [];
    for await (
      const ev of await openai.responses.create({ model: "gpt-4o-mini", input: "hi", stream: true })
    ) types.push(ev.type);
    assert.equal(types.at(-1), "response.completed");
    expected.push(respExpect(true));

    // Embeddings, legacy completions (streamed too), model list.
    const emb = await openai.embeddings.create({ model: "text-embedding-3-small", input: "hi" });
    assert.equal(emb.data.length, 1);
    expected.push({
      provider: "openai",
      path: "/openai/v1/embeddings",
      streaming: false,
      usage_status: "exact",
      input: stubUsage.embeddings.prompt,
      output: 0,
      cost: perM(stubUsage.embeddings.prompt, 0.02),
    });
    const c = stubUsage.completions;
    const legacy = await openai.completions.create({
      model: "gpt-3.5-turbo-instruct",
      prompt: "hello",
    });
    assert.equal(legacy.choices[0]!.text, " world");
    const legacyCost = perM(c.prompt, 1.5) + perM(c.completion, 2);
    const legacyExpect = (streaming: boolean): Expected => ({
      provider: "openai",
      path: "/openai/v1/completions",
      streaming,
      usage_status: "exact",
      input: c.prompt,
      output: c.completion,
      cost: legacyCost,
    });
    expected.push(legacyExpect(false));
    let legacyText = "";
    for await (
      const chunk of await openai.completions.create({
        model: "gpt-3.5-turbo-instruct",
        prompt: "hello",
        stream: true,
      })
    ) legacyText += chunk.choices[0]?.text ?? "";
    assert.equal(legacyText, " world");
    expected.push(legacyExpect(true));

    const models = [];
    for await (const m of openai.models.list()) models.push(m.id);
    assert.deepEqual(models, ["gpt-4o-mini"]);
    expected.push({
      provider: "openai",
      path: "/openai/v1/models",
      streaming: false,
      usage_status: "none",
    });

    // Anthropic messages, both ways, token counting and model list.
    const m = stubUsage.messages;
    const msgCost = perM(m.input, 1) + perM(m.cacheRead, 0.1) + perM(m.cacheWrite, 1.25) +
      perM(m.output, 5);
    const msgExpect = (streaming: boolean): Expected => ({
      provider: "anthropic",
      path: "/anthropic/v1/messages",
      streaming,
      usage_status: "exact",
      input: m.input + m.cacheRead + m.cacheWrite,
      output: m.output,
      cached: m.cacheRead,
      cacheWrite: m.cacheWrite,
      cost: msgCost,
    });
    const msg = await anthropic.messages.create({
      model: "claude-haiku-4-5-20251001",
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    });
    assert.deepEqual(msg.content, [{ type: "text", text: "Hello from the stub." }]);
    expected.push(msgExpect(false));
    const msgStream = anthropic.messages.stream({
      model: "claude-haiku-4-5-20251001",
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    });
    const final = await msgStream.finalMessage();
    assert.equal(final.usage.output_tokens, m.output);
    expected.push(msgExpect(true));
    const counted = await anthropic.messages.countTokens({
      model: "claude-haiku-4-5-20251001",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(counted.input_tokens, 42);
    expected.push({
      provider: "anthropic",
      path: "/anthropic/v1/messages/count_tokens",
      streaming: false,
      usage_status: "none",
    });
    const anthropicModels = [];
    for await (const model of anthropic.models.list()) anthropicModels.push(model.id);
    assert.equal(anthropicModels.length, 1);
    expected.push({
      provider: "anthropic",
      path: "/anthropic/v1/models",
      streaming: false,
      usage_status: "none",
    });

    // Any other path passes through and is traced.
    const other = await fetch(`${server.origin}/openai/v1/files`, {
      headers: { authorization: `Bearer ${openaiKey}` },
    });
    assert.deepEqual(await other.json(), { ok: true, path: "/v1/files" });
    expected.push({
      provider: "openai",
      path: "/openai/v1/files",
      streaming: false,
      usage_status: "none",
    });

    // The upstream saw the client's credentials and paths, and never the gateway's own headers.
    assert.equal(stub.requests.length, expected.length);
    assert.ok(stub.requests.every((q) => q.headers["x-ongoingai-correlation-id"]));

    // Every request became exactly one trace with exactly the stub's numbers.
    const traces = await allTraces(server.origin, expected.length);
    assert.equal(traces.length, expected.length);
    const ordered = [...traces].reverse(); // the API lists newest first
    for (const [i, want] of expected.entries()) {
      const t = ordered[i]!;
      const where = `${i}: ${want.path}`;
      assert.equal(t.provider, want.provider, where);
      assert.equal(t.request_path, want.path, where);
      assert.equal(t.streaming, want.streaming, where);
      assert.equal(t.usage_status, want.usage_status, where);
      assert.equal(t.response_status, 200, where);
      if (want.usage_status === "none") {
        assert.equal(t.input_tokens, null, where);
        assert.equal(t.estimated_cost_usd, null, where);
        continue;
      }
      assert.equal(t.input_tokens, want.input, where);
      assert.equal(t.output_tokens, want.output, where);
      assert.equal(t.total_tokens, want.input! + want.output!, where);
      assert.equal(t.cached_input_tokens, want.cached ?? 0, where);
      assert.equal(t.cache_write_tokens, want.cacheWrite ?? 0, where);
      assert.equal(t.reasoning_tokens, want.reasoning ?? 0, where);
      assert.equal(t.cost_status, "priced", where);
      assert.ok(
        Math.abs(t.estimated_cost_usd - want.cost!) < 1e-12,
        `${where}: ${t.estimated_cost_usd} vs ${want.cost}`,
      );
    }

    // What Anthropic bills apart from the counts, as the stub reports it, kept on every message.
    const messages = ordered.filter((t) => t.request_path === "/anthropic/v1/messages");
    assert.ok(messages.length >= 2, "a streamed and a whole message");
    for (const t of messages) {
      const d = await (await fetch(`${server.origin}/api/traces/${t.id}`)).json();
      assert.deepEqual(d.metadata.usage_billing, {
        cache_write_by_ttl: { "5m": stubUsage.messages.cacheWrite },
        service_tier: "standard",
      });
      // Priced line by line: the 5-minute writes on their own line, the lines add up to the cost.
      const lines = d.cost_breakdown.lines as {
        dimension: string;
        quantity: number;
        amount_usd: number;
      }[];
      const write = lines.find((l) => l.dimension === "cache_write");
      assert.equal(write?.quantity, stubUsage.messages.cacheWrite);
      const sum = lines.reduce((acc, l) => acc + Math.round(l.amount_usd * 1e10), 0);
      assert.equal(sum, Math.round(d.estimated_cost_usd * 1e10));
      assert.deepEqual(d.cost_breakdown.unpriced, []);
    }

    // Detail view: headers stored with credentials redacted.
    const detail = await (await fetch(`${server.origin}/api/traces/${traces[0].id}`)).json();
    assert.deepEqual(detail.request_headers.authorization ?? detail.request_headers["x-api-key"], [
      "[REDACTED]",
    ]);

    // Graceful stop flushes everything; the raw keys are nowhere in the database files.
    const stopped = await server.stop("SIGTERM");
    assert.equal(stopped.code, 0, stopped.logs);
    assert.ok(!stopped.logs.includes(openaiKey) && !stopped.logs.includes(anthropicKey));
    const dbPath = join(dir, "data", "ongoingai.db");
    const db = new DatabaseSync(dbPath, { readOnly: true });
    try {
      assert.equal(db.prepare("SELECT COUNT(*) AS n FROM traces").get()?.n, expected.length);
    } finally {
      db.close();
    }
    for await (const entry of Deno.readDir(join(dir, "data"))) {
      const bytes = new TextDecoder("latin1").decode(
        await Deno.readFile(join(dir, "data", entry.name)),
      );
      for (const key of [openaiKey, anthropicKey]) {
        assert.ok(!bytes.includes(key), `${entry.name} contains a raw provider key`);
        assert.ok(
          !bytes.includes(key.slice(0, -4)),
          `${entry.name} contains most of a provider key`,
        );
      }
    }
  });
});

// deno-lint-ignore no-explicit-any
async function allTraces(origin: string, n: number): Promise<any[]> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const page = await (await fetch(`${origin}/api/traces?limit=200`)).json();
    if (page.items.length >= n) return page.items;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`fewer than ${n} traces appeared`);
}
