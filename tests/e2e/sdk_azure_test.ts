/**
 * Azure OpenAI end to end, as a user runs it: `src/main.ts serve` as a subprocess with a provider
 * of kind `azure-openai` (its prefix `/azure`, `deployments` mapping two deployment names), a
 * loopback upstream answering with Azure's recorded shapes (tests/testdata/azure/), and the
 * official `openai` package's `AzureOpenAI` client pointed at the gateway's prefix as its
 * `endpoint`. Chat not streamed and streamed, embeddings, a path Azure has no form of; then the
 * traces through the API (model, usage, cost computed here from the price list by hand) and the
 * data files searched for the raw key.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { AzureOpenAI } from "openai";
import { freePort, type ServerProcess, startServer } from "../support/process.ts";

const azureKey = "5f2b8c1e9a7d4036b1e8c2f7a9d05e3c";
const apiVersion = "2024-10-21";
const fixtures = new URL("../testdata/azure/", import.meta.url);
const perM = (tokens: number, usd: number) => (tokens * usd) / 1e6;

interface Seen {
  method: string;
  path: string;
  search: string;
  apiKey: string | null;
  authorization: string | null;
  body: Record<string, unknown> | null;
}

/** Answers as Azure does, by the deployment path's operation; records what it was sent. */
function startAzureStub(): { url: string; seen: Seen[]; close(): Promise<void> } {
  const seen: Seen[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const text = await req.text();
    const body = text === "" ? null : JSON.parse(text) as Record<string, unknown>;
    seen.push({
      method: req.method,
      path: url.pathname,
      search: url.search,
      apiKey: req.headers.get("api-key"),
      authorization: req.headers.get("authorization"),
      body,
    });
    const json = (name: string) =>
      Deno.readTextFile(new URL(name, fixtures)).then((t) =>
        new Response(t, { headers: { "content-type": "application/json" } })
      );
    if (url.pathname.endsWith("/embeddings")) return await json("embeddings.json");
    if (url.pathname.endsWith("/chat/completions")) {
      if (body?.stream !== true) return await json("chat_document.json");
      const withUsage = (body.stream_options as { include_usage?: boolean } | undefined)
        ?.include_usage === true;
      const name = withUsage ? "chat_stream_usage.sse" : "chat_stream_no_usage.sse";
      return new Response(await Deno.readTextFile(new URL(name, fixtures)), {
        headers: { "content-type": "text/event-stream; charset=utf-8" },
      });
    }
    return new Response(await Deno.readTextFile(new URL("error_404_deployment.json", fixtures)), {
      status: 404,
      headers: { "content-type": "application/json" },
    });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    close: () => server.shutdown(),
  };
}

const config = (port: number, upstream: string) =>
  `import { defineConfig } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { path: "./data/ongoingai.db" },
  providers: {
    azure: {
      kind: "azure-openai",
      upstream: "${upstream}",
      deployments: { reasoner: "o4-mini", "prod-4o": "gpt-4o", emb: "text-embedding-3-small" },
    },
  },
  tracing: { flush_interval_ms: 10 },
});
`;

async function withGateway(
  fn: (ctx: { server: ServerProcess; stub: ReturnType<typeof startAzureStub> }) => Promise<void>,
  check: (dir: string, server: ServerProcess) => Promise<void>,
) {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-azure-" }));
  const stub = startAzureStub();
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, stub.url));
  const server = await startServer([], { cwd: dir, port });
  try {
    await fn({ server, stub });
    await check(dir, server);
  } finally {
    await server.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
}

interface Expected {
  path: string;
  streaming: boolean;
  model: string;
  deployment: string;
  input: number;
  output: number;
  cached: number;
  reasoning: number;
  cost: number;
}

Deno.test("e2e azure: AzureOpenAI through the gateway, deployments priced, key never stored", async () => {
  const expected: Expected[] = [];
  await withGateway(async ({ server, stub }) => {
    const client = new AzureOpenAI({
      endpoint: `${server.origin}/azure`,
      apiKey: azureKey,
      apiVersion,
      maxRetries: 0,
    });

    // Chat, not streamed: deployment `reasoner` is mapped to o4-mini (the answer names the
    // dated model; the trace records the operator's mapping, priced as it).
    const doc = await client.chat.completions.create({
      model: "reasoner",
      messages: [{ role: "user", content: "When?" }],
    });
    assert.equal(doc.choices[0]!.message.content, "Three months before.");
    assert.equal(doc.usage?.prompt_tokens_details?.cached_tokens, 256);
    expected.push({
      path: "/azure/openai/deployments/reasoner/chat/completions",
      streaming: false,
      model: "o4-mini",
      deployment: "reasoner",
      input: 500,
      output: 900,
      cached: 256,
      reasoning: 640,
      cost: perM(500 - 256, 1.1) + perM(256, 0.275) + perM(900, 4.4),
    });

    // Chat, streamed, the client asking for no usage: the gateway adds `stream_options` (this
    // api-version accepts it), reads the usage chunk and hides it from the client.
    let text = "";
    for await (
      const chunk of await client.chat.completions.create({
        model: "prod-4o",
        messages: [{ role: "user", content: "When?" }],
        stream: true,
      })
    ) {
      assert.equal(chunk.usage ?? null, null, "no usage chunk reaches a client that did not ask");
      text += chunk.choices[0]?.delta?.content ?? "";
    }
    assert.equal(text, "Three months before.");
    const streamCost = perM(1200 - 1024, 2.5) + perM(1024, 1.25) + perM(80, 10);
    expected.push({
      path: "/azure/openai/deployments/prod-4o/chat/completions",
      streaming: true,
      model: "gpt-4o",
      deployment: "prod-4o",
      input: 1200,
      output: 80,
      cached: 1024,
      reasoning: 0,
      cost: streamCost,
    });

    // A client that asked for usage gets the chunk, with the figures it carried.
    let usage: { prompt_tokens: number; completion_tokens: number } | null = null;
    for await (
      const chunk of await client.chat.completions.create({
        model: "prod-4o",
        messages: [{ role: "user", content: "When?" }],
        stream: true,
        stream_options: { include_usage: true },
      })
    ) if (chunk.usage) usage = chunk.usage;
    assert.deepEqual(
      usage && [usage.prompt_tokens, usage.completion_tokens],
      [1200, 80],
    );
    expected.push({ ...expected.at(-1)! });

    // Embeddings on a mapped deployment.
    const emb = await client.embeddings.create({ model: "emb", input: "hi" });
    assert.equal(emb.data.length, 1);
    expected.push({
      path: "/azure/openai/deployments/emb/embeddings",
      streaming: false,
      model: "text-embedding-3-small",
      deployment: "emb",
      input: 8,
      output: 0,
      cached: 0,
      reasoning: 0,
      cost: perM(8, 0.02),
    });

    // What Azure received: the SDK's paths and api-version unchanged, the client's key as
    // `api-key`, `stream_options` added only where the client did not ask.
    assert.equal(stub.seen.length, 4);
    for (const s of stub.seen) {
      assert.equal(s.search, `?api-version=${apiVersion}`);
      assert.equal(s.apiKey, azureKey);
      assert.equal(s.authorization, null);
    }
    assert.deepEqual(
      stub.seen.map((s) => s.path),
      expected.map((e) => e.path.slice("/azure".length)),
    );
    assert.equal(stub.seen[0]!.body?.stream_options, undefined);
    assert.deepEqual(stub.seen[1]!.body?.stream_options, { include_usage: true });
    assert.deepEqual(stub.seen[2]!.body?.stream_options, { include_usage: true });

    // A path Azure has no form of is refused by the gateway, never sent.
    const wrong = await fetch(`${server.origin}/azure/v2/chat/completions`, {
      method: "POST",
      headers: { "api-key": azureKey, "content-type": "application/json" },
      body: JSON.stringify({ model: "prod-4o", messages: [] }),
    });
    assert.equal(wrong.status, 400);
    const err = await wrong.json();
    assert.equal(err.error.code, "invalid_provider_path");
    assert.match(err.error.message, /does not start with \/openai; expected \/openai\/deployments/);
    const badVersion = await fetch(
      `${server.origin}/azure/openai/deployments/prod-4o/chat/completions?api-version=soon`,
      {
        method: "POST",
        headers: { "api-key": azureKey, "content-type": "application/json" },
        body: JSON.stringify({ messages: [] }),
      },
    );
    assert.equal(badVersion.status, 400);
    assert.match((await badVersion.json()).error.message, /send a date such as 2024-10-21/);
    assert.equal(stub.seen.length, 4, "refused paths never reach Azure");
  }, async (dir, server) => {
    // Every forwarded request is one trace; the two refusals are traced as bad requests.
    const traces = await allTraces(server.origin, expected.length + 2);
    const forwarded = [...traces].reverse().filter((t) => t.response_status === 200);
    assert.equal(forwarded.length, expected.length);
    for (const [i, want] of expected.entries()) {
      const t = forwarded[i]!;
      const where = `${i}: ${want.path}`;
      assert.equal(t.provider, "azure", where);
      assert.equal(t.request_path, want.path, where);
      assert.equal(t.model, want.model, where);
      assert.equal(t.streaming, want.streaming, where);
      assert.equal(t.usage_status, "exact", where);
      assert.equal(t.input_tokens, want.input, where);
      assert.equal(t.output_tokens, want.output, where);
      assert.equal(t.total_tokens, want.input + want.output, where);
      assert.equal(t.cached_input_tokens, want.cached, where);
      assert.equal(t.cache_write_tokens, 0, where);
      assert.equal(t.reasoning_tokens, want.reasoning, where);
      assert.equal(t.cost_status, "priced", where);
      assert.ok(
        Math.abs(t.estimated_cost_usd - want.cost) < 1e-12,
        `${where}: ${t.estimated_cost_usd} vs ${want.cost}`,
      );
      const detail = await (await fetch(`${server.origin}/api/traces/${t.id}`)).json();
      assert.equal(detail.metadata.azure_deployment, want.deployment, where);
      assert.equal(detail.api_key_last4, azureKey.slice(-4), where);
      assert.deepEqual(detail.request_headers["api-key"], ["[REDACTED]"], where);
    }
    const refused = traces.filter((t) => t.response_status === 400);
    assert.equal(refused.length, 2);
    assert.ok(refused.every((t) => t.error_code === "bad_request"));

    // Stopped gracefully, the raw key is in no data file (its fingerprint only).
    const stopped = await server.stop("SIGTERM");
    assert.equal(stopped.code, 0, stopped.logs);
    assert.ok(!stopped.logs.includes(azureKey));
    for await (const entry of Deno.readDir(join(dir, "data"))) {
      const bytes = new TextDecoder("latin1").decode(
        await Deno.readFile(join(dir, "data", entry.name)),
      );
      assert.ok(!bytes.includes(azureKey.slice(0, -4)), `${entry.name} holds the raw key`);
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
