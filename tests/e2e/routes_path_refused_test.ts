/**
 * A route mixing an `azure-openai` target with an `openai` one, end to end: `src/main.ts serve` as
 * a subprocess, one loopback upstream standing for both providers (Azure under `/z`, OpenAI under
 * `/o`, answering OpenAI's chat document), and the official `openai` SDK at the root `/v1` sending
 * no provider key (both targets use their pool keys: a loopback gateway lets pools serve). Azure
 * has no form of `/v1/chat/completions`, so its attempt is never sent: the attempt record says
 * `path_refused` and the OpenAI target answers. A route whose only target refuses answers the
 * client `invalid_provider_path`, naming the target and why. When the last target refuses after an
 * earlier one failed, that failure (OpenAI's 429) is the client's answer and the trace names the
 * target that gave it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import OpenAI from "openai";
import { freePort, startServer } from "../support/process.ts";

const poolKey = "sk-proj-PATHREFUSEDPOOLKEY0123456789abcd";
const azureKey = "3c1e9a7d40365f2b8c1eb1e8c2f7a9d0";

interface Seen {
  path: string;
  authorization: string | null;
  model: unknown;
}

function startStub(): { url: string; seen: Seen[]; close(): Promise<void> } {
  const seen: Seen[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const body = await req.json() as { model?: unknown };
    seen.push({
      path: new URL(req.url).pathname,
      authorization: req.headers.get("authorization"),
      model: body.model,
    });
    // OpenAI's rate-limit answer, for the model the `busy` route sends.
    if (body.model === "gpt-4o-busy") {
      return Response.json({
        error: {
          message: "Rate limit reached for gpt-4o-busy",
          type: "requests",
          param: null,
          code: "rate_limit_exceeded",
        },
      }, { status: 429, headers: { "retry-after": "60" } });
    }
    return Response.json({
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1,
      model: "gpt-4o-2024-08-06",
      choices: [{
        index: 0,
        message: { role: "assistant", content: "Three months before." },
        finish_reason: "stop",
      }],
      usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
    });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, seen, close: () => server.shutdown() };
}

const config = (port: number, up: string) =>
  `import { defineConfig, env } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { path: "./data/ongoingai.db" },
  providers: {
    openai: { upstream: "${up}/o", keys: [{ id: "k1", key: env("POOL_KEY") }] },
    az: {
      kind: "azure-openai",
      upstream: "${up}/z",
      deployments: { "prod-4o": "gpt-4o" },
      keys: [{ id: "z1", key: env("AZURE_KEY") }],
    },
  },
  routes: {
    mixed: {
      targets: [{ provider: "az", model: "prod-4o" }, { provider: "openai", model: "gpt-4o" }],
      retry: { attempts: 3, backoff_ms: 10, max_backoff_ms: 20 },
    },
    azonly: {
      targets: [{ provider: "az", model: "prod-4o" }],
      retry: { attempts: 3, backoff_ms: 10, max_backoff_ms: 20 },
    },
    busy: {
      targets: [{ provider: "openai", model: "gpt-4o-busy" }, { provider: "az", model: "prod-4o" }],
      retry: { attempts: 1 },
    },
  },
  tracing: { flush_interval_ms: 10 },
});
`;

interface AttemptRow {
  provider: string;
  model: string;
  key_id: string | null;
  outcome: string;
  status: number | null;
  reason: string | null;
  committed: boolean;
}

interface TraceDetail {
  response_status: number;
  error_code: string | null;
  attempts: AttemptRow[] | null;
}

async function routeTrace(origin: string, route: string): Promise<TraceDetail> {
  for (let i = 0; i < 200; i++) {
    const page = await (await fetch(`${origin}/api/traces?route=${route}&limit=1`)).json();
    const items = (page.items ?? page.traces ?? page.data) as { id: string }[];
    if (items.length > 0) return await (await fetch(`${origin}/api/traces/${items[0]!.id}`)).json();
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no trace of route ${route} recorded`);
}

const row = (
  a: AttemptRow,
) => [a.provider, a.model, a.key_id, a.outcome, a.status, a.reason, a.committed];

Deno.test("e2e routes: an Azure target that cannot read the path is skipped (path_refused)", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-pathrefused-" }));
  const stub = startStub();
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, stub.url));
  const server = await startServer([], {
    cwd: dir,
    port,
    env: { POOL_KEY: poolKey, AZURE_KEY: azureKey },
  });
  try {
    // No provider key from the client (the SDK's Authorization header removed): pool keys serve.
    const client = new OpenAI({
      apiKey: "unused",
      baseURL: `${server.origin}/v1`,
      maxRetries: 0,
      defaultHeaders: { authorization: null },
    });
    const doc = await client.chat.completions.create({
      model: "mixed",
      messages: [{ role: "user", content: "When?" }],
    });
    assert.equal(doc.choices[0]!.message.content, "Three months before.");
    // Only the OpenAI target was sent anything, with its model and its pool key.
    assert.deepEqual(stub.seen, [{
      path: "/o/v1/chat/completions",
      authorization: `Bearer ${poolKey}`,
      model: "gpt-4o",
    }]);
    const mixed = await routeTrace(server.origin, "mixed");
    assert.equal(mixed.response_status, 200);
    assert.deepEqual(mixed.attempts!.map(row), [
      ["az", "prod-4o", "z1", "path_refused", null, "path_refused", false],
      ["openai", "gpt-4o", "k1", "success", 200, null, true],
    ]);

    // The only target refuses: the client is told which and why, and nothing was sent.
    const res = await fetch(`${server.origin}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "azonly", messages: [{ role: "user", content: "When?" }] }),
    });
    assert.equal(res.status, 400);
    const err = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(err.error.code, "invalid_provider_path");
    assert.match(err.error.message, /route azonly has no target that can read this path/);
    assert.match(err.error.message, /providers\.az \(kind azure-openai\): .*\/openai/);
    assert.equal(stub.seen.length, 1, "nothing more was sent upstream");
    const only = await routeTrace(server.origin, "azonly");
    assert.equal(only.error_code, "bad_request", "the errors table traces it as a bad request");
    // One attempt: a refused target is never tried again, whatever retry.attempts says.
    assert.deepEqual(only.attempts!.map(row), [
      ["az", "prod-4o", "z1", "path_refused", null, "path_refused_no_target_left", false],
    ]);

    // OpenAI answers 429, then the last target refuses the path: OpenAI's answer is the client's,
    // and the trace is OpenAI's (last: the 429 cools the pool key down for the other routes).
    const busy = await fetch(`${server.origin}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "busy", messages: [{ role: "user", content: "When?" }] }),
    });
    assert.equal(busy.status, 429);
    assert.equal(busy.headers.get("retry-after"), "60");
    const limited = (await busy.json()) as { error: { code: string } };
    assert.equal(limited.error.code, "rate_limit_exceeded");
    assert.equal(stub.seen.length, 2, "only OpenAI was sent the busy request");
    const replayed = await routeTrace(server.origin, "busy") as TraceDetail & {
      provider: string;
      model: string;
    };
    assert.equal(replayed.provider, "openai", "the provider that answered");
    assert.equal(replayed.model, "gpt-4o-busy");
    assert.equal(replayed.response_status, 429);
    assert.deepEqual(replayed.attempts!.map((a) => [a.provider, a.outcome, a.status]), [
      ["openai", "status", 429],
      ["az", "path_refused", null],
    ]);
  } finally {
    await server.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
});
