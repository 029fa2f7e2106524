/**
 * `ongoingai replay` as a user runs it: a real `serve` process with its SQLite worker, a stub
 * upstream, a logged request, then the CLI as a subprocess. The stored body goes upstream again
 * byte for byte; `--compare --format json` reads both traces; a streamed request replays as a
 * stream; a fork names its change; a refusal says what to do and exits 1; the replays are in
 * the audit log.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { join } from "node:path";
import { freePort, runCliProcess } from "../support/process.ts";
import { startLiveServer } from "../e2e/lifecycle_support.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";
import { openSqliteStore } from "../../src/store/mod.ts";

const key = "sk-proj-REPLAYCLI0000000000000000wxyz";
const anthropicKey = "sk-ant-api03-REPLAYCLI000000000000000";
const chat = '{"model":"gpt-4o-mini",  "messages":[{"role":"user","content":"say hi"}]}';
const streamed =
  '{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}';

async function send(origin: string, body: string): Promise<void> {
  const res = await fetch(`${origin}/openai/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body,
  });
  await res.arrayBuffer();
  assert.equal(res.status, 200);
}

/** The newest trace ids, once `n` are stored (the writer is asynchronous). */
async function traceIds(origin: string, n: number): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${origin}/api/traces?limit=50`);
    const items = (await res.json() as { items: { id: string }[] }).items;
    if (items.length >= n) return items.map((t) => t.id).reverse();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`fewer than ${n} traces stored`);
}

Deno.test("ongoingai replay: byte for byte, --compare, a stream, a fork, a refusal", async () => {
  const stub = await startUpstreamStub();
  const dir = Deno.makeTempDirSync({ prefix: "ongoingai-replay-cli-" });
  const port = freePort();
  Deno.writeTextFileSync(
    join(dir, "ongoingai.yaml"),
    `server:\n  port: ${port}\nstorage:\n  path: traces.db\ntracing:\n  capture_bodies: true\n` +
      `  flush_interval_ms: 5\nproviders:\n  openai:\n    upstream: ${stub.url}\n` +
      `  anthropic:\n    upstream: ${stub.url}\n`,
  );
  const server = await startLiveServer(dir, port);
  const cli = (args: string[]) =>
    runCliProcess(["replay", ...args, "--url", server.origin, "--api-key-env", "MY_KEY"], {
      cwd: dir,
      env: { MY_KEY: key },
    });
  try {
    await send(server.origin, chat);
    await send(server.origin, streamed);
    const [plain, stream] = await traceIds(server.origin, 2);

    const before = stub.requests.length;
    const compared = await cli([plain!, "--compare", "--format", "json"]);
    assert.equal(compared.code, 0, compared.stderr);
    const doc = JSON.parse(compared.stdout);
    assert.equal(stub.requests[before]!.body, chat, "the stored body, byte for byte");
    assert.equal(stub.requests[before]!.headers.authorization, `Bearer ${key}`);
    assert.equal(doc.source_trace_id, plain);
    assert.equal(doc.status, 200);
    assert.equal(doc.compare.source.trace_id, plain);
    assert.equal(doc.compare.replay.trace_id, doc.trace_id);
    assert.equal(doc.compare.source.text, doc.compare.replay.text);
    assert.ok(doc.compare.replay.text.length > 0);
    assert.ok(doc.compare.replay.input_tokens > 0);
    assert.ok(doc.compare.replay.estimated_cost_usd > 0);

    const text = await cli([stream!, "--compare"]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(stub.requests.at(-1)!.body, streamed);
    assert.match(text.stdout, /^\s+source\s+replay$/m);
    assert.match(text.stdout, /input tokens/);
    assert.match(text.stdout, new RegExp(`replayed ${stream} as \\w+`));

    const live = await cli([stream!]);
    assert.equal(live.code, 0, live.stderr);
    assert.match(live.stdout, /^Hello from the stub\.\n\nreplayed /);

    const fork = await cli([plain!, "--model", "gpt-4o", "--set", "temperature=0.5"]);
    assert.equal(fork.code, 0, fork.stderr);
    assert.equal(
      stub.requests.at(-1)!.body,
      '{"model":"gpt-4o",  "messages":[{"role":"user","content":"say hi"}],"temperature":0.5}',
    );
    assert.match(fork.stdout, /changed model, set\.temperature/);

    // A request the official Anthropic SDK made, replayed with the key from the environment:
    // the same bytes, the key in the header Anthropic reads, the SDK's version header kept.
    const sdk = new Anthropic({ apiKey: anthropicKey, baseURL: `${server.origin}/anthropic` });
    await sdk.messages.create({
      model: "claude-sonnet-4-5-20250929",
      max_tokens: 16,
      messages: [{ role: "user", content: "hi there" }],
    });
    const sdkSent = stub.requests.at(-1)!;
    const [sdkTrace] = (await traceIds(server.origin, 7)).slice(-1);
    const again = await runCliProcess(
      ["replay", sdkTrace!, "--url", server.origin, "--api-key-env", "ANTHROPIC_KEY"],
      { cwd: dir, env: { ANTHROPIC_KEY: anthropicKey } },
    );
    assert.equal(again.code, 0, again.stderr);
    const replayedSdk = stub.requests.at(-1)!;
    assert.equal(replayedSdk.body, sdkSent.body);
    assert.equal(replayedSdk.headers["x-api-key"], anthropicKey);
    assert.equal(replayedSdk.headers["anthropic-version"], sdkSent.headers["anthropic-version"]);
    assert.equal(replayedSdk.headers.authorization, undefined);

    const unknown = await cli(["no-such-trace"]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /404 not_found: trace no-such-trace not found/);
    const usage = await cli([plain!, "--model", "a", "--route", "b"]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--model or --route, not both/);
    server.signal("SIGTERM");
    assert.equal(await server.exited, 0, server.logs());
  } finally {
    await server.kill();
    await stub.close();
  }
  const store = await openSqliteStore({ path: join(dir, "traces.db"), readOnly: true });
  try {
    const actions = (await store.auditChain(1, 50)).map((e) => e.action);
    assert.deepEqual(actions.filter((a) => a.startsWith("trace.")), [
      "trace.replayed",
      "trace.replayed",
      "trace.replayed",
      "trace.forked",
      "trace.replayed",
    ]);
    const traces = (await store.listTraces({ limit: 50 })).items;
    assert.equal(traces.length, 8, "three logged, five replayed");
    const sources = [];
    for (const t of traces) {
      const full = await store.getTrace(t.id);
      if (full?.metadata.replay_of !== undefined) sources.push(full.metadata.replay_of);
    }
    assert.equal(sources.length, 5);
  } finally {
    await store.close();
  }
});
