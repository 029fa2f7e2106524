/**
 * The real Gemini CLI (@google/gemini-cli 0.61.0, tests/agents) under a real `ongoingai wrap`,
 * against one real `serve` with a `gemini` provider in front of a local Gemini API stub
 * (support/gemini_agent_upstream.ts) — issue 20, "Done when": the real Gemini CLI under wrap.
 *
 * A headless run (`gemini -p ... --output-format json`) with the CLI's defaults makes two calls,
 * both traced: the model router's `generateContent` on a small model, then the answer's
 * `streamGenerateContent?alt=sse` on the model it picked. Each trace must name the agent
 * (`gemini-cli` and its version), the developer (`wrap --user`), the session wrap gave the CLI
 * (the `session_id` it prints), the model, the exact tokens the stub sent (which the CLI's own
 * `stats` report too) and the cost computed here from the published prices. In team mode the
 * gateway key the user puts in `GEMINI_CLI_CUSTOM_HEADERS` (to which wrap appends the label and
 * the session) authenticates every request and becomes the developer, the label a claim.
 *
 * The CLI is the user's setup here: `~/.gemini/settings.json` in the sandbox's HOME picks the
 * API-key auth type (0.61.0 gives `GOOGLE_GEMINI_BASE_URL` alone its "gateway" auth type, which
 * its headless check refuses: "Invalid auth method selected") and turns usage statistics and
 * telemetry off and the update check (interactive only) too, so nothing leaves the machine
 * (checked with strace: the one connection a headless run opens is to the base URL);
 * `GEMINI_CLI_TRUST_WORKSPACE` trusts the temporary working folder.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { findAgent, runWrap } from "../support/agents.ts";
import {
  type GeminiAgentScript,
  startGeminiAgentUpstream,
} from "../support/gemini_agent_upstream.ts";
import { freePort, startServer } from "../support/process.ts";
import { agentSandbox } from "../support/agents.ts";
import { added, type Ctx, type Json, ran, tokens } from "./agents_support.ts";

/**
 * The models 0.61.0 uses with no `-m` (measured): the router's, and the one it picks for a high
 * score (the Pro model's "custom tools" variant, which coding agents get).
 */
const routerModel = "gemini-3.5-flash-lite";
const mainModel = "gemini-3.1-pro-preview-customtools";
/**
 * Google's price for the answer's model below 200k prompt tokens (USD per 1M): input 2, cache
 * reads 0.20, output (thinking included) 12, as for `gemini-3.1-pro-preview` (the variant is
 * priced the same: Google's pricing page as quoted by blog.laozhang.ai, 2026-02-22, and
 * OpenRouter's listing). The router's model has no settled price yet: its
 * trace must say unpriced, never zero.
 */
const mainPrice = { input: 2, cached: 0.2, output: 12 };

const pieces = ["Pong", " from", " the local", " Gemini stub", "."];
const script: GeminiAgentScript = {
  pieces,
  stream: { prompt: 5210, cached: 2048, candidates: 64, thoughts: 37 },
  router: { prompt: 731, cached: 0, candidates: 19, thoughts: 0, score: 95 },
};
const developer = "alice";
const apiKey = "AIzaSyE2EAGENTSGEMINI0123456789abcdefXY";
const prompt = "Say hello.";
const usd = (x: number) => Math.round(x * 1e10);

const gemini = await findAgent("gemini");
const testName = "e2e agents: the real Gemini CLI under wrap, traced with agent, developer, " +
  "session, exact tokens and cost";
if ("skip" in gemini) console.warn(`SKIPPED ${testName}: ${gemini.skip}`);

/** Team mode's gateway key (`auth.keys`), which the CLI carries in GEMINI_CLI_CUSTOM_HEADERS. */
const teamKey = "ogk_wrapGeminiE2eTeamKey0123456789abcd";
const teamKeyId = "dev-alice";

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function gateway(team = false): Promise<Ctx & { close(): Promise<void> }> {
  const stub = await startGeminiAgentUpstream(script);
  const sandbox = await agentSandbox();
  await Deno.mkdir(join(sandbox.home, ".gemini"), { recursive: true });
  await Deno.writeTextFile(
    join(sandbox.home, ".gemini", "settings.json"),
    JSON.stringify({
      security: { auth: { selectedType: "gemini-api-key" } },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
    }),
  );
  const port = freePort();
  const config = join(sandbox.files, "ongoingai.yaml");
  // By hash: `wrap` reads the config too, and a token by reference would need the variable there.
  const auth = team
    ? `auth: { enabled: true, keys: [{ id: ${teamKeyId}, token_hash: "${await sha256(
      teamKey,
    )}" }] }\n`
    : "";
  await Deno.writeTextFile(
    config,
    `server: { host: 127.0.0.1, port: ${port} }
storage: { path: ./data/gateway.db }
providers:
  gemini: { kind: gemini, upstream: "${stub.url}" }
tracing: { flush_interval_ms: 10 }
${auth}`,
  );
  const server = await startServer([], { cwd: sandbox.files, port }).catch(async (err) => {
    await stub.close();
    await sandbox.remove();
    throw err;
  });
  return {
    sandbox,
    config,
    origin: server.origin,
    stub,
    seenRequests: 0,
    seenTraces: new Set(),
    async close() {
      await server.kill();
      await stub.close();
      await sandbox.remove();
    },
  };
}

function attributed(t: Json, session: string): void {
  assert.deepStrictEqual(
    [t.agent, t.agent_version, t.session_id, t.developer],
    ["gemini-cli", "0.61.0", session, developer],
  );
}

Deno.test({
  name: testName,
  ignore: "skip" in gemini,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const path = (gemini as { path: string }).path;
    const ctx = await gateway();
    try {
      const r = await runWrap(ctx.sandbox, ["--config", ctx.config, "--user", developer], [
        path,
        "-p",
        prompt,
        "--output-format",
        "json",
      ], {
        env: {
          GEMINI_API_KEY: apiKey,
          GEMINI_CLI_TRUST_WORKSPACE: "true",
          // The CLI relaunches itself with a larger heap unless told not to: one process less.
          GEMINI_CLI_NO_RELAUNCH: "true",
        },
      });
      ran(r);
      const out = JSON.parse(r.stdout);
      assert.equal(out.response, pieces.join(""), r.stdout);
      const session = out.session_id as string;
      assert.match(session, /^[0-9a-f-]{36}$/, "wrap gave the CLI a session id");

      const { requests, traces } = await added(ctx);
      assert.deepStrictEqual(requests.map((q) => `${q.method} ${q.path}${q.search}`), [
        `POST /v1beta/models/${routerModel}:generateContent`,
        `POST /v1beta/models/${mainModel}:streamGenerateContent?alt=sse`,
      ]);
      for (const q of requests) {
        // The key reaches the provider; wrap's session header, like the label, does not.
        assert.equal(q.headers["x-goog-api-key"], apiKey);
        assert.equal(q.headers["x-ongoingai-session-id"], undefined);
        assert.match(q.headers["user-agent"]!, /^GeminiCLI-tui\/0\.61\.0\//);
      }
      assert.equal(traces.length, 2);
      const [router, main] = traces as [Json, Json];

      const s = script.stream;
      assert.deepStrictEqual(
        [main.provider, main.model, main.request_path, main.response_status, main.streaming],
        [
          "gemini",
          mainModel,
          `/gemini/v1beta/models/${mainModel}:streamGenerateContent`,
          200,
          true,
        ],
      );
      assert.equal(main.usage_status, "exact");
      assert.deepStrictEqual(tokens(main), {
        input: s.prompt,
        cached_input: s.cached,
        cache_write: 0,
        output: s.candidates + s.thoughts,
        reasoning: s.thoughts,
        total: s.prompt + s.candidates + s.thoughts,
      });
      assert.equal(main.cost_status, "priced");
      const cost = ((s.prompt - s.cached) * mainPrice.input + s.cached * mainPrice.cached +
        (s.candidates + s.thoughts) * mainPrice.output) / 1e6;
      assert.equal(usd(main.estimated_cost_usd), usd(cost));
      attributed(main, session);

      const q = script.router;
      assert.deepStrictEqual(
        [router.model, router.streaming, router.usage_status],
        [routerModel, false, "exact"],
      );
      assert.deepStrictEqual(tokens(router), {
        input: q.prompt,
        cached_input: 0,
        cache_write: 0,
        output: q.candidates,
        reasoning: 0,
        total: q.prompt + q.candidates,
      });
      assert.equal(router.cost_status, "unpriced");
      assert.equal(router.estimated_cost_usd, null);
      attributed(router, session);

      // The CLI's own account of the same calls.
      const stats = out.stats.models;
      assert.deepStrictEqual(Object.keys(stats).sort(), [mainModel, routerModel].sort());
      const own = stats[mainModel].tokens;
      assert.deepStrictEqual(
        [own.prompt, own.cached, own.candidates, own.thoughts, own.total],
        [s.prompt, s.cached, s.candidates, s.thoughts, s.prompt + s.candidates + s.thoughts],
      );
      assert.deepStrictEqual(
        [stats[routerModel].tokens.prompt, stats[routerModel].tokens.candidates],
        [q.prompt, q.candidates],
      );
    } finally {
      await ctx.close();
    }
  },
});

Deno.test({
  name: "e2e agents: the Gemini CLI under wrap in team mode, its gateway key in " +
    "GEMINI_CLI_CUSTOM_HEADERS",
  ignore: "skip" in gemini,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const path = (gemini as { path: string }).path;
    const ctx = await gateway(true);
    const authed = async (p: string) => {
      const res = await fetch(`${ctx.origin}${p}`, {
        headers: { "x-ongoingai-gateway-key": teamKey },
      });
      assert.equal(res.status, 200, p);
      return await res.json();
    };
    try {
      const r = await runWrap(ctx.sandbox, ["--config", ctx.config, "--user", developer], [
        path,
        "-p",
        prompt,
        "--output-format",
        "json",
      ], {
        env: {
          GEMINI_API_KEY: apiKey,
          GEMINI_CLI_TRUST_WORKSPACE: "true",
          GEMINI_CLI_NO_RELAUNCH: "true",
          // The user's own headers: wrap appends the label and the session to them.
          GEMINI_CLI_CUSTOM_HEADERS: `X-OngoingAI-Gateway-Key: ${teamKey}`,
        },
      });
      ran(r);
      const out = JSON.parse(r.stdout);
      assert.equal(out.response, pieces.join(""), r.stdout);
      assert.equal(ctx.stub.requests.length, 2);
      for (const q of ctx.stub.requests) {
        // The gateway key never reaches the provider; the provider key does.
        assert.equal(q.headers["x-ongoingai-gateway-key"], undefined);
        assert.equal(q.headers["x-goog-api-key"], apiKey);
      }
      let items: Json[] = [];
      for (let i = 0; i < 400 && items.length < 2; i++) {
        items = (await authed("/api/traces?limit=10")).items;
        if (items.length < 2) await new Promise((done) => setTimeout(done, 25));
      }
      assert.equal(items.length, 2);
      for (const t of items) {
        // The key decides the developer; the label is kept as a claim.
        assert.deepStrictEqual(
          [t.agent, t.session_id, t.developer, t.gateway_key_id],
          ["gemini-cli", out.session_id, teamKeyId, teamKeyId],
        );
        const detail = await authed(`/api/traces/${t.id}`);
        assert.equal(detail.metadata?.claimed_user, developer);
      }
    } finally {
      await ctx.close();
    }
  },
});
