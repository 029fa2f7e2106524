/**
 * `ongoingai replay`'s pure parts: the API options from the flags (`replayOptionsOf`), and the
 * `--compare` text (`wrap`, `compareText`, `traceSide`, `answerSide`): unknown is "unknown",
 * never 0, and every column and text is bounded.
 */
import assert from "node:assert/strict";
import { replayOptionsOf } from "../../src/cli/replay.ts";
import { UsageError } from "../../src/cli/args.ts";
import {
  answerSide,
  type CompareSide,
  compareText,
  traceSide,
  wrap,
} from "../../src/cli/replay_compare.ts";

Deno.test("replayOptionsOf: flags to the API's options", () => {
  const cases: { name: string; flags: Parameters<typeof replayOptionsOf>[0]; options: unknown }[] =
    [
      { name: "none: a replay", flags: {}, options: {} },
      { name: "empty --set list", flags: { set: [] }, options: {} },
      { name: "model", flags: { model: "gpt-4.1" }, options: { model: "gpt-4.1" } },
      { name: "route", flags: { route: "fast" }, options: { route: "fast" } },
      {
        name: "provider and model",
        flags: { provider: "groq", model: "llama" },
        options: { model: "llama", provider: "groq" },
      },
      {
        name: "allow-redacted",
        flags: { "allow-redacted": true },
        options: { allow_redacted: true },
      },
      { name: "allow-redacted false", flags: { "allow-redacted": false }, options: {} },
      {
        name: "JSON values",
        flags: {
          set: [
            "temperature=0",
            "max_tokens=64",
            "stream=true",
            'stop=["\\n"]',
            'metadata={"a":1}',
            "user=null",
            'name="quoted"',
          ],
        },
        options: {
          set: {
            temperature: 0,
            max_tokens: 64,
            stream: true,
            stop: ["\n"],
            metadata: { a: 1 },
            user: null,
            name: "quoted",
          },
        },
      },
      {
        name: "plain strings",
        flags: { set: ["user=alice", "empty=", "eq=a=b", "spaced= x "] },
        options: { set: { user: "alice", empty: "", eq: "a=b", spaced: " x " } },
      },
      {
        name: "a name repeated: the last wins",
        flags: { set: ["temperature=0", "temperature=1"] },
        options: { set: { temperature: 1 } },
      },
    ];
  for (const c of cases) assert.deepEqual(replayOptionsOf(c.flags), c.options, c.name);
});

Deno.test("replayOptionsOf: usage errors say what to give", () => {
  const cases: { flags: Parameters<typeof replayOptionsOf>[0]; says: RegExp }[] = [
    { flags: { model: "a", route: "b" }, says: /give --model or --route, not both/ },
    { flags: { set: ["temperature"] }, says: /--set takes NAME=VALUE.*"temperature"/ },
    { flags: { set: ["=1"] }, says: /--set takes NAME=VALUE.*"=1"/ },
    { flags: { set: ["temperature=0", ""] }, says: /--set takes NAME=VALUE.*""/ },
  ];
  for (const c of cases) {
    assert.throws(() => replayOptionsOf(c.flags), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, c.says);
      return true;
    });
  }
});

Deno.test("wrap: words whole where they fit, long words split, lines bounded", () => {
  const cases: { name: string; text: string; width: number; max: number; lines: string[] }[] = [
    { name: "empty", text: "", width: 10, max: 5, lines: [""] },
    { name: "fits", text: "one two", width: 10, max: 5, lines: ["one two"] },
    {
      name: "words kept whole",
      text: "one two three four",
      width: 9,
      max: 5,
      lines: ["one two", "three", "four"],
    },
    { name: "exactly the width", text: "abcde fghij", width: 5, max: 5, lines: ["abcde", "fghij"] },
    {
      name: "a long word split",
      text: "ab abcdefghijkl cd",
      width: 5,
      max: 10,
      lines: ["ab", "abcde", "fghij", "kl cd"],
    },
    {
      name: "paragraphs kept",
      text: "a\n\nb",
      width: 5,
      max: 10,
      lines: ["a", "", "b"],
    },
    {
      name: "cut with a marker",
      text: "1\n2\n3\n4\n5\n6",
      width: 5,
      max: 4,
      lines: ["1", "2", "3", "[...]"],
    },
    {
      name: "exactly max lines: no marker",
      text: "1\n2\n3\n4",
      width: 5,
      max: 4,
      lines: ["1", "2", "3", "4"],
    },
    {
      name: "one long word past the bound",
      text: "x".repeat(100),
      width: 10,
      max: 3,
      lines: ["x".repeat(10), "x".repeat(10), "[...]"],
    },
  ];
  for (const c of cases) {
    const got = wrap(c.text, c.width, c.max);
    assert.deepEqual(got, c.lines, c.name);
    assert.ok(got.length <= c.max, c.name);
    for (const line of got) assert.ok(line.length <= c.width, `${c.name}: ${line}`);
  }
});

function side(over: Partial<CompareSide> = {}): CompareSide {
  return {
    trace_id: "s".repeat(32),
    status: 200,
    provider: "openai",
    model: "gpt-4o-mini",
    input_tokens: 12,
    output_tokens: 0,
    estimated_cost_usd: 0,
    cost_status: "priced",
    latency_ms: 1250,
    time_to_first_token_ms: null,
    streaming: null,
    text: "Hello there.",
    text_truncated: false,
    stop_reason: "stop",
    error: null,
    complete: true,
    ...over,
  };
}

const facts = { status: 200, trace_id: "n".repeat(32), changed: [], notes: [] };

Deno.test("compareText: unknown is shown as unknown, zero as 0", () => {
  const unknown = side({
    trace_id: null,
    status: null,
    provider: null,
    model: null,
    input_tokens: null,
    output_tokens: null,
    estimated_cost_usd: null,
    cost_status: null,
    latency_ms: null,
    time_to_first_token_ms: null,
    stop_reason: null,
    text: "",
    complete: false,
  });
  const out = compareText("s".repeat(32), facts, { source: side(), replay: unknown });
  const row = (label: string) => out.split("\n").find((l) => l.startsWith(label))!;
  assert.match(row("status"), /200\s+unknown$/);
  assert.match(row("input tokens"), /12\s+unknown$/);
  assert.match(row("output tokens"), /0\s+unknown$/);
  assert.match(row("cost"), /\$0\.000000\s+unknown$/);
  assert.match(row("latency"), /1250 ms\s+unknown$/);
  assert.match(row("first token"), /unknown\s+unknown$/);
  assert.match(row("model"), /gpt-4o-mini\s+unknown$/);
  assert.match(out, /\(no text\)/);
  assert.match(out, /\[answer incomplete or not stored\]/);
  assert.match(out, /replayed s{32} as n{32}\n$/);
  assert.match(out.split("\n")[0]!, /source\s+replay$/);
  const unpriced = compareText("x", facts, {
    source: side({ estimated_cost_usd: null, cost_status: "unpriced_model" }),
    replay: side(),
  });
  assert.match(unpriced, /cost\s+unknown \(unpriced_model\)\s+\$0\.000000/);
});

Deno.test("compareText: a fork names its changes, notes and a not-traced replay", () => {
  const out = compareText("s", {
    status: 200,
    trace_id: null,
    changed: ["model", "set.temperature"],
    notes: ["query_parameters_not_stored"],
  }, { source: side(), replay: side({ error: "rate limited", text_truncated: true }) });
  assert.match(out.split("\n")[0]!, /source\s+fork$/);
  assert.match(out, /changed: model, set\.temperature/);
  assert.match(out, /notes: query_parameters_not_stored/);
  assert.match(out, /\[text cut\]/);
  assert.match(out, /error: rate limited/);
  assert.match(out, /replayed s as \(not traced\)\n$/);
});

Deno.test("compareText: long answers are wrapped into bounded columns", () => {
  const long = Array.from({ length: 400 }, (_, i) => `word${i}`).join(" ");
  const out = compareText("s", facts, {
    source: side({ text: long }),
    replay: side({ text: `${"y".repeat(500)}\n${long}` }),
  });
  const textLines = out.split("\n").slice(12);
  // 40 lines of text per side at most, then the closing line.
  assert.ok(textLines.length <= 42, String(textLines.length));
  assert.ok(out.includes("[...]"));
  for (const line of out.split("\n")) assert.ok(line.length <= 13 + 2 + 48 + 2 + 48, line);
});

Deno.test("traceSide and answerSide: unknown fields stay null, never 0", () => {
  const t = traceSide({
    id: "t",
    response_status: 200,
    provider: "openai",
    model: "m",
    input_tokens: null,
    output_tokens: "12",
    estimated_cost_usd: null,
    cost_status: "unknown_usage",
    latency_ms: Number.NaN,
    time_to_first_token_ms: 5,
    response_body: null,
  }, "openai.chat");
  assert.equal(t.input_tokens, null);
  assert.equal(t.output_tokens, null);
  assert.equal(t.estimated_cost_usd, null);
  assert.equal(t.latency_ms, null);
  assert.equal(t.time_to_first_token_ms, 5);
  assert.equal(t.complete, false);
  const chat = JSON.stringify({
    id: "c",
    object: "chat.completion",
    model: "gpt-4o-mini",
    choices: [{ index: 0, message: { role: "assistant", content: "Hi!" }, finish_reason: "stop" }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });
  const fromTrace = traceSide(
    { id: "t", response_body: chat, response_body_truncated: false },
    "openai.chat",
  );
  assert.equal(fromTrace.text, "Hi!");
  // The summary speaks one vocabulary of stop reasons for every protocol.
  assert.equal(fromTrace.stop_reason, "end_turn");
  assert.equal(fromTrace.complete, true);
  const a = answerSide({
    status: 200,
    bytes: new TextEncoder().encode(chat),
    cut: false,
    headers: {
      "x-ongoingai-answer-protocol": "openai.chat",
      "x-ongoingai-trace-id": "n",
      "content-type": "application/json",
    },
  });
  assert.equal(a.text, "Hi!");
  assert.equal(a.trace_id, "n");
  assert.equal(a.input_tokens, null);
  assert.equal(a.estimated_cost_usd, null);
  assert.equal(a.complete, true);
  // A cut answer is never complete; an unnamed protocol shows the bytes' start.
  const cut = answerSide({
    status: 200,
    bytes: new TextEncoder().encode(chat),
    cut: true,
    headers: { "x-ongoingai-answer-protocol": "openai.chat" },
  });
  assert.equal(cut.complete, false);
  const raw = answerSide({
    status: 502,
    bytes: new TextEncoder().encode("bad gateway"),
    cut: false,
    headers: {},
  });
  assert.equal(raw.text, "bad gateway");
  assert.equal(raw.complete, false);
  // The trace's own text when it stored the answer; the answer's when it did not.
  const fallback = traceSide({ id: "t", response_body: null }, "openai.chat", a);
  assert.equal(fallback.text, "Hi!");
});

// Defects found while writing these tests, fixed since: each test says what correct output is.

Deno.test({
  name: "replayOptionsOf: a --set number JSON cannot hold exactly is refused, not changed",
  fn() {
    // Today: 12345678901234567000 and null are sent, silently.
    for (const pair of ["seed=12345678901234567890", "x=1e400"]) {
      assert.throws(() => replayOptionsOf({ set: [pair] }), UsageError, pair);
    }
  },
});

Deno.test({
  name: "compareText: answer text cannot drive the terminal (control characters shown escaped)",
  fn() {
    const out = compareText("s", facts, {
      source: side({ text: "ok\u001b[2J\rfake row", model: "m\u001b]0;title\u0007" }),
      replay: side(),
    });
    // deno-lint-ignore no-control-regex
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(out), JSON.stringify(out));
  },
});

Deno.test({
  name: "wrap: a character outside the BMP is never split into lone surrogates",
  fn() {
    for (const line of wrap(`${"a".repeat(47)}\u{1F600}b`, 48, 5)) {
      assert.ok(line.isWellFormed(), JSON.stringify(line));
    }
  },
});

Deno.test("traceSide: a translated trace's answer is read in the upstream's protocol", () => {
  const anthropic = JSON.stringify({
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4",
    content: [{ type: "text", text: "Bonjour" }],
    stop_reason: "end_turn",
    usage: { input_tokens: 3, output_tokens: 2 },
  });
  const side = traceSide({
    id: "t",
    response_body: anthropic,
    metadata: { client_protocol: "openai.chat", upstream_protocol: "anthropic.messages" },
  }, "openai.chat");
  assert.equal(side.text, "Bonjour");
  assert.equal(side.complete, true);
});
