/**
 * The translation matrix end to end with the official SDKs (issue 21, "Done when"): one real
 * `serve` (SQLite) over HTTP, four loopback upstreams that speak their wire formats exactly, and
 * every translated cell the SDKs can drive, streamed and not, each one tool loop
 * (translate_sdk_clients.ts):
 *
 * - clients: `openai` Chat Completions and Responses (`/openai/v1`), `@anthropic-ai/sdk` Messages
 *   (`/anthropic`), each naming a route;
 * - targets: an OpenAI-compatible server (translate_chat_stub.ts; reached by the Anthropic client
 *   only, OpenAI clients pass through to it untranslated), Anthropic (translate_anthropic_stub.ts),
 *   Gemini (`:generateContent`, `:streamGenerateContent?alt=sse`; translate_gemini_stub.ts, its
 *   call without an id so the gateway makes one up) and Bedrock Converse (Converse and
 *   ConverseStream as AWS event streams; translate_bedrock_stub.ts behind sigv4_stub.ts, which
 *   verifies the gateway's own `aws` signature by recomputing it as AWS does).
 *
 * Each cell checks what the upstream received (the target's path and model, the pool key or the
 * gateway's signature, nothing of the client's credentials, the call and its result paired by
 * one id on the second turn), what the SDK got (the call once, the final text, usage equal to the
 * upstream's in the client's terms), and one trace per request with the target's provider and
 * model, exact tokens, and the cost at the target's prices.
 */
import assert from "node:assert/strict";
import { poll } from "../support/process.ts";
import {
  type ClientName,
  type SeenUsage,
  thinkingAsked,
  toolLoop,
  toolOutput,
} from "./translate_sdk_clients.ts";
import { errorCell, rateLimitCell } from "./translate_sdk_errors.ts";
import {
  answer,
  args,
  type Canon,
  expectedTarget,
  type Json,
  pairing,
  type Target,
  targets,
} from "./translate_sdk_targets.ts";
import { type Gateway, startGateway, upstreamRequests } from "./translate_sdk_gateway.ts";

const usd = (x: number) => Math.round(x * 1e10);

/** What the client read of `u`, field by field where its protocol has the field. */
function clientUsage(seen: SeenUsage, u: Canon): void {
  assert.equal(seen.input, u.input, "input");
  assert.equal(seen.output, u.output, "output");
  if (seen.cached !== null) assert.equal(seen.cached, u.cached, "cached");
  if (seen.cacheWrite !== null) assert.equal(seen.cacheWrite, u.cacheWrite, "cache write");
  if (seen.reasoning !== null) assert.equal(seen.reasoning, u.reasoning, "reasoning");
}

const clientPaths: Record<ClientName, string> = {
  "openai.chat": "/openai/v1/chat/completions",
  "openai.responses": "/openai/v1/responses",
  "anthropic.messages": "/anthropic/v1/messages",
};

async function newTraces(gw: Gateway, n: number): Promise<Json[]> {
  const fresh = await poll(`${n} new trace(s)`, async () => {
    const page = await (await fetch(`${gw.origin}/api/traces?limit=200`)).json() as Json;
    const items = (page.items as Json[]).filter((t) => !gw.seenTraces.has(t.id));
    return items.length >= n ? items : undefined;
  });
  assert.equal(fresh.length, n, "one trace per request");
  for (const t of fresh) gw.seenTraces.add(t.id);
  return fresh.reverse();
}

async function cell(gw: Gateway, client: ClientName, t: Target, streaming: boolean) {
  const before = upstreamRequests(gw.stubs, t).length;
  const got = await toolLoop(client, gw.origin, t.route, streaming);
  assert.deepStrictEqual([got.call.name, got.call.args], ["get_weather", args]);
  if (t.callId !== null) assert.equal(got.call.id, t.callId);
  assert.equal(got.text, answer.join(""));
  got.usage.forEach((u, i) => clientUsage(u, t.usage[i]!));

  const sent = upstreamRequests(gw.stubs, t).slice(before);
  assert.deepStrictEqual(sent.map((q) => q.target), Array(2).fill(expectedTarget(t, streaming)));
  for (const q of sent) {
    assert.ok(q.credentialOk, `the target's own credential: ${q.target}`);
    assert.doesNotMatch(JSON.stringify([...q.headers]), /never-forwarded/);
    if (t.protocol !== "gemini.generate" && t.protocol !== "bedrock.converse") {
      assert.equal(q.body.model, t.model);
    }
  }
  const [callId, resultId, result] = pairing(t, sent[1]!.body);
  assert.deepStrictEqual([callId, resultId], [got.call.id, got.call.id]);
  assert.ok(result.includes(toolOutput), result);

  const traces = await newTraces(gw, 2);
  traces.forEach((trace, i) => {
    const u = t.usage[i]!;
    assert.deepStrictEqual(
      [trace.provider, trace.model, trace.request_path, trace.response_status, trace.streaming],
      [t.provider, t.model, clientPaths[client], 200, streaming],
    );
    assert.equal(trace.usage_status, "exact");
    assert.deepStrictEqual(
      ["input", "cached_input", "cache_write", "output", "reasoning"].map((n) =>
        trace[`${n}_tokens`]
      ),
      [u.input, u.cached, u.cacheWrite, u.output, u.reasoning],
    );
    assert.equal(trace.cost_status, "priced");
    assert.equal(usd(trace.estimated_cost_usd), usd(t.cost(u)));
  });
}

/**
 * The Anthropic SDK asking Claude on Bedrock for extended thinking in a tool loop: the budget goes
 * in Converse's extra fields, the client gets Claude's reasoning as a thinking block; its
 * signature cannot come back as Bedrock's yet (part T5 seals it), so the second turn leaves
 * thinking off rather than have Claude refuse the call without its signed block (the stub
 * enforces that rule).
 */
async function thinkingCell(gw: Gateway, streaming: boolean): Promise<void> {
  const t = targets.find((x) => x.protocol === "bedrock.converse")!;
  const before = upstreamRequests(gw.stubs, t).length;
  const got = await toolLoop("anthropic.messages", gw.origin, t.route, streaming, true);
  assert.equal(got.thought, "Paris weather: call the tool.");
  assert.equal(got.text, answer.join(""));
  const sent = upstreamRequests(gw.stubs, t).slice(before);
  assert.equal(sent.length, 2);
  assert.deepStrictEqual(sent[0]!.body.additionalModelRequestFields?.thinking, thinkingAsked);
  const traces = await newTraces(gw, 2);
  for (const trace of traces) {
    assert.deepStrictEqual([trace.provider, trace.model, trace.response_status], [
      t.provider,
      t.model,
      200,
    ]);
  }
}

/** The translated cells: a client on a target of another wire format. */
const cells: [ClientName, Target][] = [];
for (const client of ["openai.chat", "openai.responses", "anthropic.messages"] as const) {
  for (const t of targets) {
    const openaiClient = client !== "anthropic.messages";
    if (openaiClient ? t.protocol === "openai.chat" : t.protocol === "anthropic.messages") continue;
    cells.push([client, t]);
  }
}

Deno.test("e2e translate: the official SDKs on every translated cell (Chat, Responses, Messages on OpenAI-compatible, Anthropic, Gemini, Bedrock Converse targets), a tool loop each and an upstream's refusal, streamed and not", async (t) => {
  const gw = await startGateway();
  try {
    for (const [client, target] of cells) {
      for (const streaming of [false, true]) {
        await t.step(
          `${client} -> ${target.protocol} (${target.provider}/${target.model}), ${
            streaming ? "streamed" : "not streamed"
          }`,
          () => cell(gw, client, target, streaming),
        );
      }
    }
    for (const [client, target] of cells) {
      for (const streaming of [false, true]) {
        await t.step(
          `${client} -> ${target.protocol}: the upstream's ${target.busy.status}, ${
            streaming ? "streamed" : "not streamed"
          }`,
          () =>
            errorCell(
              gw,
              client,
              target,
              streaming,
              () => upstreamRequests(gw.stubs, target).length,
              (n) => newTraces(gw, n),
            ),
        );
      }
    }
    for (const streaming of [false, true]) {
      await t.step(
        `anthropic.messages -> bedrock.converse with thinking, ${
          streaming ? "streamed" : "not streamed"
        }`,
        () => thinkingCell(gw, streaming),
      );
    }
    await t.step(
      "anthropic.messages -> gemini.generate: the upstream's 429 with RetryInfo",
      () => rateLimitCell(gw, () => gw.stubs.gemini.seen.length, (n) => newTraces(gw, n)),
    );
  } finally {
    await gw.close();
  }
});
