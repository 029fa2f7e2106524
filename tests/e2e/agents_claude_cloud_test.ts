/**
 * The real Claude Code (2.1.332, tests/agents) in its Amazon Bedrock and Google Vertex AI modes
 * under `ongoingai wrap --via bedrock|vertex`, against one real `serve` whose `bedrock` and
 * `vertex` providers point at a local stub speaking both services' wire formats
 * (support/claude_cloud_upstream.ts: Bedrock's event-stream framing encoded with the codec's own
 * encoder, Vertex's streamRawPredict SSE; both checked against this Claude Code directly).
 *
 * Each run must end with Claude Code's answer and its own usage equal to the stub's, exactly one
 * generation traced with the agent, its session (`X-Claude-Code-Session-Id`), the developer
 * (`wrap --user`, carried in `ANTHROPIC_CUSTOM_HEADERS` in both modes), the exact tokens, and the
 * cost computed here: Anthropic's list prices for Claude Code's default model, times AWS's 10%
 * premium on a geographic cross-Region profile (Claude Code picks `eu.` for `eu-west-1`) on
 * Bedrock; the global endpoint's list prices on Vertex. Claude Code itself reports list prices
 * in both modes (its `costBasis: list`), so on Bedrock its own total is the gateway's / 1.1.
 *
 * Ignored, with the reason, when the agents' install is not there (scripts/test/agents.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { agentSandbox, findAgent, runWrap } from "../support/agents.ts";
import { type CloudScript, startCloudUpstream } from "../support/claude_cloud_upstream.ts";
import { freePort, startServer } from "../support/process.ts";
import { getJson, type Json, ran, tokens } from "./agents_support.ts";

/** Claude Code 2.1.332's default model; on Bedrock its `eu.` profile for AWS_REGION=eu-west-1. */
const claudeModel = "claude-opus-5-5";
const bedrockRegion = "eu-west-1";
const bedrockModel = `eu.anthropic.${claudeModel}`;
const project = "wrap-e2e-project";
/** Anthropic's list prices for it (USD per 1M): input 4, cache read 0.20, 5-minute write 5, out 20. */
const price = { input: 4, cacheRead: 0.2, cacheWrite5m: 5, output: 20 };
/** AWS: geographic cross-Region inference profiles of Claude cost 10% more than global ones. */
const geoPremium = 1.1;

const script: CloudScript = {
  pieces: ["Pong", " from", " the cloud", " stub", "."],
  usage: { input: 321, cacheRead: 4096, cacheWrite5m: 512, cacheWrite1h: 0, output: 77 },
};
const u = script.usage;
const listCost = (u.input * price.input + u.cacheRead * price.cacheRead +
  u.cacheWrite5m * price.cacheWrite5m + u.output * price.output) / 1e6;
const developer = "alice";
const prompt = "Say hello.";
const usd = (x: number) => Math.round(x * 1e10);

const claude = await findAgent("claude");

/** Why Claude Code cannot run here, or false. */
function waitingFor(): string | false {
  return "skip" in claude ? claude.skip : false;
}

/** A gateway with one provider, of `kind`. */
async function gateway(stubUrl: string, kind: "bedrock" | "vertex") {
  const sandbox = await agentSandbox();
  const port = freePort();
  const config = join(sandbox.files, "ongoingai.yaml");
  await Deno.writeTextFile(
    config,
    `server: { host: 127.0.0.1, port: ${port} }
storage: { path: ./data/gateway.db }
providers:
  ${kind}: { kind: ${kind}, upstream: "${stubUrl}" }
tracing: { flush_interval_ms: 10 }
`,
  );
  const server = await startServer([], { cwd: sandbox.files, port }).catch(async (err) => {
    await sandbox.remove();
    throw err;
  });
  return {
    sandbox,
    config,
    origin: server.origin,
    async close() {
      await server.kill();
      await sandbox.remove();
    },
  };
}

async function generations(origin: string, pathEnd: string): Promise<Json[]> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const page = await getJson(origin, "/api/traces?limit=200");
    const found = (page.items as Json[]).filter((t) => String(t.request_path).endsWith(pathEnd));
    if (found.length > 0) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no trace of ${pathEnd} appeared`);
}

async function claudeVia(
  kind: "bedrock" | "vertex",
  flags: string[],
): Promise<{ out: Json; trace: Json; session: string; gatewayPath: string }> {
  const stub = await startCloudUpstream(script);
  const gw = await gateway(stub.url, kind);
  try {
    const r = await runWrap(gw.sandbox, [
      "--config",
      gw.config,
      "--user",
      developer,
      "--via",
      kind,
      ...flags,
    ], [(claude as { path: string }).path, "-p", "--output-format", "json", prompt]);
    ran(r);
    const out = JSON.parse(r.stdout);
    assert.equal(out.is_error, false, r.stdout);
    assert.equal(out.result, script.pieces.join(""));
    assert.deepStrictEqual(
      [
        out.usage.input_tokens,
        out.usage.cache_read_input_tokens,
        out.usage.cache_creation_input_tokens,
        out.usage.output_tokens,
      ],
      [u.input, u.cacheRead, u.cacheWrite5m, u.output],
      "Claude Code's own usage is what the stub sent",
    );
    const posts = stub.requests.filter((q) => q.method === "POST");
    assert.equal(posts.length, 1, posts.map((q) => q.path).join(", "));
    const post = posts[0]!;
    for (const q of stub.requests) {
      // The label is for the gateway, never the provider.
      assert.equal(q.headers["x-ongoingai-user"], undefined, `${q.method} ${q.path}`);
    }
    const pathEnd = kind === "bedrock" ? "/invoke-with-response-stream" : ":streamRawPredict";
    const traces = await generations(gw.origin, pathEnd);
    assert.equal(traces.length, 1);
    return {
      out,
      trace: traces[0]!,
      session: post.headers["x-claude-code-session-id"] ?? "",
      gatewayPath: post.path,
    };
  } finally {
    await gw.close();
    await stub.close();
  }
}

/** `wrap --print --via ...`: the lines it prints (what would be unset and set), nothing run. */
async function printed(kind: "bedrock" | "vertex", flags: string[]): Promise<string[]> {
  const stub = await startCloudUpstream(script);
  const gw = await gateway(stub.url, kind);
  try {
    const r = await runWrap(gw.sandbox, [
      "--config",
      gw.config,
      "--user",
      "",
      "--print",
      "--via",
      kind,
      ...flags,
    ], [
      "claude",
      "-p",
      "hi",
    ], { env: { CLAUDE_CODE_USE_BEDROCK: "1", CLAUDE_CODE_USE_VERTEX: "1" } });
    ran(r);
    assert.equal(stub.requests.length, 0);
    return r.stdout.trimEnd().split("\n").filter((l) => !/^export (OPENAI|ANTHROPIC_BASE)/.test(l));
  } finally {
    await gw.close();
    await stub.close();
  }
}

function checkTrace(t: Json, session: string): void {
  assert.match(session, /^[0-9a-f-]{36}$/, "Claude Code sent its session id");
  assert.deepStrictEqual([t.agent, t.session_id, t.developer], ["claude-code", session, developer]);
  assert.deepStrictEqual([t.response_status, t.streaming, t.usage_status], [200, true, "exact"]);
  assert.deepStrictEqual(tokens(t), {
    input: u.input + u.cacheRead + u.cacheWrite5m,
    cached_input: u.cacheRead,
    cache_write: u.cacheWrite5m,
    output: u.output,
    reasoning: 0,
    total: u.input + u.cacheRead + u.cacheWrite5m + u.output,
  });
  assert.equal(t.cost_status, "priced");
}

Deno.test({
  name: "e2e agents: real Claude Code under wrap --via bedrock, traced with exact usage and cost",
  ignore: waitingFor() !== false,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { out, trace, session, gatewayPath } = await claudeVia("bedrock", [
      "--region",
      bedrockRegion,
    ]);
    assert.equal(gatewayPath, `/model/${bedrockModel}/invoke-with-response-stream`);
    assert.deepStrictEqual([trace.provider, trace.model], ["bedrock", bedrockModel]);
    assert.equal(trace.request_path, `/bedrock/model/${bedrockModel}/invoke-with-response-stream`);
    checkTrace(trace, session);
    assert.equal(usd(trace.estimated_cost_usd), usd(listCost * geoPremium));
    assert.equal(usd(out.total_cost_usd), usd(listCost), "Claude Code reports list prices");
    const lines = await printed("bedrock", ["--region", bedrockRegion]);
    const origin = lines.find((l) => l.startsWith("export ANTHROPIC_BEDROCK_BASE_URL="));
    assert.match(
      origin ?? "",
      /^export ANTHROPIC_BEDROCK_BASE_URL='http:\/\/127\.0\.0\.1:\d+\/bedrock'$/,
    );
    assert.deepStrictEqual(lines.filter((l) => l !== origin), [
      "unset CLAUDE_CODE_USE_VERTEX",
      "export CLAUDE_CODE_USE_BEDROCK='1'",
      "export CLAUDE_CODE_SKIP_BEDROCK_AUTH='1'",
      `export AWS_REGION='${bedrockRegion}'`,
      "'claude' '-p' 'hi'",
    ]);
  },
});

Deno.test({
  name: "e2e agents: real Claude Code under wrap --via vertex, traced with exact usage and cost",
  ignore: waitingFor() !== false,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { out, trace, session, gatewayPath } = await claudeVia("vertex", [
      "--region",
      "global",
      "--project",
      project,
    ]);
    const path = `/v1/projects/${project}/locations/global/publishers/anthropic/models/` +
      `${claudeModel}:streamRawPredict`;
    assert.equal(gatewayPath, path);
    assert.deepStrictEqual([trace.provider, trace.model], ["vertex", claudeModel]);
    assert.equal(trace.request_path, `/vertex${path}`);
    checkTrace(trace, session);
    assert.equal(usd(trace.estimated_cost_usd), usd(listCost));
    assert.equal(usd(out.total_cost_usd), usd(listCost));
    const lines = await printed("vertex", ["--region", "global", "--project", project]);
    const base = lines.find((l) => l.startsWith("export GOOGLE_VERTEX_BASE_URL="))!.split("=")[1]!;
    assert.deepStrictEqual(lines, [
      "unset CLAUDE_CODE_USE_BEDROCK",
      `export GOOGLE_VERTEX_BASE_URL=${base}`,
      "export CLAUDE_CODE_USE_VERTEX='1'",
      `export ANTHROPIC_VERTEX_BASE_URL=${base.slice(0, -1)}/v1'`,
      `export ANTHROPIC_VERTEX_PROJECT_ID='${project}'`,
      "export CLOUD_ML_REGION='global'",
      "export CLAUDE_CODE_SKIP_VERTEX_AUTH='1'",
      "'claude' '-p' 'hi'",
    ]);
  },
});

const why = waitingFor();
if (why !== false) console.warn(`SKIPPED e2e agents: Claude Code --via bedrock|vertex: ${why}`);
