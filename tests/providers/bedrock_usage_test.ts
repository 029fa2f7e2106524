/**
 * The Bedrock rows of the usage fixture matrix (issue 20 plan section 11): Converse and
 * ConverseStream, InvokeModel and InvokeModelWithResponseStream (Anthropic family), each with no
 * cache, a cache write, a cache read and thinking. The expected trace row is computed from the
 * plan's section 2 formulas (bedrock_matrix.ts), never by the code under test; stream and
 * non-stream must give the same row, at every split offset of the event stream. Cut and corrupt
 * streams and the peers' bugs are in bedrock_usage_edges_test.ts.
 */
import { deepStrictEqual } from "node:assert/strict";
import type { BedrockUsageReport } from "../../src/providers/bedrock_stream.ts";
import {
  bedrockInfo,
  bytesOf,
  chunkMessage,
  converseMessages,
  eventStreamType,
  readJson,
} from "./bedrock_fixtures.ts";
import {
  anthropicEvents,
  converseExpected,
  converseRows,
  converseStream,
  enc,
  invokeExpected,
  invokeRows,
  run,
  sonnet,
  sonnetPath,
  tokenUsage,
  usageOf,
} from "./bedrock_matrix.ts";
import { splittings } from "./replay.ts";

for (const row of converseRows) {
  Deno.test(`bedrock converse matrix, ${row.name}: JSON and every split of the stream agree`, () => {
    const expected: BedrockUsageReport = {
      model: sonnet,
      usage: converseExpected(row.usage),
      status: "exact",
      parseErrors: 0,
    };
    const body = enc.encode(JSON.stringify({
      output: { message: { role: "assistant", content: [{ text: "Hello world" }] } },
      stopReason: "end_turn",
      usage: tokenUsage(row.usage),
      metrics: { latencyMs: 412 },
    }));
    const json = bedrockInfo(`/model/${sonnetPath}/converse`, "application/json");
    deepStrictEqual(run(json, [body]), expected, "converse JSON");
    deepStrictEqual(run(json, [body.subarray(0, 40), body.subarray(40)]), expected, "JSON split");

    const stream = converseStream(row.events, tokenUsage(row.usage));
    const info = bedrockInfo(`/model/${sonnetPath}/converse-stream`, eventStreamType);
    for (const s of splittings(stream)) deepStrictEqual(run(info, s.pieces), expected, s.label);
  });
}

for (const row of invokeRows) {
  Deno.test(`bedrock invoke matrix (Anthropic), ${row.name}: JSON and every split of the stream agree`, () => {
    const expected: BedrockUsageReport = {
      model: sonnet,
      usage: invokeExpected(row.usage),
      status: "exact",
      parseErrors: 0,
    };
    const body = enc.encode(JSON.stringify({
      id: "msg_bdrk_01",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5-20250929",
      content: [{ type: "text", text: "Hi" }],
      stop_reason: "end_turn",
      usage: row.usage,
    }));
    deepStrictEqual(
      run(bedrockInfo(`/model/${sonnetPath}/invoke`, "application/json"), [body]),
      expected,
    );
    const stream = bytesOf(
      anthropicEvents(row.usage, row.thinking).map((e, i) => chunkMessage(e, i)),
    );
    const info = bedrockInfo(`/model/${sonnetPath}/invoke-with-response-stream`, eventStreamType);
    for (const s of splittings(stream)) deepStrictEqual(run(info, s.pieces), expected, s.label);
  });
}

// ---- Recorded shapes ---------------------------------------------------------------------------

Deno.test("bedrock recorded ConverseStream (reasoning, text, tool use; padding): exact at every split", () => {
  const events = readJson<[string, Record<string, unknown>][]>(
    "converse_stream_tool_reasoning.json",
  );
  const stream = bytesOf(
    events.map(([t, p]) => ({
      ...converseMessages([[t, p]])[0]!,
      payload: enc.encode(JSON.stringify(p)),
    })),
  );
  const info = bedrockInfo(`/model/${sonnetPath}/converse-stream`, eventStreamType);
  const expected: BedrockUsageReport = {
    model: sonnet,
    usage: usageOf(16, 311),
    status: "exact",
    parseErrors: 0,
  };
  for (const s of splittings(stream)) deepStrictEqual(run(info, s.pieces), expected, s.label);
});

Deno.test("bedrock recorded invoke stream (Sonnet 4.6 with invocation metrics): exact, no conflict", () => {
  const events = readJson<unknown[]>("invoke_stream_anthropic.json");
  const stream = bytesOf(events.map((e, i) => chunkMessage(e, i)));
  const info = bedrockInfo(
    "/model/global.anthropic.claude-sonnet-4-6/invoke-with-response-stream",
    eventStreamType,
  );
  deepStrictEqual(run(info, [stream]), {
    model: "global.anthropic.claude-sonnet-4-6",
    usage: usageOf(680, 38),
    status: "exact",
    parseErrors: 0,
  });
});
