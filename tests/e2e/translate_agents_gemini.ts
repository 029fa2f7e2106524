/**
 * Both agents on a Gemini 3 target (translate_agents_test.ts): Claude Code's `Read` and Codex's
 * `exec_command` through `:streamGenerateContent?alt=sse`, their tool schemas converted to what
 * Gemini accepts, the call coming without an id (the Gemini API's way), so the gateway makes one
 * up and the second turn pairs the call and its result by it; the call signed, and the stub
 * refusing it unsigned on the second turn as Gemini 3 does. Usage as Gemini counts it: the
 * prompt includes its cached part, thinking tokens are output.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type Json, tokens } from "./agents_support.ts";
import {
  files,
  flashPrice,
  type Gateway,
  geminiModel,
  geminiPoolKey,
  geminiScript,
  onlyFunctionTools,
  runClaude,
  runCodex,
  tracesAfter,
  tracesSoFar,
  usd,
} from "./translate_agents_setup.ts";

type Turn = ReturnType<typeof geminiScript>["usage"]["tool"];

/** The upstream requests of one run, and the second one's call and result. */
function geminiRequests(gw: Gateway, before: number): { call: Json; result: Json } {
  const posts = gw.gemini.seen.slice(before);
  assert.deepStrictEqual(
    posts.map((q) => `${q.method} ${q.path}${q.search}`),
    Array(2).fill(`POST /v1beta/models/${geminiModel}:streamGenerateContent?alt=sse`),
  );
  for (const q of posts) {
    assert.equal(q.headers.get("x-goog-api-key"), geminiPoolKey);
    assert.equal(q.headers.get("authorization"), null);
    assert.equal(q.headers.get("x-api-key"), null);
    assert.ok(Array.isArray(q.body.tools), "the agent's tools are declared");
  }
  const parts = (posts[1]!.body.contents as Json[]).flatMap((c) => c.parts as Json[]);
  const call = parts.find((p) => p.functionCall)?.functionCall;
  const result = parts.find((p) => p.functionResponse)?.functionResponse;
  assert.ok(call && result, JSON.stringify(parts).slice(0, 2000));
  assert.equal(result.id, call.id, "the call and its result carry one id");
  // Gemini 3 wants its thought signature back on the call (the stub refuses it unsigned, as the
  // API does): the agent kept it sealed (a thinking block's signature for Claude Code, a
  // reasoning item for Codex), and Gemini gets its own value back, not the documented skip value.
  const signature = parts.find((p) => p.functionCall)?.thoughtSignature;
  assert.match(atob(signature ?? ""), /^stub-gemini-signature-\d+$/);
  assert.equal(result.name, call.name);
  return { call, result };
}

function traceChecks(traces: Json[], turns: Turn[]): void {
  traces.forEach((t, i) => {
    const u = turns[i]!;
    assert.deepStrictEqual(
      [t.provider, t.model, t.response_status, t.streaming, t.usage_status],
      ["gemini", geminiModel, 200, true, "exact"],
    );
    const output = u.candidates + u.thoughts;
    assert.deepStrictEqual(tokens(t), {
      input: u.prompt,
      cached_input: u.cached,
      cache_write: 0,
      output,
      reasoning: u.thoughts,
      total: u.prompt + output,
    });
    const cost = ((u.prompt - u.cached) * flashPrice.input + u.cached * flashPrice.cached +
      output * flashPrice.output) / 1e6;
    assert.equal(t.cost_status, "priced");
    assert.equal(usd(t.estimated_cost_usd), usd(cost));
  });
}

const sum = (turns: Turn[], f: (u: Turn) => number) => turns.reduce((n, u) => n + f(u), 0);

export async function claudeOnGemini(gw: Gateway, path: string): Promise<void> {
  const script = geminiScript(gw.sandbox.cwd);
  const turns = [script.usage.tool, script.usage.final];
  const before = gw.gemini.seen.length;
  const tracesBefore = await tracesSoFar(gw, "/anthropic/v1/messages");
  const out = await runClaude(gw, path, "gemini-coder", "Read note.txt and tell me what it says.");
  assert.equal(out.result, script.answer.join(""));
  const { call, result } = geminiRequests(gw, before);
  assert.deepStrictEqual([call.name, call.args], ["Read", {
    file_path: join(gw.sandbox.cwd, "note.txt"),
  }]);
  assert.match(JSON.stringify(result.response), new RegExp(files["note.txt"]));
  traceChecks(await tracesAfter(gw, "/anthropic/v1/messages", tracesBefore, 2), turns);
  // Claude Code's own count: Gemini's usage as an Anthropic client reads it.
  assert.deepStrictEqual(
    [
      out.usage.input_tokens,
      out.usage.cache_read_input_tokens,
      out.usage.cache_creation_input_tokens,
      out.usage.output_tokens,
    ],
    [
      sum(turns, (u) => u.prompt - u.cached),
      sum(turns, (u) => u.cached),
      0,
      sum(turns, (u) => u.candidates + u.thoughts),
    ],
    JSON.stringify(out),
  );
}

export async function codexOnGemini(gw: Gateway, path: string): Promise<void> {
  const before = await tracesSoFar(gw, "/openai/v1/responses");
  const script = geminiScript(gw.sandbox.cwd);
  const turns = [script.usage.tool, script.usage.final];
  const seenBefore = gw.gemini.seen.length;
  const { events, stdout } = await runCodex(gw, path, "gemini-coder", onlyFunctionTools);
  const message = events.find((e) =>
    e.type === "item.completed" && e.item?.type === "agent_message"
  );
  assert.equal(message?.item.text, script.answer.join(""), stdout);
  const { call, result } = geminiRequests(gw, seenBefore);
  assert.deepStrictEqual([call.name, call.args], ["exec_command", { cmd: "echo hi-from-tool" }]);
  assert.match(
    JSON.stringify(result.response),
    /hi-from-tool|sandbox|denied|not permitted|exited with code/i,
  );
  traceChecks(await tracesAfter(gw, "/openai/v1/responses", before, 2), turns);
  // Codex's own count: Gemini's usage as a Responses client reads it.
  assert.deepStrictEqual(events.find((e) => e.type === "turn.completed")?.usage, {
    input_tokens: sum(turns, (u) => u.prompt),
    cached_input_tokens: sum(turns, (u) => u.cached),
    cache_write_input_tokens: 0,
    output_tokens: sum(turns, (u) => u.candidates + u.thoughts),
    reasoning_output_tokens: sum(turns, (u) => u.thoughts),
  }, stdout);
}
