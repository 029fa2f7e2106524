/**
 * Bedrock commit rules over event-stream messages: a table per stream kind, the rules fed
 * through the usage parser's observer (the path the commit scanner takes) at every split offset,
 * and the termination message as bytes the AWS codec reads as the exception it names.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import {
  BedrockConverseCommitRules,
  BedrockInvokeCommitRules,
  bedrockTermination,
} from "../../src/providers/commit_bedrock.ts";
import {
  bedrockObserverName,
  type BedrockStreamMessage,
  bedrockStreamMessage,
} from "../../src/providers/bedrock_stream.ts";
import { createBedrockUsageParser } from "../../src/providers/bedrock_usage.ts";
import type { EventVerdict } from "../../src/providers/commit_types.ts";
import {
  EventStreamDecoder,
  type EventStreamMessage,
} from "../../src/providers/aws_eventstream.ts";
import type { StreamEnd } from "../../src/providers/stream_commit.ts";
import {
  bedrockInfo,
  bytesOf,
  chunkMessage,
  errorMessage,
  eventMessage,
  eventStreamType,
  exceptionMessage,
  readJson,
} from "./bedrock_fixtures.ts";
import { splittings } from "./replay.ts";

const m = (e: EventStreamMessage): BedrockStreamMessage => bedrockStreamMessage(e);
const preamble: EventVerdict = { kind: "preamble" };
const content: EventVerdict = { kind: "content" };
const clean: EventVerdict = { kind: "end", problem: null };

Deno.test("converse-stream rules: table", () => {
  const cases: [string, EventStreamMessage, EventVerdict][] = [
    ["messageStart", eventMessage("messageStart", { role: "assistant", p: "abc" }), preamble],
    [
      "text block start (none)",
      eventMessage("contentBlockStart", { start: {}, contentBlockIndex: 0 }),
      preamble,
    ],
    [
      "tool use start",
      eventMessage("contentBlockStart", {
        start: { toolUse: { toolUseId: "t", name: "f" } },
        contentBlockIndex: 1,
      }),
      content,
    ],
    [
      "text delta",
      eventMessage("contentBlockDelta", { delta: { text: "Hi" }, contentBlockIndex: 0, p: "x" }),
      content,
    ],
    [
      "empty text delta",
      eventMessage("contentBlockDelta", { delta: { text: "" }, contentBlockIndex: 0 }),
      preamble,
    ],
    [
      "reasoning delta",
      eventMessage("contentBlockDelta", {
        delta: { reasoningContent: { text: "hm" } },
        contentBlockIndex: 0,
      }),
      content,
    ],
    [
      "empty reasoning delta",
      eventMessage("contentBlockDelta", {
        delta: { reasoningContent: { text: "" } },
        contentBlockIndex: 0,
      }),
      preamble,
    ],
    [
      "redacted reasoning",
      eventMessage("contentBlockDelta", {
        delta: { reasoningContent: { redactedContent: "AAEC" } },
        contentBlockIndex: 0,
      }),
      content,
    ],
    [
      "tool input delta",
      eventMessage("contentBlockDelta", {
        delta: { toolUse: { input: '{"a":' } },
        contentBlockIndex: 1,
      }),
      content,
    ],
    [
      "empty tool input",
      eventMessage("contentBlockDelta", {
        delta: { toolUse: { input: "" } },
        contentBlockIndex: 1,
      }),
      preamble,
    ],
    [
      "citation",
      eventMessage("contentBlockDelta", {
        delta: { citation: { title: "t" } },
        contentBlockIndex: 0,
      }),
      content,
    ],
    ["contentBlockStop", eventMessage("contentBlockStop", { contentBlockIndex: 0 }), content],
    ["unknown event type", eventMessage("somethingNew", { a: 1 }), content],
    ["payload not JSON", eventMessage("contentBlockDelta", "nope"), {
      kind: "malformed",
      detail: `an event's data is not JSON: "nope"`,
    }],
    ["metadata before messageStop", eventMessage("metadata", { usage: {} }), {
      kind: "end",
      problem: "a metadata event before any messageStop",
    }],
    ["throttling exception", exceptionMessage("throttlingException", "Too many tokens"), {
      kind: "error",
      status: 429,
      error: { category: "rate_limited", message: "Too many tokens" },
    }],
    [
      "validation exception, too long",
      exceptionMessage("validationException", "Input is too long for requested model."),
      {
        kind: "error",
        status: 400,
        error: { category: "context_length", message: "Input is too long for requested model." },
      },
    ],
    ["model stream error", exceptionMessage("modelStreamErrorException", "boom"), {
      kind: "error",
      status: 424,
      error: { category: "server_error", message: "boom" },
    }],
    ["service unavailable", exceptionMessage("serviceUnavailableException", "busy"), {
      kind: "error",
      status: 503,
      error: { category: "overloaded", message: "busy" },
    }],
    ["unmodeled error message", errorMessage("InternalFailure", "oops"), {
      kind: "error",
      status: null,
      error: { category: "other", message: "oops" },
    }],
  ];
  for (const [name, message, expected] of cases) {
    const rules = new BedrockConverseCommitRules();
    deepStrictEqual(rules.classifyMessage(m(message)), expected, name);
    // Through the observer's names, as the scanner sees them.
    const viaName = new BedrockConverseCommitRules();
    const bm = m(message);
    deepStrictEqual(
      viaName.classify(bedrockObserverName(bm), bm.payload),
      expected,
      `${name} (by name)`,
    );
  }
});

Deno.test("converse-stream rules: metadata after messageStop is the clean end, classify and glance", () => {
  for (const look of ["classifyMessage", "glanceMessage"] as const) {
    const rules = new BedrockConverseCommitRules();
    deepStrictEqual(
      rules[look](m(eventMessage("messageStop", { stopReason: "end_turn" }))),
      preamble,
    );
    strictEqual(rules.answerFacts, null);
    deepStrictEqual(rules[look](m(eventMessage("metadata", { usage: {} }))), clean);
  }
  const rules = new BedrockConverseCommitRules();
  deepStrictEqual(rules.glanceMessage(m(eventMessage("contentBlockDelta", "{x"))), {
    kind: "malformed",
    detail: "an event's payload is not a JSON object",
  });
  deepStrictEqual(
    rules.glanceMessage(m(exceptionMessage("internalServerException", "x"))).kind,
    "error",
  );
});

Deno.test("converse-stream rules: a 200 that did not answer says so by its stopReason", () => {
  const cases: [string, unknown][] = [
    ["guardrail_intervened", {
      category: "content_policy",
      message: "stopReason: guardrail_intervened",
    }],
    ["content_filtered", { category: "content_policy", message: "stopReason: content_filtered" }],
    ["model_context_window_exceeded", {
      category: "context_length",
      message: "stopReason: model_context_window_exceeded",
    }],
    ["max_tokens", null],
    ["tool_use", null],
  ];
  for (const [stopReason, facts] of cases) {
    for (const look of ["classifyMessage", "glanceMessage"] as const) {
      const rules = new BedrockConverseCommitRules();
      rules[look](m(eventMessage("messageStop", { stopReason, p: "abc" })));
      deepStrictEqual(rules.answerFacts, facts, `${stopReason} (${look})`);
    }
  }
});

/** Feeds a stream through the usage parser with an observer that runs the rules like the scanner. */
function verdicts(
  rulesOf: () => BedrockConverseCommitRules | BedrockInvokeCommitRules,
  path: string,
  pieces: Uint8Array[],
): { kinds: string[]; end: boolean | null } {
  const rules = rulesOf();
  const kinds: string[] = [];
  let end: boolean | null = null;
  const parser = createBedrockUsageParser(bedrockInfo(path, eventStreamType), {
    event: (name, data) => void kinds.push(rules.classify(name, data).kind),
    lost: () => void kinds.push("lost"),
    end: (complete): StreamEnd => {
      end = complete;
      return { kind: "clean" };
    },
  });
  for (const p of pieces) parser.push(p);
  parser.finish(true);
  return { kinds, end };
}

Deno.test("converse-stream rules through the observer: the recorded stream, every split", () => {
  const events = readJson<[string, Record<string, unknown>][]>(
    "converse_stream_tool_reasoning.json",
  );
  const bytes = bytesOf(events.map(([t, p]) => eventMessage(t, p)));
  const expected = [
    "preamble",
    "content",
    "content",
    "content",
    "content",
    "content",
    "content",
    "content",
    "content",
    "content",
    "content",
    "preamble",
    "end",
  ];
  for (const s of splittings(bytes)) {
    deepStrictEqual(
      verdicts(() => new BedrockConverseCommitRules(), "/model/m.x/converse-stream", s.pieces),
      { kinds: expected, end: true },
      s.label,
    );
  }
});

Deno.test("invoke-with-response-stream rules: Anthropic chunks, other families, exceptions", () => {
  const anthropic = readJson<unknown[]>("invoke_stream_anthropic.json");
  const rules = new BedrockInvokeCommitRules();
  deepStrictEqual(
    anthropic.map((e, i) => rules.classifyMessage(m(chunkMessage(e, i))).kind),
    ["preamble", "preamble", "content", "content", "content", "preamble", "end"],
  );
  const glance = new BedrockInvokeCommitRules();
  deepStrictEqual(
    anthropic.map((e, i) => glance.glanceMessage(m(chunkMessage(e, i))).kind),
    ["preamble", "preamble", "content", "content", "content", "preamble", "end"],
  );
  const error = { type: "error", error: { type: "overloaded_error", message: "Overloaded" } };
  deepStrictEqual(rules.classifyMessage(m(chunkMessage(error))), {
    kind: "error",
    status: 529,
    error: { category: "overloaded", message: "Overloaded" },
  });
  const other: [unknown, string][] = [
    [{ outputs: [{ text: "", stop_reason: null }] }, "preamble"],
    [{ outputs: [{ text: "Hi", stop_reason: null }] }, "content"],
    [{ generation: "Hello", prompt_token_count: null }, "content"],
    [{ choices: [{ index: 0, delta: { content: "I" } }] }, "content"],
    [{
      outputs: [],
      "amazon-bedrock-invocationMetrics": { inputTokenCount: 1, outputTokenCount: 2 },
    }, "end"],
  ];
  for (const [event, kind] of other) {
    strictEqual(
      new BedrockInvokeCommitRules().classifyMessage(m(chunkMessage(event))).kind,
      kind,
      JSON.stringify(event),
    );
  }
  deepStrictEqual(rules.classifyMessage(m(eventMessage("chunk", { p: "x" }))), {
    kind: "malformed",
    detail: "a chunk whose payload holds no base64 bytes",
  });
  deepStrictEqual(rules.classifyMessage(m(exceptionMessage("modelTimeoutException", "slow"))), {
    kind: "error",
    status: 408,
    error: { category: "server_error", message: "slow" },
  });
});

Deno.test("a message type the SDK does not know is malformed", () => {
  const odd: EventStreamMessage = {
    ...eventMessage("x", {}),
    headers: new Map([[":message-type", { type: "string", value: "weird" }]]),
  };
  strictEqual(new BedrockConverseCommitRules().classifyMessage(m(odd)).kind, "malformed");
});

Deno.test("termination: one whole exception message, read by the AWS codec as the SDK reads it", () => {
  const codec = new EventStreamCodec(
    (s: Uint8Array) => new TextDecoder().decode(s),
    (s: string) => new TextEncoder().encode(s),
  );
  const cases: [string | undefined, string][] = [
    [undefined, "internalServerException"],
    ["stream_stalled", "internalServerException"],
    ["pii_blocked", "validationException"],
  ];
  for (const [code, type] of cases) {
    const bytes = new BedrockConverseCommitRules().termination(
      "the gateway stopped the stream",
      code,
    );
    deepStrictEqual(bytes, bedrockTermination("the gateway stopped the stream", code));
    const decoded = codec.decode(bytes);
    strictEqual(decoded.headers[":message-type"]?.value, "exception");
    strictEqual(decoded.headers[":exception-type"]?.value, type);
    strictEqual(decoded.headers[":content-type"]?.value, "application/json");
    deepStrictEqual(JSON.parse(new TextDecoder().decode(decoded.body)), {
      message: "the gateway stopped the stream",
    });
    // And our own rules read it back as the in-band error it is.
    const [message] = new EventStreamDecoder().push(bytes);
    strictEqual(new BedrockInvokeCommitRules().classifyMessage(m(message!)).kind, "error");
  }
});
