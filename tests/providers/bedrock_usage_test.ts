/**
 * The Bedrock rows of the usage fixture matrix (issue 20 plan section 11): Converse and
 * ConverseStream, InvokeModel and InvokeModelWithResponseStream (Anthropic family), each with no
 * cache, a cache write, a cache read and thinking. The expected trace row is computed here from
 * the plan's section 2 formulas, never by the code under test; stream and non-stream must give the
 * same row, at every split offset of the event stream. Then the cut and bad-CRC variants and the
 * peers' bugs the plan pins (Bifrost #4746, #5629, #6942).
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { createBedrockUsageParser } from "../../src/providers/bedrock_usage.ts";
import type { BedrockUsageReport } from "../../src/providers/bedrock_stream.ts";
import type { EventStreamMessage } from "../../src/providers/aws_eventstream.ts";
import type { ResponseInfo } from "../../src/providers/types.ts";
import type { Usage } from "../../src/providers/usage.ts";
import {
  bedrockInfo,
  bytesOf,
  chunkMessage,
  converseMessages,
  eventStreamType,
  exceptionMessage,
  readJson,
} from "./bedrock_fixtures.ts";
import { splittings } from "./replay.ts";

const enc = new TextEncoder();
const sonnet = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const sonnetPath = "us.anthropic.claude-sonnet-4-5-20250929-v1%3A0";

function run(
  info: ResponseInfo,
  pieces: Iterable<Uint8Array>,
  complete = true,
): BedrockUsageReport {
  const parser = createBedrockUsageParser(info);
  for (const p of pieces) parser.push(p);
  return parser.finish(complete);
}

function usageOf(input: number, output: number, cached = 0, write = 0, reasoning = 0): Usage {
  return {
    input_tokens: input,
    output_tokens: output,
    total_tokens: input + output,
    cached_input_tokens: cached,
    cache_write_tokens: write,
    reasoning_tokens: reasoning,
  };
}

// ---- Converse / ConverseStream ---------------------------------------------------------------

interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/** Plan section 2.2, written out independently of the code. */
function converseExpected(u: TokenUsage): Usage {
  const read = u.cacheReadInputTokens ?? 0;
  const write = u.cacheWriteInputTokens ?? 0;
  return usageOf(u.inputTokens + read + write, u.outputTokens, read, write, 0);
}

function tokenUsage(u: TokenUsage): Record<string, number> {
  const total = u.inputTokens + u.outputTokens + (u.cacheReadInputTokens ?? 0) +
    (u.cacheWriteInputTokens ?? 0);
  return { ...u, totalTokens: total };
}

const textEvents: [string, Record<string, unknown>][] = [
  ["messageStart", { role: "assistant" }],
  ["contentBlockDelta", { delta: { text: "Hello" }, contentBlockIndex: 0 }],
  ["contentBlockDelta", { delta: { text: " world" }, contentBlockIndex: 0 }],
  ["contentBlockStop", { contentBlockIndex: 0 }],
  ["messageStop", { stopReason: "end_turn" }],
];
const reasoningEvents: [string, Record<string, unknown>][] = [
  ["messageStart", { role: "assistant" }],
  ["contentBlockDelta", {
    delta: { reasoningContent: { text: "Let me think." } },
    contentBlockIndex: 0,
  }],
  ["contentBlockDelta", {
    delta: { reasoningContent: { signature: "sig" } },
    contentBlockIndex: 0,
  }],
  ["contentBlockStop", { contentBlockIndex: 0 }],
  ["contentBlockDelta", { delta: { text: "Answer." }, contentBlockIndex: 1 }],
  ["contentBlockStop", { contentBlockIndex: 1 }],
  ["messageStop", { stopReason: "end_turn" }],
];

const converseRows: { name: string; usage: TokenUsage; events: typeof textEvents }[] = [
  { name: "no cache", usage: { inputTokens: 10, outputTokens: 5 }, events: textEvents },
  {
    name: "cache write",
    usage: {
      inputTokens: 12,
      outputTokens: 7,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 1500,
    },
    events: textEvents,
  },
  {
    name: "cache read",
    usage: {
      inputTokens: 14,
      outputTokens: 9,
      cacheReadInputTokens: 1500,
      cacheWriteInputTokens: 0,
    },
    events: textEvents,
  },
  {
    name: "thinking (reasoningContent, no separate count)",
    usage: { inputTokens: 16, outputTokens: 311 },
    events: reasoningEvents,
  },
];

function converseStream(events: typeof textEvents, usage: Record<string, unknown>): Uint8Array {
  return bytesOf(
    converseMessages([...events, ["metadata", { usage, metrics: { latencyMs: 380 } }]]),
  );
}

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

// ---- InvokeModel / InvokeModelWithResponseStream (Anthropic family) --------------------------

interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** Plan section 2.3: as the Anthropic reader (input includes cache reads and writes). */
function invokeExpected(u: AnthropicUsage): Usage {
  const input = u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
  return usageOf(input, u.output_tokens, u.cache_read_input_tokens, u.cache_creation_input_tokens);
}

function metricsOf(u: AnthropicUsage) {
  return {
    inputTokenCount: u.input_tokens,
    outputTokenCount: u.output_tokens,
    invocationLatency: 1307,
    firstByteLatency: 1100,
    ...(u.cache_read_input_tokens > 0 && { cacheReadInputTokenCount: u.cache_read_input_tokens }),
    ...(u.cache_creation_input_tokens > 0 &&
      { cacheWriteInputTokenCount: u.cache_creation_input_tokens }),
  };
}

function anthropicEvents(u: AnthropicUsage, thinking: boolean, metrics = true): unknown[] {
  const blocks = thinking
    ? [
      { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } },
      {
        type: "content_block_delta",
        index: 0,
        delta: { type: "thinking_delta", thinking: "Hmm." },
      },
      { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "s" } },
      { type: "content_block_stop", index: 0 },
    ]
    : [];
  const at = blocks.length / 4;
  return [
    {
      type: "message_start",
      message: {
        id: "msg_bdrk_01",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-5-20250929",
        content: [],
        usage: { ...u, output_tokens: 1 },
      },
    },
    ...blocks,
    { type: "content_block_start", index: at, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: at, delta: { type: "text_delta", text: "Hi" } },
    { type: "content_block_stop", index: at },
    { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: u },
    metrics
      ? { type: "message_stop", "amazon-bedrock-invocationMetrics": metricsOf(u) }
      : { type: "message_stop" },
  ];
}

const invokeRows: { name: string; usage: AnthropicUsage; thinking: boolean }[] = [
  {
    name: "no cache",
    usage: {
      input_tokens: 21,
      output_tokens: 45,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
    thinking: false,
  },
  {
    name: "cache write",
    usage: {
      input_tokens: 3,
      output_tokens: 47,
      cache_creation_input_tokens: 1502,
      cache_read_input_tokens: 0,
    },
    thinking: false,
  },
  {
    name: "cache read",
    usage: {
      input_tokens: 4,
      output_tokens: 49,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 1504,
    },
    thinking: false,
  },
  {
    name: "thinking",
    usage: {
      input_tokens: 23,
      output_tokens: 612,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
    thinking: true,
  },
];

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

// ---- Cut and corrupt streams -------------------------------------------------------------------

const cacheRead = converseRows[2]!;
const converseStreamBytes = converseStream(cacheRead.events, tokenUsage(cacheRead.usage));
const converseStreamInfo = bedrockInfo(`/model/${sonnetPath}/converse-stream`, eventStreamType);

Deno.test("bedrock converse-stream cut before its metadata is unknown at every cut point", () => {
  const messages = converseMessages([...cacheRead.events, ["metadata", {
    usage: tokenUsage(cacheRead.usage),
  }]]);
  const beforeMetadata = bytesOf(messages.slice(0, -1)).length;
  for (let cut = 0; cut < converseStreamBytes.length; cut++) {
    const r = run(converseStreamInfo, [converseStreamBytes.subarray(0, cut)], false);
    strictEqual(r.status, "unknown", `cut at ${cut}`);
    strictEqual(r.usage, null);
    if (cut <= beforeMetadata) strictEqual(r.parseErrors, 0);
  }
});

Deno.test("bedrock converse-stream cut after its metadata keeps the exact usage", () => {
  const r = run(converseStreamInfo, [converseStreamBytes], false);
  deepStrictEqual(r.usage, converseExpected(cacheRead.usage));
  strictEqual(r.status, "exact");
});

/** Flips one payload byte of message `index`: its message CRC no longer matches. */
function corrupt(messages: EventStreamMessage[], index: number): Uint8Array {
  const bytes = bytesOf(messages).slice();
  const start = bytesOf(messages.slice(0, index)).length;
  bytes[start + 20] = bytes[start + 20]! ^ 0x01;
  return bytes;
}

Deno.test("bedrock converse-stream with a bad message CRC: counted, usage still exact, input untouched", () => {
  const messages = converseMessages([...cacheRead.events, ["metadata", {
    usage: tokenUsage(cacheRead.usage),
  }]]);
  const bad = corrupt(messages, 1);
  const copy = bad.slice();
  for (const s of splittings(bad)) {
    const r = run(converseStreamInfo, s.pieces);
    deepStrictEqual(r, {
      model: sonnet,
      usage: converseExpected(cacheRead.usage),
      status: "exact",
      parseErrors: 1,
      frameErrors: 1,
    }, s.label);
  }
  deepStrictEqual(bad, copy);
});

Deno.test("bedrock converse-stream whose metadata has a bad CRC: unknown, counted", () => {
  const messages = converseMessages([...cacheRead.events, ["metadata", {
    usage: tokenUsage(cacheRead.usage),
  }]]);
  const r = run(converseStreamInfo, [corrupt(messages, messages.length - 1)]);
  deepStrictEqual(r, {
    model: sonnet,
    usage: null,
    status: "unknown",
    parseErrors: 1,
    frameErrors: 1,
  });
});

Deno.test("bedrock converse-stream with a bad prelude CRC stops reading: eventstream_corrupt", () => {
  const bytes = converseStreamBytes.slice();
  const second = bytesOf(converseMessages(cacheRead.events.slice(0, 1))).length;
  bytes[second + 9] = bytes[second + 9]! ^ 0xff;
  const r = run(converseStreamInfo, [bytes]);
  deepStrictEqual(r, {
    model: sonnet,
    usage: null,
    status: "unknown",
    parseErrors: 1,
    unknownReason: "eventstream_corrupt",
    frameErrors: 1,
  });
});

Deno.test("bedrock converse-stream with an in-band exception: flagged, usage unknown", () => {
  const messages = [
    ...converseMessages(cacheRead.events.slice(0, 2)),
    exceptionMessage("throttlingException", "Too many tokens, please wait before trying again."),
  ];
  const r = run(converseStreamInfo, [bytesOf(messages)]);
  deepStrictEqual(r, {
    model: sonnet,
    usage: null,
    status: "unknown",
    parseErrors: 0,
    upstreamStreamError: true,
  });
});

// ---- Peers' bugs the plan pins -----------------------------------------------------------------

Deno.test("Bifrost #4746: ConverseStream cache read and write come from metadata.usage", () => {
  const u = {
    inputTokens: 7,
    outputTokens: 11,
    cacheReadInputTokens: 900,
    cacheWriteInputTokens: 300,
  };
  const r = run(converseStreamInfo, [converseStream(textEvents, tokenUsage(u))]);
  deepStrictEqual(r.usage, usageOf(1207, 11, 900, 300));
});

Deno.test("Bifrost #5629: invoke-with-response-stream input tokens come from the body, else the metrics", () => {
  const info = bedrockInfo(`/model/${sonnetPath}/invoke-with-response-stream`, eventStreamType);
  const u = invokeRows[1]!.usage;
  // message_start without usage (what Bifrost emitted): message_delta's input fields still count.
  const events = anthropicEvents(u, false);
  (events[0] as { message: Record<string, unknown> }).message.usage = undefined;
  deepStrictEqual(
    run(info, [bytesOf(events.map((e) => chunkMessage(e)))]).usage,
    invokeExpected(u),
  );
  // Only output_tokens in the body: the invocation metrics give the whole figure.
  const bare = anthropicEvents(u, false).map((e) => {
    const ev = e as Record<string, unknown>;
    if (ev.type === "message_start") {
      return { ...ev, message: { id: "m", type: "message", content: [] } };
    }
    if (ev.type === "message_delta") return { ...ev, usage: { output_tokens: u.output_tokens } };
    return ev;
  });
  deepStrictEqual(run(info, [bytesOf(bare.map((e) => chunkMessage(e)))]), {
    model: sonnet,
    usage: invokeExpected(u),
    status: "exact",
    parseErrors: 0,
  });
});

Deno.test("invoke stream: body and metrics disagreeing keep the body and count a parse error", () => {
  const info = bedrockInfo(`/model/${sonnetPath}/invoke-with-response-stream`, eventStreamType);
  const u = invokeRows[0]!.usage;
  const events = anthropicEvents(u, false, false);
  events[events.length - 1] = {
    type: "message_stop",
    "amazon-bedrock-invocationMetrics": { inputTokenCount: 99, outputTokenCount: u.output_tokens },
  };
  deepStrictEqual(run(info, [bytesOf(events.map((e) => chunkMessage(e)))]), {
    model: sonnet,
    usage: invokeExpected(u),
    status: "exact",
    parseErrors: 1,
  });
});

Deno.test("invoke stream of another family: usage from the invocation metrics", () => {
  const info = bedrockInfo(
    "/model/mistral.mistral-large-2407-v1%3A0/invoke-with-response-stream",
    eventStreamType,
  );
  const chunks = [
    { outputs: [{ text: "Hello", stop_reason: null }] },
    {
      outputs: [{ text: "!", stop_reason: "stop" }],
      "amazon-bedrock-invocationMetrics": {
        inputTokenCount: 17,
        outputTokenCount: 3,
        invocationLatency: 300,
        firstByteLatency: 120,
      },
    },
  ];
  deepStrictEqual(run(info, [bytesOf(chunks.map((c) => chunkMessage(c)))]), {
    model: "mistral.mistral-large-2407-v1:0",
    usage: usageOf(17, 3),
    status: "exact",
    parseErrors: 0,
  });
});

Deno.test("Bifrost #6942: openai.* ConverseStream double count kept as reported and flagged", () => {
  const path = "/model/openai.gpt-5.6/converse-stream";
  const streamed = {
    inputTokens: 4995,
    outputTokens: 19,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 4993,
  };
  const r = run(bedrockInfo(path, eventStreamType), [
    converseStream(textEvents, tokenUsage(streamed)),
  ]);
  deepStrictEqual(r, {
    model: "openai.gpt-5.6",
    usage: converseExpected(streamed),
    status: "exact",
    parseErrors: 0,
    usageAnomaly: "bedrock_openai_cache_double_count",
  });
  // The non-streamed call's figures (inputTokens=2) follow the formula and raise no flag.
  const plain = {
    inputTokens: 2,
    outputTokens: 19,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 4993,
  };
  const body = enc.encode(JSON.stringify({ usage: tokenUsage(plain), stopReason: "end_turn" }));
  deepStrictEqual(run(bedrockInfo("/model/openai.gpt-5.6/converse", "application/json"), [body]), {
    model: "openai.gpt-5.6",
    usage: converseExpected(plain),
    status: "exact",
    parseErrors: 0,
  });
  // The same figures on an Anthropic model are not flagged (the rule is the openai family's).
  const anthropic = run(converseStreamInfo, [converseStream(textEvents, tokenUsage(streamed))]);
  strictEqual(anthropic.usageAnomaly, undefined);
});

// ---- Smaller rules -----------------------------------------------------------------------------

Deno.test("converse usage: the ...TokenCount aliases count only when the documented member is absent", () => {
  const info = bedrockInfo(`/model/${sonnetPath}/converse`, "application/json");
  const both = {
    inputTokens: 5,
    outputTokens: 6,
    cacheReadInputTokens: 100,
    cacheReadInputTokenCount: 100,
  };
  deepStrictEqual(
    run(info, [enc.encode(JSON.stringify({ usage: both }))]).usage,
    usageOf(105, 6, 100),
  );
  const alias = { inputTokens: 5, outputTokens: 6, cacheReadInputTokenCount: 12262 };
  deepStrictEqual(
    run(info, [enc.encode(JSON.stringify({ usage: alias }))]).usage,
    usageOf(12267, 6, 12262),
  );
});

Deno.test("converse usage: a missing or malformed figure is unknown, never zero", () => {
  const info = bedrockInfo(`/model/${sonnetPath}/converse`, "application/json");
  for (
    const usage of [{ outputTokens: 5 }, { inputTokens: -1, outputTokens: 5 }, {
      inputTokens: 1.5,
      outputTokens: 5,
    }, { inputTokens: 1, outputTokens: 5, cacheReadInputTokens: "7" }]
  ) {
    const r = run(info, [enc.encode(JSON.stringify({ usage }))]);
    strictEqual(r.status, "unknown", JSON.stringify(usage));
    strictEqual(r.usage, null);
  }
  strictEqual(run(info, [enc.encode("{}")]).status, "unknown");
});

Deno.test("bedrock paths without billed usage: count-tokens, errors, unknown paths", () => {
  const tokens = enc.encode('{"inputTokens":42}');
  strictEqual(
    run(bedrockInfo(`/model/${sonnetPath}/count-tokens`, "application/json"), [tokens]).status,
    "none",
  );
  const err = bedrockInfo(`/model/${sonnetPath}/converse`, "application/json", { status: 429 });
  strictEqual(run(err, [enc.encode('{"message":"Too many requests"}')]).status, "none");
  strictEqual(
    run(bedrockInfo("/guardrail/g1/version/1/apply", "application/json"), [enc.encode("{}")])
      .status,
    "none",
  );
});

Deno.test("a stream stopped by the proxy's bound is unknown with that reason", () => {
  const parser = createBedrockUsageParser(converseStreamInfo);
  parser.push(converseStreamBytes.subarray(0, 50));
  parser.stop("decoded_body_too_large");
  parser.push(converseStreamBytes.subarray(50));
  deepStrictEqual(parser.finish(true), {
    model: sonnet,
    usage: null,
    status: "unknown",
    parseErrors: 0,
    unknownReason: "decoded_body_too_large",
  });
});
