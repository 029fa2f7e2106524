/**
 * Routes end to end: `src/main.ts serve` as a subprocess with a TypeScript config naming routes
 * and a key pool, a scripted loopback upstream in the OpenAI wire format, and the official
 * `openai` SDK as the client (its own retries off, so every retry seen is the gateway's).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { freePort, type ServerProcess, startServer } from "../support/process.ts";
import { type ScriptedUpstream, startScriptedUpstream } from "../support/scripted_upstream.ts";

const clientKey = "sk-proj-ROUTECLIENTKEY0123456789abcdefWXYZ";
const anthropicKey = "sk-ant-api03-ROUTECLIENTKEY0123456789-abcdQRST";
const poolA = "sk-proj-POOLKEYA0123456789abcdefghijkl";
const poolB = "sk-proj-POOLKEYB0123456789abcdefghijkl";
const poolC = "sk-proj-POOLKEYC0123456789abcdefghijkl";
const poolD = "sk-proj-POOLKEYD0123456789abcdefghijkl";
const poolE = "sk-proj-POOLKEYE0123456789abcdefghijkl";

const config = (port: number, up: string, mute: string) =>
  `import { defineConfig, env } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { path: "./data/ongoingai.db" },
  providers: {
    openai: { upstream: "${up}/a" },
    anthropic: { upstream: "${up}/c" },
    backup: {
      kind: "openai-compatible",
      upstream: "${up}/b",
      keys: [{ id: "ke", key: env("POOL_KEY_E") }],
    },
    // Nothing listens there: connecting is refused.
    dead: {
      kind: "openai-compatible",
      upstream: "http://127.0.0.1:9",
      keys: [{ id: "kx", key: env("POOL_KEY_E") }],
    },
    // Accepts TCP but never speaks TLS: connecting (TCP and TLS) never completes.
    mute: {
      kind: "openai-compatible",
      upstream: "${mute}",
      keys: [{ id: "km", key: env("POOL_KEY_E") }],
    },
    pool: {
      kind: "openai-compatible",
      upstream: "${up}/p",
      keys: [{ id: "ka", key: env("POOL_KEY_A") }, { id: "kb", key: env("POOL_KEY_B") }],
    },
    pool2: {
      kind: "openai-compatible",
      upstream: "${up}/q",
      keys: [{ id: "kc", key: env("POOL_KEY_C") }, { id: "kd", key: env("POOL_KEY_D") }],
    },
  },
  routes: {
    "gpt-main": {
      targets: [
        { provider: "openai", model: "gpt-4o-mini" },
        { provider: "openai", model: "gpt-4o" },
      ],
      retry: { attempts: 2, backoff_ms: 10, max_backoff_ms: 20, max_retry_after_ms: 5000 },
      timeouts: { first_token_ms: 2000 },
    },
    cross: {
      targets: [
        { provider: "openai", model: "gpt-4o-mini" },
        { provider: "backup", model: "backup-model" },
      ],
      retry: { attempts: 1 },
    },
    fast: {
      targets: [
        { provider: "openai", model: "gpt-4o-mini" },
        { provider: "openai", model: "gpt-4o" },
      ],
      retry: { attempts: 1 },
      timeouts: { first_byte_ms: 400, first_token_ms: 400, idle_ms: 400 },
    },
    guarded: {
      targets: [
        { provider: "openai", model: "o4-mini" },
        { provider: "openai", model: "gpt-4o" },
      ],
      retry: { attempts: 1 },
      circuit_breaker: { failures: 1, open_ms: 60000 },
    },
    batch: {
      targets: [
        { provider: "openai", model: "gpt-4o-mini" },
        { provider: "openai", model: "gpt-4o" },
      ],
      retry: { attempts: 1 },
      stream_commit: "complete",
    },
    "claude-main": {
      targets: [
        { provider: "anthropic", model: "claude-3-5-haiku-latest" },
        { provider: "anthropic", model: "claude-3-5-sonnet-latest" },
      ],
      retry: { attempts: 1 },
    },
    deadfirst: {
      targets: [
        { provider: "dead", model: "gpt-4o" },
        { provider: "backup", model: "backup-model" },
      ],
      retry: { attempts: 2, backoff_ms: 10, max_backoff_ms: 20 },
    },
    // One target: nothing can fail over from its attempts, so the header and first-token limits
    // (and the idle limit before the commit point) are lifted up to the total budget (the last possible attempt is never cut short by a limit it cannot beat).
    patient: {
      targets: [{ provider: "openai", model: "gpt-4o-mini" }],
      retry: { attempts: 2 },
      timeouts: { first_byte_ms: 100, first_token_ms: 100, idle_ms: 100, total_ms: 1500 },
    },
    slowconnect: {
      targets: [
        { provider: "mute", model: "gpt-4o" },
        { provider: "backup", model: "backup-model" },
      ],
      retry: { attempts: 2, backoff_ms: 10, max_backoff_ms: 20 },
      timeouts: { connect_ms: 200, first_byte_ms: 30000 },
    },
    pooled2: {
      targets: [{ provider: "pool2", model: "gpt-4o" }],
      retry: { attempts: 1 },
    },
    pooled: {
      targets: [{ provider: "pool", model: "gpt-4o" }],
      retry: { attempts: 1 },
    },
  },
  tracing: { flush_interval_ms: 10 },
  observability: { prometheus: { enabled: true, path: "/metrics" } },
});
`;

interface Ctx {
  server: ServerProcess;
  up: ScriptedUpstream;
  openai: OpenAI;
}

async function withGateway(fn: (ctx: Ctx) => Promise<void>) {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-routes-" }));
  const up = startScriptedUpstream();
  const mute = muteTls();
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, up.url, mute.url));
  const server = await startServer([], {
    cwd: dir,
    port,
    env: {
      POOL_KEY_A: poolA,
      POOL_KEY_B: poolB,
      POOL_KEY_C: poolC,
      POOL_KEY_D: poolD,
      POOL_KEY_E: poolE,
    },
  });
  const openai = new OpenAI({
    apiKey: clientKey,
    baseURL: `${server.origin}/openai/v1`,
    maxRetries: 0,
  });
  try {
    await fn({ server, up, openai });
  } finally {
    await server.kill();
    await up.close();
    await mute.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const ask = { messages: [{ role: "user" as const, content: "hi" }] };

/** A loopback listener that accepts TCP and never answers: a TLS handshake with it hangs. */
function muteTls(): { url: string; close(): Promise<void> } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const accepting = (async () => {
    for await (const conn of listener) conns.add(conn);
  })().catch(() => {});
  return {
    url: `https://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    async close() {
      listener.close();
      for (const c of conns) c.close();
      await accepting;
    },
  };
}

/** Requests the upstream saw since `from`, as "prefix model". */
const seenSince = (up: ScriptedUpstream, from: number) =>
  up.seen.slice(from).map((r) => `${r.path.split("/")[1]} ${r.body.model}`);

interface AttemptRow {
  provider: string;
  model: string;
  outcome: string;
  status: number | null;
  reason: string | null;
  timeout_phase: string | null;
  committed: boolean;
}

interface TraceDetail {
  error_code: string | null;
  response_status: number;
  metadata: Record<string, unknown>;
  attempts: AttemptRow[] | null;
}

/** The newest `count` traces of a route, in detail, newest first. */
async function routeTraces(origin: string, route: string, count: number): Promise<TraceDetail[]> {
  for (let i = 0; i < 200; i++) {
    const page = await (await fetch(`${origin}/api/traces?route=${route}&limit=${count}`)).json();
    const items = (page.items ?? page.traces ?? page.data) as TraceRow[];
    if (items.length >= count) {
      return await Promise.all(
        items.map(async (t) => await (await fetch(`${origin}/api/traces/${t.id}`)).json()),
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`fewer than ${count} traces of route ${route} recorded`);
}

/** An attempt record as [model, outcome, timeout_phase, committed]. */
const phaseRow = (a: AttemptRow) => [a.model, a.outcome, a.timeout_phase, a.committed];

interface TraceRow {
  id: string;
  provider: string;
  model: string | null;
  request_model: string | null;
  response_status: number;
  error_code: string | null;
  estimated_cost_usd: number | null;
}

async function lastTrace(origin: string, count: number): Promise<TraceRow> {
  for (let i = 0; i < 200; i++) {
    const page = await (await fetch(`${origin}/api/traces?limit=200`)).json();
    const items = (page.items ?? page.traces ?? page.data) as TraceRow[];
    if (items.length >= count) return items[0]!;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`fewer than ${count} traces recorded`);
}

Deno.test("e2e routes: fallback, retries, pass-through, stream commit, model rewrite, key pools", async (t) => {
  await withGateway(async ({ server, up, openai }) => {
    let traces = 0;

    await t.step("an unrouted model goes through as sent, byte for byte", async () => {
      const from = up.seen.length;
      const res = await openai.chat.completions.create({ model: "gpt-4.1", ...ask });
      assert.equal(res.choices[0]!.message.content, "answer from gpt-4.1");
      assert.deepEqual(seenSince(up, from), ["a gpt-4.1"]);
      assert.equal(up.seen[from]!.headers.get("authorization"), `Bearer ${clientKey}`);
      traces++;
    });

    await t.step("fallback on 503: the next target answers, with its model", async () => {
      up.script(
        "gpt-4o-mini",
        ...[1, 2].map(() => ({
          kind: "status" as const,
          status: 503,
          body: { error: { message: "overloaded", type: "server_error", code: null } },
        })),
      );
      const from = up.seen.length;
      const res = await openai.chat.completions.create({ model: "gpt-main", ...ask });
      assert.equal(res.choices[0]!.message.content, "answer from gpt-4o");
      assert.deepEqual(seenSince(up, from), ["a gpt-4o-mini", "a gpt-4o-mini", "a gpt-4o"]);
      // The model is rewritten per target; the rest of the body is the client's.
      assert.deepEqual(up.seen.at(-1)!.body.messages, ask.messages);
      const trace = await lastTrace(server.origin, ++traces);
      assert.equal(trace.provider, "openai");
      assert.equal(trace.model, "gpt-4o");
      assert.equal(trace.response_status, 200);
      assert.ok(trace.estimated_cost_usd !== null && trace.estimated_cost_usd > 0);
      // The attempts are in the trace, and counted in the metrics.
      const detail = await (await fetch(`${server.origin}/api/traces/${trace.id}`)).json();
      assert.equal(detail.route, "gpt-main");
      assert.equal(detail.attempt_count, 3);
      assert.deepEqual(
        detail.attempts.map((a: AttemptRow) => [a.model, a.outcome, a.status, a.committed]),
        [
          ["gpt-4o-mini", "status", 503, false],
          ["gpt-4o-mini", "status", 503, false],
          ["gpt-4o", "success", 200, true],
        ],
      );
      const scrape = await (await fetch(`${server.origin}/metrics`)).text();
      assert.match(
        scrape,
        /ongoingai_routing_attempts_total\{[^}]*model="gpt-4o-mini"[^}]*outcome="status_5xx"[^}]*\} 2/,
      );
      assert.match(
        scrape,
        /ongoingai_routing_failovers_total\{[^}]*from_target="openai\/gpt-4o-mini"[^}]*to_target="openai\/gpt-4o"[^}]*\} 1/,
      );
    });

    await t.step("a JSON answer cut after its headers fails over", async () => {
      up.script("gpt-4o-mini", { kind: "cut_json" }, { kind: "cut_json" });
      const from = up.seen.length;
      const res = await openai.chat.completions.create({ model: "gpt-main", ...ask });
      assert.equal(res.choices[0]!.message.content, "answer from gpt-4o");
      assert.deepEqual(seenSince(up, from), ["a gpt-4o-mini", "a gpt-4o-mini", "a gpt-4o"]);
      traces++;
    });

    await t.step("circuit breaker: an open target is skipped", async () => {
      // Breakers are per target (provider and model), whichever route uses it.
      up.script("o4-mini", {
        kind: "status",
        status: 500,
        body: { error: { message: "boom", type: "server_error", code: null } },
      });
      const from = up.seen.length;
      for (let i = 0; i < 2; i++) {
        const res = await openai.chat.completions.create({ model: "guarded", ...ask });
        assert.equal(res.choices[0]!.message.content, "answer from gpt-4o");
      }
      assert.deepEqual(seenSince(up, from), ["a o4-mini", "a gpt-4o", "a gpt-4o"]);
      traces += 2;
    });

    await t.step("429 with Retry-After: the same target again, after the wait", async () => {
      up.script("gpt-4o-mini", {
        kind: "status",
        status: 429,
        headers: { "retry-after": "1" },
        body: { error: { message: "slow down", type: "requests", code: "rate_limit_exceeded" } },
      });
      const from = up.seen.length;
      const res = await openai.chat.completions.create({ model: "gpt-main", ...ask });
      assert.equal(res.choices[0]!.message.content, "answer from gpt-4o-mini");
      assert.deepEqual(seenSince(up, from), ["a gpt-4o-mini", "a gpt-4o-mini"]);
      // A lower bound only: the retry cannot come before the upstream's Retry-After.
      const gap = up.seen[from + 1]!.at - up.seen[from]!.at;
      assert.ok(gap >= 950, `retried after ${gap} ms, before Retry-After: 1`);
      traces++;
    });

    await t.step("400 context_length_exceeded: passed through, never retried", async () => {
      up.script("gpt-4o-mini", {
        kind: "status",
        status: 400,
        body: {
          error: {
            message: "This model's maximum context length is 128000 tokens.",
            type: "invalid_request_error",
            code: "context_length_exceeded",
            param: "messages",
          },
        },
      });
      const from = up.seen.length;
      await assert.rejects(
        openai.chat.completions.create({ model: "gpt-main", ...ask }),
        (err: unknown) => {
          assert.ok(err instanceof OpenAI.BadRequestError);
          assert.equal(err.code, "context_length_exceeded");
          return true;
        },
      );
      assert.deepEqual(seenSince(up, from), ["a gpt-4o-mini"]);
      traces++;
    });

    await t.step("a stream cut before its first content fails over invisibly", async () => {
      up.script("gpt-4o-mini", { kind: "cut_before_content" }, { kind: "cut_before_content" });
      const from = up.seen.length;
      let text = "";
      const stream = await openai.chat.completions.create({
        model: "gpt-main",
        ...ask,
        stream: true,
      });
      for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
      assert.equal(text, "answer from gpt-4o");
      assert.deepEqual(seenSince(up, from), ["a gpt-4o-mini", "a gpt-4o-mini", "a gpt-4o"]);
      const trace = await lastTrace(server.origin, ++traces);
      assert.equal(trace.model, "gpt-4o");
      assert.equal(trace.error_code, null);
    });

    await t.step("a stream cut after its commit ends with an error the SDK raises", async () => {
      up.script("gpt-4o-mini", { kind: "cut_after_content", text: "partial" });
      const from = up.seen.length;
      let text = "";
      const stream = await openai.chat.completions.create({
        model: "gpt-main",
        ...ask,
        stream: true,
      });
      await assert.rejects(async () => {
        for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
      }, (err: unknown) => {
        assert.ok(err instanceof OpenAI.APIError, String(err));
        assert.match(String(err.message), /broke off/);
        return true;
      });
      assert.equal(text, "partial");
      assert.deepEqual(seenSince(up, from), ["a gpt-4o-mini"]);
      const trace = await lastTrace(server.origin, ++traces);
      assert.equal(trace.error_code, "upstream_truncated");
    });

    await t.step("a cut inside an event after commit: the SDK still gets the error", async () => {
      up.script("gpt-4o-mini", { kind: "cut_mid_event", text: "partial" });
      let text = "";
      const stream = await openai.chat.completions.create({
        model: "gpt-main",
        ...ask,
        stream: true,
      });
      await assert.rejects(async () => {
        for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
      }, (err: unknown) => err instanceof OpenAI.APIError && /broke off/.test(err.message));
      assert.equal(text, "partial");
      traces++;
    });

    await t.step("the client's key never goes to another provider", async () => {
      up.script("gpt-4o-mini", {
        kind: "status",
        status: 503,
        body: { error: { message: "down", type: "server_error", code: null } },
      });
      const from = up.seen.length;
      await assert.rejects(
        openai.chat.completions.create({ model: "cross", ...ask }),
        (err: unknown) => err instanceof OpenAI.APIError && err.status === 503,
      );
      assert.deepEqual(seenSince(up, from), ["a gpt-4o-mini"]);
      traces++;
    });

    await t.step("timeouts: headers, first token, then idle after commit", async () => {
      up.script("gpt-4o-mini", { kind: "silent" }, { kind: "stall_before_content" }, {
        kind: "stall_after_content",
        text: "partial",
      });
      const from = up.seen.length;
      const res = await openai.chat.completions.create({ model: "fast", ...ask });
      assert.equal(res.choices[0]!.message.content, "answer from gpt-4o");
      let text = "";
      for await (
        const c of await openai.chat.completions.create({ model: "fast", ...ask, stream: true })
      ) text += c.choices[0]?.delta.content ?? "";
      assert.equal(text, "answer from gpt-4o");
      text = "";
      const stalled = await openai.chat.completions.create({ model: "fast", ...ask, stream: true });
      await assert.rejects(async () => {
        for await (const c of stalled) text += c.choices[0]?.delta.content ?? "";
      }, (err: unknown) => err instanceof OpenAI.APIError && /idle timeout/.test(err.message));
      assert.equal(text, "partial");
      assert.deepEqual(seenSince(up, from), [
        "a gpt-4o-mini",
        "a gpt-4o",
        "a gpt-4o-mini",
        "a gpt-4o",
        "a gpt-4o-mini",
      ]);
      const trace = await lastTrace(server.origin, traces += 3);
      assert.equal(trace.error_code, "upstream_idle_timeout");
      // Each attempt record names the limit that ended it; the trace names the one that ended
      // the request, in the words of unrouted traces (idle).
      const [idle, firstToken, headers] = await routeTraces(server.origin, "fast", 3);
      assert.deepEqual(headers!.attempts!.map(phaseRow), [
        ["gpt-4o-mini", "timeout", "first_byte", false],
        ["gpt-4o", "success", null, true],
      ]);
      assert.equal(headers!.attempts![0]!.reason, "timeout_first_byte");
      assert.equal(headers!.error_code, null);
      assert.equal("timeout_phase" in headers!.metadata, false, "answered: no timeout phase");
      assert.deepEqual(firstToken!.attempts!.map(phaseRow), [
        ["gpt-4o-mini", "timeout", "first_token", false],
        ["gpt-4o", "success", null, true],
      ]);
      assert.equal("timeout_phase" in firstToken!.metadata, false);
      // The stalled stream was committed: its record says success, and the limit that cut it.
      assert.deepEqual(idle!.attempts!.map(phaseRow), [["gpt-4o-mini", "success", "idle", true]]);
      assert.equal(idle!.error_code, "upstream_idle_timeout");
      assert.equal(idle!.metadata.timeout_phase, "idle");
    });

    await t.step("timeouts: every target silent, the trace names the header limit", async () => {
      up.script("gpt-4o-mini", { kind: "silent" });
      up.script("gpt-4o", { kind: "silent" });
      const res = await fetch(`${server.origin}/openai/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${clientKey}` },
        body: JSON.stringify({ model: "fast", ...ask }),
      });
      assert.equal(res.status, 504, await res.clone().text());
      assert.equal((await res.json()).error.code, "upstream_timeout");
      traces++;
      const [trace] = await routeTraces(server.origin, "fast", 4);
      assert.equal(trace!.error_code, "upstream_timeout");
      // `headers`, as an unrouted trace names the response-headers limit (first_byte_ms here).
      assert.equal(trace!.metadata.timeout_phase, "headers");
      assert.deepEqual(trace!.attempts!.map(phaseRow), [
        ["gpt-4o-mini", "timeout", "first_byte", false],
        ["gpt-4o", "timeout", "first_byte", false],
      ]);
    });

    await t.step(
      "stream_commit complete: a cut after content still fails over invisibly",
      async () => {
        up.script("gpt-4o-mini", { kind: "cut_after_content", text: "partial" });
        const from = up.seen.length;
        let text = "";
        const stream = await openai.chat.completions.create({
          model: "batch",
          ...ask,
          stream: true,
        });
        for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
        assert.equal(text, "answer from gpt-4o");
        assert.deepEqual(seenSince(up, from), ["a gpt-4o-mini", "a gpt-4o"]);
        traces++;
      },
    );

    await t.step("the root /v1 serves routes by model (OpenAI wire format)", async () => {
      const root = new OpenAI({ apiKey: clientKey, baseURL: `${server.origin}/v1`, maxRetries: 0 });
      const from = up.seen.length;
      const res = await root.chat.completions.create({ model: "gpt-main", ...ask });
      assert.equal(res.choices[0]!.message.content, "answer from gpt-4o-mini");
      assert.deepEqual(seenSince(up, from), ["a gpt-4o-mini"]);
      assert.equal(up.seen.at(-1)!.headers.get("authorization"), `Bearer ${clientKey}`);
      traces++;
      await assert.rejects(
        root.chat.completions.create({ model: "gpt-4.1", ...ask }),
        (err: unknown) =>
          err instanceof OpenAI.NotFoundError && /serves routes only/.test(err.message),
      );
      assert.equal(up.seen.length, from + 1, "a model naming no route is not forwarded");
      traces++; // The refusal is traced (404, route_not_found).
    });

    await t.step(
      "Anthropic: 529 fails over; a cut after commit ends with an error the SDK raises",
      async () => {
        const claude = new Anthropic({
          apiKey: anthropicKey,
          baseURL: `${server.origin}/anthropic`,
          maxRetries: 0,
        });
        up.script(
          "claude-3-5-haiku-latest",
          {
            kind: "status",
            status: 529,
            body: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
          },
          { kind: "cut_before_content" },
          { kind: "cut_after_content", text: "partial" },
        );
        const from = up.seen.length;
        const msg = await claude.messages.create({
          model: "claude-main",
          max_tokens: 64,
          messages: [{ role: "user", content: "hi" }],
        });
        assert.deepEqual(msg.content, [{
          type: "text",
          text: "answer from claude-3-5-sonnet-latest",
        }]);
        let text = "";
        const held = claude.messages.stream({
          model: "claude-main",
          max_tokens: 64,
          messages: [{ role: "user", content: "hi" }],
        }).on("text", (d) => void (text += d));
        await held.finalMessage();
        assert.equal(text, "answer from claude-3-5-sonnet-latest");
        const cut = claude.messages.stream({
          model: "claude-main",
          max_tokens: 64,
          messages: [{ role: "user", content: "hi" }],
        });
        await assert.rejects(cut.finalMessage(), (err: unknown) => {
          assert.ok(err instanceof Anthropic.APIError, String(err));
          return true;
        });
        assert.deepEqual(seenSince(up, from), [
          "c claude-3-5-haiku-latest",
          "c claude-3-5-sonnet-latest",
          "c claude-3-5-haiku-latest",
          "c claude-3-5-sonnet-latest",
          "c claude-3-5-haiku-latest",
        ]);
        const trace = await lastTrace(server.origin, traces += 3);
        assert.equal(trace.model, "claude-3-5-haiku-latest");
        assert.equal(trace.provider, "anthropic");
        assert.equal(trace.error_code, "upstream_truncated");
      },
    );

    await t.step(
      "key pool: a request without a key gets a pool key; a 401 disables it",
      async () => {
        up.byKey(`Bearer ${poolA}`, {
          kind: "status",
          status: 401,
          body: {
            error: { message: "bad key", type: "invalid_request_error", code: "invalid_api_key" },
          },
        });
        const send = () =>
          fetch(`${server.origin}/openai/v1/chat/completions`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ model: "pooled", ...ask }),
          });
        const from = up.seen.length;
        for (let i = 0; i < 4; i++) {
          const res = await send();
          assert.equal(res.status, 200, await res.clone().text());
          assert.equal((await res.json()).choices[0].message.content, "answer from gpt-4o");
        }
        const keys = up.seen.slice(from).map((r) => r.headers.get("authorization"));
        assert.ok(keys.every((k) => k === `Bearer ${poolA}` || k === `Bearer ${poolB}`));
        // Key A failed at most once: disabled from then on.
        assert.ok(keys.filter((k) => k === `Bearer ${poolA}`).length <= 1, keys.join(","));
        assert.equal(keys.filter((k) => k === `Bearer ${poolB}`).length, 4);
        assert.deepEqual(
          new Set(up.seen.slice(from).map((r) => r.path)),
          new Set(["/p/v1/chat/completions"]),
        );
      },
    );

    await t.step(
      "key pool: a 429 cools the key down; the other key takes the traffic",
      async () => {
        up.byKey(`Bearer ${poolC}`, {
          kind: "status",
          status: 429,
          headers: { "retry-after": "60" },
          body: { error: { message: "quota", type: "requests", code: "rate_limit_exceeded" } },
        });
        const from = up.seen.length;
        for (let i = 0; i < 4; i++) {
          const res = await fetch(`${server.origin}/openai/v1/chat/completions`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ model: "pooled2", ...ask }),
          });
          assert.equal(res.status, 200, await res.clone().text());
          await res.body?.cancel();
        }
        const keys = up.seen.slice(from).map((r) => r.headers.get("authorization"));
        assert.ok(keys.filter((k) => k === `Bearer ${poolC}`).length <= 1, keys.join(","));
        assert.equal(keys.filter((k) => k === `Bearer ${poolD}`).length, 4);
      },
    );

    await t.step(
      "connection refused: retried, then the next target (with its pool key)",
      async () => {
        const from = up.seen.length;
        const res = await fetch(`${server.origin}/openai/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "deadfirst", ...ask }),
        });
        assert.equal(res.status, 200, await res.clone().text());
        assert.equal((await res.json()).choices[0].message.content, "answer from backup-model");
        assert.deepEqual(seenSince(up, from), ["b backup-model"]);
        assert.equal(up.seen.at(-1)!.headers.get("authorization"), `Bearer ${poolE}`);
      },
    );

    await t.step(
      "last possible attempt: a slow answer is not cut by the header limit; silence ends at the total budget",
      async () => {
        // Headers come after 400 ms, past first_byte_ms (100): lifted, as no target could follow.
        up.script("gpt-4o-mini", { kind: "slow", delayMs: 400 });
        const slow = await openai.chat.completions.create({ model: "patient", ...ask });
        assert.equal(slow.choices[0]!.message.content, "answer from gpt-4o-mini");
        // A stream's first content after 400 ms, past first_token_ms and idle_ms (100): both are
        // lifted before the commit point, as no target could follow.
        up.script("gpt-4o-mini", { kind: "slow_first_token", delayMs: 400 });
        let text = "";
        for await (
          const c of await openai.chat.completions.create({
            model: "patient",
            ...ask,
            stream: true,
          })
        ) text += c.choices[0]?.delta.content ?? "";
        assert.equal(text, "answer from gpt-4o-mini");
        up.script("gpt-4o-mini", { kind: "silent" });
        const res = await fetch(`${server.origin}/openai/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${clientKey}` },
          body: JSON.stringify({ model: "patient", ...ask }),
        });
        assert.equal(res.status, 504, await res.clone().text());
        await res.body?.cancel();
        const [silent, streamed, answered] = await routeTraces(server.origin, "patient", 3);
        for (const ok of [answered!, streamed!]) {
          assert.deepEqual(ok.attempts!.map(phaseRow), [["gpt-4o-mini", "success", null, true]]);
          assert.equal(ok.error_code, null);
        }
        // Only the total budget ended it: not retried (no budget left), phase `total`.
        assert.deepEqual(silent!.attempts!.map(phaseRow), [
          ["gpt-4o-mini", "timeout", "total", false],
        ]);
        assert.equal(silent!.attempts![0]!.reason, "total_budget_spent");
        assert.equal(silent!.error_code, "upstream_timeout");
        assert.equal(silent!.metadata.timeout_phase, "total");
      },
    );

    await t.step(
      "connect timeout: retried on the same target (nothing was sent), then the next target",
      async () => {
        const from = up.seen.length;
        const res = await fetch(`${server.origin}/openai/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "slowconnect", ...ask }),
        });
        assert.equal(res.status, 200, await res.clone().text());
        assert.equal((await res.json()).choices[0].message.content, "answer from backup-model");
        assert.deepEqual(seenSince(up, from), ["b backup-model"]);
        const [trace] = await routeTraces(server.origin, "slowconnect", 1);
        // The connect limit (200 ms), not the header limit (30 s), ended the first two.
        assert.deepEqual(trace!.attempts!.map(phaseRow), [
          ["gpt-4o", "timeout", "connect", false],
          ["gpt-4o", "timeout", "connect", false],
          ["backup-model", "success", null, true],
        ]);
        assert.deepEqual(trace!.attempts!.map((a) => a.reason), [
          "timeout_connect",
          "timeout_connect",
          null,
        ]);
        assert.equal(trace!.error_code, null);
      },
    );
  });
});
