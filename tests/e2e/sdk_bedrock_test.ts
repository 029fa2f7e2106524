/**
 * Amazon Bedrock end to end, as a user runs it: `src/main.ts serve` as a subprocess with a
 * provider of kind `bedrock` (prefix `/bedrock`), a loopback Bedrock Runtime that speaks the
 * wire format exactly (tests/support/bedrock_stub.ts: restJson1 JSON and AWS event streams), and
 * the official `@aws-sdk/client-bedrock-runtime` pointed at the gateway's prefix as its
 * `endpoint`, authenticating with a Bedrock API key (`Authorization: Bearer`, passed through).
 * Converse, ConverseStream, InvokeModel and InvokeModelWithResponseStream (an Anthropic body);
 * each trace has the exact tokens (cache read and write) and the cost computed here from the
 * list prices by hand; stream and non-stream agree. A ConverseStream whose upstream breaks off
 * after its first text makes the SDK throw, never return a truncated success: through a route
 * (the gateway's termination), relayed as it came, and under a PII policy (a second provider,
 * `/bedrock-pii`, where an address split across deltas is redacted too). One gateway serves
 * every step.
 *
 * Bearer mode in 3.1178.0: the client's auth options are SigV4 first, then
 * `smithy.api#httpBearerAuth` (`dist-es/auth/httpAuthSchemeProvider.js`), and the first scheme
 * with an identity provider wins (`@smithy/core` `httpAuthSchemeMiddleware`): a `token` alone
 * still signs with SigV4. `authSchemePreference: ["httpBearerAuth"]` selects the key (the
 * `AWS_BEARER_TOKEN_BEDROCK` variable sets that preference by itself: `@aws-sdk/core`
 * `NODE_AUTH_SCHEME_PREFERENCE_OPTIONS`). The SDK's default handler is `NodeHttp2Handler`;
 * against the gateway's `http://` origin it is used as it is.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from "@aws-sdk/client-bedrock-runtime";
import { freePort, type ServerProcess, startServer } from "../support/process.ts";
import {
  answerText,
  type BedrockStub,
  converseUsage,
  invokeUsage,
  startBedrockStub,
} from "../support/bedrock_stub.ts";

const apiKey = "ABSKQmVkcm9ja0FQSUtleS1hYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODk=";
const sonnet = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const haiku = "global.anthropic.claude-haiku-4-5-20251001-v1:0";
const perM = (tokens: number, usd: number) => (tokens * usd) / 1e6;

const config = (port: number, upstream: string) =>
  `import { defineConfig } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { path: "./data/ongoingai.db" },
  providers: {
    bedrock: { kind: "bedrock", upstream: "${upstream}" },
    "bedrock-pii": { kind: "bedrock", upstream: "${upstream}" },
  },
  // Redaction only on the second provider: the first one's streams are relayed as they come.
  pii: {
    mode: "off",
    replacement: { hash_salt: "e2e-salt-0123456789abcdef" },
    scopes: [{ match: { provider: "bedrock-pii" }, mode: "redact_upstream" }],
  },
  routes: {
    "claude-cut": { targets: [{ provider: "bedrock", model: "us.anthropic.claude-sonnet-4-5-cut-v1:0" }] },
  },
  tracing: { flush_interval_ms: 10 },
});
`;

interface Expected {
  path: string;
  streaming: boolean;
  model: string;
  input: number;
  output: number;
  cached: number;
  written: number;
  cost: number;
}

/**
 * Converse on a geographic profile (`us.`): Claude Sonnet 4.5's list prices +10% (AWS: global
 * profiles save ~10% over geographic ones). `inputTokens` excludes the cached parts.
 */
const converseExpected = (path: string, streaming: boolean): Expected => {
  const k = 1.1;
  const u = converseUsage;
  return {
    path,
    streaming,
    model: sonnet,
    input: u.inputTokens + u.cacheReadInputTokens + u.cacheWriteInputTokens,
    output: u.outputTokens,
    cached: u.cacheReadInputTokens,
    written: u.cacheWriteInputTokens,
    cost: perM(u.inputTokens, 3 * k) + perM(u.cacheReadInputTokens, 0.3 * k) +
      perM(u.cacheWriteInputTokens, 3.75 * k) + perM(u.outputTokens, 15 * k),
  };
};

/** Invoke on a global profile: Claude Haiku 4.5 at Anthropic's list prices. */
const invokeExpected = (path: string, streaming: boolean): Expected => {
  const u = invokeUsage;
  return {
    path,
    streaming,
    model: haiku,
    input: u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens,
    output: u.output_tokens,
    cached: u.cache_read_input_tokens,
    written: u.cache_creation_input_tokens,
    cost: perM(u.input_tokens, 1) + perM(u.cache_read_input_tokens, 0.1) +
      perM(u.cache_creation_input_tokens, 1.25) + perM(u.output_tokens, 5),
  };
};

const messages = [{ role: "user" as const, content: [{ text: "Say hello." }] }];
const anthropicBody = JSON.stringify({
  anthropic_version: "bedrock-2023-05-31",
  max_tokens: 256,
  messages: [{ role: "user", content: "Say hello." }],
});

async function withGateway(
  fn: (ctx: {
    server: ServerProcess;
    stub: BedrockStub;
    client: BedrockRuntimeClient;
    piiClient: BedrockRuntimeClient;
  }) => Promise<void>,
  check: (dir: string, server: ServerProcess) => Promise<void>,
) {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-bedrock-" }));
  const stub = startBedrockStub();
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, stub.url));
  const server = await startServer([], { cwd: dir, port });
  const clientAt = (prefix: string) =>
    new BedrockRuntimeClient({
      region: "us-east-1",
      endpoint: `${server.origin}${prefix}`,
      token: { token: apiKey },
      authSchemePreference: ["httpBearerAuth"],
      maxAttempts: 1,
    });
  const client = clientAt("/bedrock");
  const piiClient = clientAt("/bedrock-pii");
  try {
    await fn({ server, stub, client, piiClient });
    await check(dir, server);
  } finally {
    client.destroy();
    piiClient.destroy();
    await server.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("e2e bedrock: the AWS SDK through the gateway with an API key, exact usage and cost", async () => {
  const expected: Expected[] = [];
  const sonnetPath = `/model/${encodeURIComponent(sonnet)}`;
  const haikuPath = `/model/${encodeURIComponent(haiku)}`;
  await withGateway(async ({ stub, client, piiClient }) => {
    // Converse, not streamed.
    const doc = await client.send(new ConverseCommand({ modelId: sonnet, messages }));
    assert.equal(doc.output?.message?.content?.[0]?.text, answerText);
    assert.equal(doc.usage?.cacheReadInputTokens, converseUsage.cacheReadInputTokens);
    expected.push(converseExpected(`/bedrock${sonnetPath}/converse`, false));

    // ConverseStream: the event stream relayed as it came, decoded by the SDK.
    const stream = await client.send(new ConverseStreamCommand({ modelId: sonnet, messages }));
    let text = "";
    let usage: unknown;
    for await (const e of stream.stream!) {
      text += e.contentBlockDelta?.delta?.text ?? "";
      if (e.metadata) usage = e.metadata.usage;
    }
    assert.equal(text, answerText);
    assert.deepEqual(usage, converseUsage);
    expected.push(converseExpected(`/bedrock${sonnetPath}/converse-stream`, true));

    // InvokeModel with an Anthropic Messages body.
    const invoked = await client.send(
      new InvokeModelCommand({
        modelId: haiku,
        body: anthropicBody,
        contentType: "application/json",
        accept: "application/json",
      }),
    );
    const answer = JSON.parse(new TextDecoder().decode(invoked.body));
    assert.equal(answer.content[0].text, answerText);
    expected.push(invokeExpected(`/bedrock${haikuPath}/invoke`, false));

    // InvokeModelWithResponseStream: Anthropic events inside `chunk` messages.
    const chunks = await client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: haiku,
        body: anthropicBody,
        contentType: "application/json",
      }),
    );
    let streamed = "";
    for await (const e of chunks.body!) {
      const inner = JSON.parse(new TextDecoder().decode(e.chunk!.bytes));
      if (inner.type === "content_block_delta") streamed += inner.delta.text;
    }
    assert.equal(streamed, answerText);
    expected.push(invokeExpected(`/bedrock${haikuPath}/invoke-with-response-stream`, true));

    // A routed ConverseStream whose upstream breaks off after the first text: the client got
    // that text, then the gateway's exception message, which the SDK throws.
    const cut = await client.send(new ConverseStreamCommand({ modelId: "claude-cut", messages }));
    let before = "";
    await assert.rejects(
      async () => {
        for await (const e of cut.stream!) before += e.contentBlockDelta?.delta?.text ?? "";
      },
      (err: Error) => {
        assert.equal(err.name, "InternalServerException", String(err));
        assert.match(err.message, /incomplete/);
        return true;
      },
    );
    assert.equal(before, answerText.slice(0, 5));

    // The same cut without a route (no commit point held): the bytes are relayed as they came,
    // the half message included, and the SDK throws on the truncated message.
    const raw = await client.send(
      new ConverseStreamCommand({ modelId: "us.anthropic.claude-sonnet-4-5-cut-v1:0", messages }),
    );
    await assert.rejects(async () => {
      for await (const _ of raw.stream!) { /* read to the end */ }
    }, /Truncated event message received/);

    // The same again under a PII policy (redact_upstream): the event-stream redactor passes
    // whole messages only, and ends the stream with an exception the SDK throws.
    const piiCut = await piiClient.send(
      new ConverseStreamCommand({ modelId: "us.anthropic.claude-sonnet-4-5-cut-v1:0", messages }),
    );
    await assert.rejects(async () => {
      for await (const _ of piiCut.stream!) { /* read to the end */ }
    }, (err: Error) => {
      assert.equal(err.name, "InternalServerException", String(err));
      assert.match(err.message, /ended inside a message/);
      return true;
    });

    // PII (redact_upstream): an address split across two deltas never reaches the client; the
    // SDK still decodes every re-encoded message (their checksums are right).
    const pii = await piiClient.send(
      new ConverseStreamCommand({ modelId: "us.anthropic.claude-sonnet-4-5-pii-v1:0", messages }),
    );
    let redacted = "";
    for await (const e of pii.stream!) redacted += e.contentBlockDelta?.delta?.text ?? "";
    assert.ok(!redacted.includes("john.doe@example.com"), redacted);
    assert.ok(!redacted.includes("example.com"), redacted);
    assert.match(redacted, /^Write to .+ today\.$/);

    // A model Bedrock does not know: the SDK throws its modeled exception, passed through.
    await assert.rejects(
      () => client.send(new ConverseCommand({ modelId: "anthropic.missing-v1:0", messages })),
      (err: Error) => err.name === "ResourceNotFoundException",
    );

    // What Bedrock received: the SDK's paths (ids percent-encoded, the route's target put in
    // the path), the API key as it was sent.
    assert.deepEqual(stub.seen.map((s) => s.path), [
      `${sonnetPath}/converse`,
      `${sonnetPath}/converse-stream`,
      `${haikuPath}/invoke`,
      `${haikuPath}/invoke-with-response-stream`,
      `/model/${encodeURIComponent("us.anthropic.claude-sonnet-4-5-cut-v1:0")}/converse-stream`,
      `/model/${encodeURIComponent("us.anthropic.claude-sonnet-4-5-cut-v1:0")}/converse-stream`,
      `/model/${encodeURIComponent("us.anthropic.claude-sonnet-4-5-cut-v1:0")}/converse-stream`,
      `/model/${encodeURIComponent("us.anthropic.claude-sonnet-4-5-pii-v1:0")}/converse-stream`,
      `/model/${encodeURIComponent("anthropic.missing-v1:0")}/converse`,
    ]);
    for (const s of stub.seen) assert.equal(s.authorization, `Bearer ${apiKey}`);
  }, async (dir, server) => {
    // The four calls, the three cut ones, the PII one and the 404.
    const traces = await allTraces(server.origin, expected.length + 5);
    const isPii = (t: { request_path: string }) => t.request_path.includes("-pii-");
    const isCut = (t: { request_path: string }) => t.request_path.includes("cut");
    const ok = [...traces].reverse().filter((t) =>
      t.response_status === 200 && t.error_code === null && !isPii(t) && !isCut(t)
    );
    assert.equal(ok.length, expected.length, JSON.stringify(traces.map((t) => t.error_code)));
    for (const [i, want] of expected.entries()) {
      const t = ok[i]!;
      const where = `${i}: ${want.path}`;
      assert.equal(t.provider, "bedrock", where);
      assert.equal(t.request_path, want.path, where);
      assert.equal(t.model, want.model, where);
      assert.equal(t.streaming, want.streaming, where);
      assert.equal(t.usage_status, "exact", where);
      assert.equal(t.input_tokens, want.input, where);
      assert.equal(t.output_tokens, want.output, where);
      assert.equal(t.total_tokens, want.input + want.output, where);
      assert.equal(t.cached_input_tokens, want.cached, where);
      assert.equal(t.cache_write_tokens, want.written, where);
      assert.equal(t.reasoning_tokens, 0, where);
      assert.equal(t.cost_status, "priced", where);
      assert.ok(
        Math.abs(t.estimated_cost_usd - want.cost) < 1e-9,
        `${where}: ${t.estimated_cost_usd} vs ${want.cost}`,
      );
      const detail = await (await fetch(`${server.origin}/api/traces/${t.id}`)).json();
      assert.equal(detail.api_key_last4, apiKey.slice(-4), where);
      assert.deepEqual(detail.request_headers["authorization"], ["[REDACTED]"], where);
    }
    // Stream and non-stream agree, for each API.
    for (const [a, b] of [[0, 1], [2, 3]] as const) {
      for (
        const f of ["input_tokens", "output_tokens", "cached_input_tokens", "cache_write_tokens"]
      ) {
        assert.equal(ok[a]![f], ok[b]![f], f);
      }
      assert.equal(ok[a]!.estimated_cost_usd, ok[b]!.estimated_cost_usd);
    }
    // The cut streams are traced as failed, usage unknown: the routed one as truncated; the
    // other as the PII redactor names a stream that ended inside a message (uninspectable).
    const failed = (path: string, prefix = "/bedrock") =>
      traces.find((t) => t.request_path === `${prefix}${path}`);
    const routedCut = failed("/model/claude-cut/converse-stream");
    assert.equal(routedCut?.error_code, "upstream_truncated");
    assert.equal(routedCut?.usage_status, "unknown");
    const cutPath = `/model/${
      encodeURIComponent("us.anthropic.claude-sonnet-4-5-cut-v1:0")
    }/converse-stream`;
    // Relayed as it came: the body ended (no error of the gateway's), without its usage.
    assert.equal(failed(cutPath)?.usage_status, "unknown");
    const piiCut = failed(cutPath, "/bedrock-pii");
    assert.equal(piiCut?.error_code, "pii_uninspectable");
    assert.equal(piiCut?.usage_status, "unknown");
    // The redacted stream's usage is still read exactly (from the bytes the client got).
    const redacted = traces.find(isPii);
    assert.equal(redacted?.usage_status, "exact");
    assert.equal(redacted?.input_tokens, converseExpected("", true).input);
    const missing = traces.find((t) => t.response_status === 404);
    assert.equal(missing?.usage_status, "none");

    const stopped = await server.stop("SIGTERM");
    assert.equal(stopped.code, 0, stopped.logs);
    assert.ok(!stopped.logs.includes(apiKey));
    for await (const entry of Deno.readDir(join(dir, "data"))) {
      const bytes = new TextDecoder("latin1").decode(
        await Deno.readFile(join(dir, "data", entry.name)),
      );
      assert.ok(!bytes.includes(apiKey.slice(0, -4)), `${entry.name} holds the raw key`);
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
