/**
 * Claude Code on a Bedrock Converse target (translate_agents_test.ts): its Messages request
 * becomes ConverseStream for Claude Sonnet 4.5 on a `us.` profile, signed with the gateway's own
 * AWS key (the stub recomputes the signature as AWS does), Claude Code's adaptive thinking a
 * budget in Converse's extra fields (Claude 4.5 has no adaptive thinking). One tool loop: the
 * stub's signed reasoning, then a `Read` call; Claude Code's thinking block cannot carry Bedrock's
 * signature back yet (part T5), so the second turn leaves thinking off rather than have Claude
 * refuse the call without its signed block (the stub enforces that rule, as Claude does).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type Json, tokens } from "./agents_support.ts";
import {
  bedrockModel,
  converseScript,
  files,
  type Gateway,
  gatewayAws,
  runClaude,
  sonnetPrice,
  tracesAfter,
  tracesSoFar,
  usd,
} from "./translate_agents_setup.ts";

export async function claudeOnBedrock(gw: Gateway, path: string): Promise<void> {
  const script = converseScript(gw.sandbox.cwd);
  const turns = [script.usage.tool, script.usage.final];
  const before = gw.bedrock.seen.length;
  const tracesBefore = await tracesSoFar(gw, "/anthropic/v1/messages");
  const out = await runClaude(gw, path, "bedrock-coder", "Read note.txt and tell me what it says.");
  assert.equal(out.result, script.answer.join(""));

  const sent = gw.bedrock.seen.slice(before);
  const op = `/model/${encodeURIComponent(bedrockModel)}/converse-stream`;
  assert.deepStrictEqual(sent.map((q) => `${q.method} ${q.path}`), Array(2).fill(`POST ${op}`));
  for (const q of sent) {
    assert.ok(q.verdict.ok && q.verdict.accessKeyId === gatewayAws.accessKeyId, q.path);
    assert.equal(q.headers.get("x-api-key"), null);
  }
  const bodies = sent.map((q) => JSON.parse(new TextDecoder().decode(q.body)) as Json);
  const thinking = bodies[0]!.additionalModelRequestFields?.thinking;
  assert.equal(thinking?.type, "enabled", JSON.stringify(thinking));
  const blocks = (bodies[1]!.messages as Json[]).flatMap((m) => m.content as Json[]);
  const use = blocks.find((b) => b.toolUse)?.toolUse;
  const result = blocks.find((b) => b.toolResult)?.toolResult;
  assert.deepStrictEqual([use?.toolUseId, use?.name, use?.input], [
    script.call.id,
    "Read",
    { file_path: join(gw.sandbox.cwd, "note.txt") },
  ]);
  assert.equal(result?.toolUseId, script.call.id);
  assert.match(JSON.stringify(result?.content), new RegExp(files["note.txt"]));

  const traces = await tracesAfter(gw, "/anthropic/v1/messages", tracesBefore, 2);
  traces.forEach((t, i) => {
    const u = turns[i]!;
    assert.deepStrictEqual(
      [t.provider, t.model, t.response_status, t.streaming, t.usage_status],
      ["bedrock", bedrockModel, 200, true, "exact"],
    );
    const input = u.input + u.cacheRead + u.cacheWrite;
    assert.deepStrictEqual(tokens(t), {
      input,
      cached_input: u.cacheRead,
      cache_write: u.cacheWrite,
      output: u.output,
      reasoning: 0,
      total: input + u.output,
    });
    const p = sonnetPrice;
    const cost = (u.input * p.input + u.cacheRead * p.cacheRead + u.cacheWrite * p.cacheWrite +
      u.output * p.output) * p.geo / 1e6;
    assert.equal(t.cost_status, "priced");
    assert.equal(usd(t.estimated_cost_usd), usd(cost));
  });
  // Claude Code's own count: Converse's usage as an Anthropic client reads it.
  const sum = (f: (u: typeof turns[number]) => number) => f(turns[0]!) + f(turns[1]!);
  assert.deepStrictEqual(
    [
      out.usage.input_tokens,
      out.usage.cache_read_input_tokens,
      out.usage.cache_creation_input_tokens,
      out.usage.output_tokens,
    ],
    [sum((u) => u.input), sum((u) => u.cacheRead), sum((u) => u.cacheWrite), sum((u) => u.output)],
    JSON.stringify(out),
  );
}
