/**
 * Bedrock usage at the edges: streams cut or corrupted (bad message and prelude CRCs counted, the
 * bytes untouched), in-band exceptions, the peers' bugs the issue 20 plan pins (Bifrost #4746,
 * #5629, #6942), the cache-figure aliases, malformed figures and paths without billed usage.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { createBedrockUsageParser } from "../../src/providers/bedrock_usage.ts";
import type { EventStreamMessage } from "../../src/providers/aws_eventstream.ts";
import { crc32 } from "../../src/providers/crc32.ts";
import {
  bedrockInfo,
  bytesOf,
  chunkMessage,
  converseMessages,
  eventStreamType,
  exceptionMessage,
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
  textEvents,
  tokenUsage,
  usageOf,
} from "./bedrock_matrix.ts";
import { splittings } from "./replay.ts";

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

Deno.test("invoke stream: body and metrics disagreeing keep the body, counted and named", () => {
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
    usageAnomaly: "bedrock_usage_reports_disagree",
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

Deno.test("hostile streams: a message declared past the bound, or bytes that are no event stream", () => {
  // A valid prelude declaring 20 MiB: decoding stops before holding any of it.
  const huge = new Uint8Array(12);
  const view = new DataView(huge.buffer);
  view.setUint32(0, 20 * 1024 * 1024);
  view.setUint32(4, 0);
  view.setUint32(8, crc32(huge.subarray(0, 8)));
  deepStrictEqual(run(converseStreamInfo, [huge, new Uint8Array(4096)]), {
    model: sonnet,
    usage: null,
    status: "unknown",
    parseErrors: 0,
    unknownReason: "eventstream_message_too_large",
  });
  // JSON sent with the event-stream content type: its first 12 bytes are no prelude.
  const r = run(converseStreamInfo, [enc.encode('{"usage":{"inputTokens":1,"outputTokens":2}}')]);
  strictEqual(r.status, "unknown");
  strictEqual(r.unknownReason, "eventstream_corrupt");
  strictEqual(r.usage, null);
});
