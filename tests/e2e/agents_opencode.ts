/**
 * opencode 1.18.33 (`opencode run --format json`) under `ongoingai wrap --user`, for
 * agents_test.ts: a run per built-in provider it is pointed at (wrap's OPENCODE_CONFIG_CONTENT),
 * and one of what `wrap --print` shows, run by sh.
 * opencode sends two generations per run, both traced: the session's title from its small model
 * (claude-haiku-4-5-20251001, gpt-5.4-nano), then the answer. Its own `step_finish` event (tokens
 * and cost of the answer, priced from its models.dev snapshot) is the oracle for the answer's
 * trace; the title's cost is computed from the published prices below.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type BoundedResult, runBounded, runWrap } from "../support/agents.ts";
import type { AgentScript } from "../support/agent_upstream.ts";
import { added, type Ctx, type Json, jsonLines, ran, tokens } from "./agents_support.ts";

/** Published prices, USD per 1M tokens (cache writes: Anthropic's 5-minute rate). */
const prices = {
  "claude-opus-5-5": { input: 4, cached: 0.2, cacheWrite: 5, output: 20 },
  "claude-haiku-4-5-20251001": { input: 1, cached: 0.1, cacheWrite: 1.25, output: 5 },
  "gpt-5.5": { input: 5, cached: 0.5, cacheWrite: 0, output: 30 },
  "gpt-5.4-nano": { input: 0.2, cached: 0.02, cacheWrite: 0, output: 1.25 },
} as const;
type Priced = keyof typeof prices;

/** Per provider: the model run (`-m`), the title model opencode picks, the stub's path. */
export const opencodeRuns = {
  anthropic: { model: "claude-opus-5-5", title: "claude-haiku-4-5-20251001", path: "/v1/messages" },
  openai: { model: "gpt-5.5", title: "gpt-5.4-nano", path: "/v1/responses" },
} as const;

const keys = {
  anthropic: { ANTHROPIC_API_KEY: "sk-ant-api03-agents-e2e-0123456789abcdefghij" },
  openai: { OPENAI_API_KEY: "sk-proj-agents-e2e-0123456789abcdefghijklmnop" },
};
const label = "alice";
const prompt = "Say hello.";
const usd = (x: number) => Math.round(x * 1e10);

/** The usage the stub sends, as the gateway stores it (input counts cached and written). */
function expected(provider: keyof typeof opencodeRuns, script: AgentScript) {
  if (provider === "anthropic") {
    const m = script.messages;
    const write = m.cacheWrite5m + m.cacheWrite1h;
    return {
      uncached: m.input,
      trace: {
        input: m.input + m.cacheRead + write,
        cached_input: m.cacheRead,
        cache_write: write,
        output: m.output,
        reasoning: 0,
        total: m.input + m.cacheRead + write + m.output,
      },
    };
  }
  const r = script.responses;
  const write = r.cacheWrite ?? 0;
  return {
    uncached: r.input - r.cached - write,
    trace: {
      input: r.input,
      cached_input: r.cached,
      cache_write: write,
      output: r.output,
      reasoning: r.reasoning,
      total: r.input + r.output,
    },
  };
}

function cost(model: Priced, t: ReturnType<typeof expected>): number {
  const p = prices[model];
  return (t.uncached * p.input + t.trace.cached_input * p.cached +
    t.trace.cache_write * p.cacheWrite + t.trace.output * p.output) / 1e6;
}

/**
 * `wrap --user alice -- opencode run ...`; with `printed`, what `wrap --print` shows for
 * `opencode run ...`, run by sh with `opencode` found on PATH (it works as shown).
 */
async function run(
  ctx: Ctx,
  path: string,
  provider: keyof typeof opencodeRuns,
  printed: boolean,
): Promise<BoundedResult> {
  const args = ["run", "--format", "json", "-m", `${provider}/${opencodeRuns[provider].model}`];
  const env = {
    ...keys[provider],
    // No models.dev fetch (the bundled snapshot knows both models) and no npm registry for
    // the plugin package opencode installs in the background: the stub is all it talks to.
    OPENCODE_DISABLE_MODELS_FETCH: "1",
    npm_config_offline: "true",
  };
  const wrapArgs = ["--config", ctx.config, "--user", label];
  if (!printed) return await runWrap(ctx.sandbox, wrapArgs, [path, ...args, prompt], { env });
  const shown = await runWrap(ctx.sandbox, [...wrapArgs, "--print"], ["opencode", ...args, prompt]);
  ran(shown);
  assert.match(shown.stdout, /^export OPENCODE_CONFIG_CONTENT='\{"provider":/m, shown.stdout);
  const bin = join(ctx.sandbox.files, "opencode-bin");
  await Deno.mkdir(bin, { recursive: true });
  await Deno.symlink(path, join(bin, "opencode")).catch((e) => {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
  });
  const shEnv = await ctx.sandbox.env(env);
  shEnv.PATH = `${bin}:${shEnv.PATH}`;
  return await runBounded("sh", ["-c", shown.stdout], { cwd: ctx.sandbox.cwd, env: shEnv });
}

export async function opencodeRun(
  ctx: Ctx,
  path: string,
  provider: keyof typeof opencodeRuns,
  script: AgentScript,
  { printed = false } = {},
): Promise<void> {
  const { model, title, path: upstreamPath } = opencodeRuns[provider];
  const r = await run(ctx, path, provider, printed);
  ran(r);
  const events = jsonLines(r.stdout);
  const text = events.filter((e) => e.type === "text").map((e) => e.part.text).join("");
  assert.equal(text, script.pieces.join(""), r.stdout);
  const finish = events.filter((e) => e.type === "step_finish");
  assert.equal(finish.length, 1, r.stdout);
  const own = finish[0]!.part;
  const want = expected(provider, script);
  assert.deepStrictEqual(own.tokens, {
    total: want.trace.total,
    input: want.uncached,
    output: want.trace.output - want.trace.reasoning,
    reasoning: want.trace.reasoning,
    cache: { write: want.trace.cache_write, read: want.trace.cached_input },
  }, "opencode's own usage is what the stub sent");
  const session = finish[0]!.sessionID as string;

  const { requests, upgrades, traces } = await added(ctx);
  assert.equal(upgrades.length, 0);
  const models = (qs: Json[], key: (q: Json) => string) => qs.map(key).sort();
  assert.deepStrictEqual(
    models(requests, (q) => `${q.method} ${q.path}${q.search} ${JSON.parse(q.body).model}`),
    [`POST ${upstreamPath} ${title}`, `POST ${upstreamPath} ${model}`].sort(),
  );
  assert.deepStrictEqual(models(traces, (t) => t.model), [model, title].sort());
  for (const t of traces) {
    assert.deepStrictEqual(
      [t.provider, t.request_method, t.request_path, t.response_status, t.streaming],
      [provider, "POST", `/${provider}${upstreamPath}`, 200, true],
      t.model,
    );
    assert.deepStrictEqual(
      [t.agent, t.agent_version, t.session_id, t.developer],
      ["opencode", "1.18.33", session, label],
      t.model,
    );
    assert.equal(t.usage_status, "exact");
    assert.deepStrictEqual(tokens(t), want.trace, t.model);
    assert.equal(t.cost_status, "priced");
    assert.equal(usd(t.estimated_cost_usd), usd(cost(t.model, want)), t.model);
  }
  const answer = traces.find((t) => t.model === model)!;
  assert.equal(usd(answer.estimated_cost_usd), usd(own.cost), "the gateway's cost is opencode's");
}
