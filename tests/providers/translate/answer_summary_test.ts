/**
 * `summarizeAnswer` over the recorded answers of the translation cells and stream fixtures, each
 * protocol streamed and not: the upstream's answer and its translation for the client say the
 * same; streams cut anywhere keep the text so far; error documents, in-band errors, Gemini's
 * JSON-array stream, Bedrock's event stream, garbage and empty bodies; the bounds. And
 * `answerProtocolOf`, a trace's provider kind and path to its answer's protocol.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  answerProtocolOf,
  type AnswerSummary,
  maxSummaryTextChars,
  maxSummaryToolCalls,
  type Protocol,
  summarizeAnswer,
} from "../../../src/providers/translate/mod.ts";
import type { ProviderKind } from "../../../src/providers/mod.ts";
import { unhex } from "./cells_wire_others.ts";

const root = new URL("../../testdata/", import.meta.url).pathname;
const cellsRoot = `${root}translate/cells/`;
const enc = new TextEncoder();

function summary(
  protocol: Protocol,
  bytes: Uint8Array | string,
  truncated = false,
  contentType: string | null = null,
): AnswerSummary {
  const b = typeof bytes === "string" ? enc.encode(bytes) : bytes;
  return summarizeAnswer({ protocol, contentType, bytes: b, truncated });
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A recorded answer's bytes: SSE text, JSON (a client error's `{status, body}` unwrapped), or
 *  the hex of an AWS event stream. */
function answerBytes(path: string): Uint8Array {
  if (path.endsWith(".hex")) return unhex(Deno.readTextFileSync(path));
  if (path.endsWith(".sse")) return Deno.readFileSync(path);
  const doc = JSON.parse(Deno.readTextFileSync(path));
  const body = doc.status !== undefined && doc.body !== undefined ? doc.body : doc;
  return enc.encode(JSON.stringify(body));
}

const answerFiles = [
  "upstream_response.json",
  "upstream_response.sse",
  "upstream_response.eventstream.hex",
  "client_response.json",
  "client_response.sse",
];

interface Recorded {
  label: string;
  protocol: Protocol;
  bytes: Uint8Array;
  stream: boolean;
}

/** Every recorded answer of a cell case, with the protocol it speaks. */
function cellAnswers(cell: string, name: string): Recorded[] {
  const [client, column] = cell.split("__") as [Protocol, string];
  const upstream = column.replace("openai-compatible", "openai") as Protocol;
  const dir = `${cellsRoot}${cell}/${name}/`;
  return answerFiles.filter((f) => exists(dir + f)).map((f) => ({
    label: `${cell}/${name}/${f}`,
    protocol: f.startsWith("client") ? client : upstream,
    bytes: answerBytes(dir + f),
    stream: !f.endsWith(".json"),
  }));
}

function allCellAnswers(): Recorded[][] {
  const out: Recorded[][] = [];
  for (const cell of [...Deno.readDirSync(cellsRoot)].map((d) => d.name).sort()) {
    for (const name of [...Deno.readDirSync(cellsRoot + cell)].map((d) => d.name).sort()) {
      out.push(cellAnswers(cell, name));
    }
  }
  return out;
}

const toolNames = (s: AnswerSummary) => s.tool_calls.map((t) => t.name);
/** Chat and Responses have no stop-sequence reason: theirs is a plain end of turn. */
const plainStop = (s: AnswerSummary) =>
  s.stop_reason === "stop_sequence" ? "end_turn" : s.stop_reason;

Deno.test("cells: every recorded answer is whole, and its translation says the same", () => {
  let answers = 0;
  for (const group of allCellAnswers()) {
    const [first, ...rest] = group.map((r) => ({ r, s: summary(r.protocol, r.bytes) }));
    if (first === undefined) continue;
    for (const { r, s } of [first, ...rest]) {
      answers++;
      strictEqual(s.complete, true, r.label);
      ok(s.error === null || !s.error.startsWith("gateway:"), `${r.label}: ${s.error}`);
    }
    for (const { r, s } of rest) {
      if (first.s.error !== null) {
        // A translated error carries the upstream's message after the client's own label.
        ok(s.error?.endsWith(first.s.error.replace(/^\w+: /, "")), `${r.label}: ${s.error}`);
        continue;
      }
      strictEqual(s.text, first.s.text, r.label);
      deepStrictEqual(toolNames(s), toolNames(first.s), r.label);
      strictEqual(plainStop(s), plainStop(first.s), r.label);
    }
  }
  ok(answers > 300, `only ${answers} recorded answers`);
});

const weatherTools = [
  { name: "get_weather", arguments_chars: 16 },
  { name: "get_weather", arguments_chars: 15 },
  { name: "get_time", arguments_chars: 15 },
];
const whole = {
  text_truncated: false,
  tool_calls_truncated: false,
  error: null,
  complete: true,
};

/** One answer per protocol, streamed and not, summarized exactly. */
const goldens: [string, string, Partial<AnswerSummary>][] = [
  ["anthropic.messages__openai.chat/tools_parallel", "upstream_response.json", {
    text: "Looking both up.",
    reasoning_chars: null,
    tool_calls: weatherTools,
    stop_reason: "tool_use",
  }],
  ["anthropic.messages__openai.chat/stream_codec_golden", "upstream_response.sse", {
    text: "Checking both cities.",
    reasoning_chars: null,
    tool_calls: [
      { name: "get_weather", arguments_chars: 16 },
      { name: "get_weather", arguments_chars: 29 },
    ],
    stop_reason: "tool_use",
  }],
  ["anthropic.messages__openai-compatible.chat/stream_tools_indices", "upstream_response.sse", {
    text: "Looking both up.",
    reasoning_chars: 25, // `reasoning_content`, read for every Chat answer
    tool_calls: weatherTools,
    stop_reason: "tool_use",
  }],
  ["anthropic.messages__openai.responses/tools_parallel", "upstream_response.json", {
    text: "Looking both up.",
    reasoning_chars: null,
    tool_calls: weatherTools,
    stop_reason: "tool_use",
  }],
  ["anthropic.messages__openai.responses/stream_codec_golden", "upstream_response.sse", {
    text: "Reading it.",
    reasoning_chars: 29,
    tool_calls: [
      { name: "read_file", arguments_chars: 16 },
      { name: "list_dir", arguments_chars: 2 },
    ],
    stop_reason: "tool_use",
  }],
  ["openai.chat__anthropic.messages/stream_codec_golden", "upstream_response.json", {
    text: "Let me look.",
    reasoning_chars: 27,
    tool_calls: [{ name: "get_weather", arguments_chars: 16 }, { name: "now", arguments_chars: 2 }],
    stop_reason: "tool_use",
  }],
  ["openai.chat__anthropic.messages/stream_codec_golden", "upstream_response.sse", {
    text: "Let me look.",
    reasoning_chars: 27,
    tool_calls: [{ name: "get_weather", arguments_chars: 17 }, { name: "now", arguments_chars: 2 }],
    stop_reason: "tool_use",
  }],
  ["openai.chat__anthropic.messages/sampling_stop", "upstream_response.json", {
    text: "1 2 3 4 5 ",
    reasoning_chars: null,
    tool_calls: [],
    stop_reason: "stop_sequence",
  }],
  ["openai.responses__gemini.generate/thinking_budget", "upstream_response.json", {
    text: "No: 1001 = 7 × 11 × 13.",
    reasoning_chars: 19,
    tool_calls: [],
    stop_reason: "end_turn",
  }],
  ["openai.responses__gemini.generate/stream_codec_golden", "upstream_response.sse", {
    text: "Let me look that up.",
    reasoning_chars: 26,
    tool_calls: [{ name: "get_weather", arguments_chars: 15 }, {
      name: "get_time",
      arguments_chars: 2,
    }],
    stop_reason: "tool_use",
  }],
  ["openai.chat__bedrock.converse/tools_parallel", "upstream_response.json", {
    text: "Looking both up.",
    reasoning_chars: null,
    tool_calls: weatherTools,
    stop_reason: "tool_use",
  }],
  ["openai.chat__bedrock.converse/stream_codec_golden", "upstream_response.eventstream.hex", {
    text: "Checking both.",
    reasoning_chars: 17,
    tool_calls: [
      { name: "get_weather", arguments_chars: 16 },
      { name: "get_weather", arguments_chars: 28 },
    ],
    stop_reason: "tool_use",
  }],
];

Deno.test("goldens: one answer per protocol, streamed and not", () => {
  for (const [at, file, want] of goldens) {
    const [cell, name] = at.split("/") as [string, string];
    const r = cellAnswers(cell, name).find((a) => a.label.endsWith(file))!;
    deepStrictEqual(summary(r.protocol, r.bytes), { ...whole, ...want }, r.label);
  }
});

Deno.test("stream fixtures: the stream and its document say the same", () => {
  for (const protocol of ["anthropic.messages", "openai.chat"] as const) {
    const dir = `${root}translate/streams/${protocol}/`;
    for (const f of [...Deno.readDirSync(dir)].map((d) => d.name).sort()) {
      if (!f.endsWith(".sse") || f.includes(".to_") || f.endsWith(".encoded.sse")) continue;
      const s = summary(protocol, Deno.readFileSync(dir + f));
      strictEqual(s.complete, true, f);
      const doc = dir + f.replace(/\.sse$/, ".response.json");
      if (!exists(doc)) continue;
      const d = summary(protocol, Deno.readFileSync(doc));
      deepStrictEqual(
        [s.text, toolNames(s), s.stop_reason],
        [d.text, toolNames(d), d.stop_reason],
        f,
      );
    }
  }
});

/** Every recorded stream, with its whole summary. */
function recordedStreams(): { r: Recorded; full: AnswerSummary }[] {
  return allCellAnswers().flat().filter((r) => r.stream).map((r) => ({
    r,
    full: summary(r.protocol, r.bytes),
  }));
}

/**
 * What a summary of a stream's prefix may say: the text and calls so far, never the cut. A body
 * cut by the cap is never complete; one that merely ended early is complete only when it had
 * said how it ended (a Chat finish reason without `[DONE]`, Converse's `messageStop` without
 * `metadata`), and then it holds the whole answer.
 */
function checkPrefix(label: string, cut: AnswerSummary, full: AnswerSummary, capped: boolean) {
  if (capped || !cut.complete) strictEqual(cut.complete, false, label);
  else {
    deepStrictEqual(
      [cut.text, toolNames(cut), cut.stop_reason, cut.error],
      [full.text, toolNames(full), full.stop_reason, full.error],
      label,
    );
  }
  ok(full.text.startsWith(cut.text), `${label}: ${JSON.stringify(cut.text)}`);
  ok(cut.tool_calls.length <= full.tool_calls.length, label);
  deepStrictEqual(toolNames(cut), toolNames(full).slice(0, cut.tool_calls.length), label);
  // A body that ended before its first whole event holds no event: unreadable, and said so.
  const empty = !capped && cut.text === "" && cut.error?.startsWith("gateway: ") === true;
  ok(empty || cut.error === null || cut.error === full.error, `${label}: ${cut.error}`);
  ok(cut.stop_reason === null || cut.stop_reason === full.stop_reason, label);
}

Deno.test("a stream cut at any offset: the text so far, never complete when capped", () => {
  for (const { r, full } of recordedStreams()) {
    for (let at = 1; at < r.bytes.length; at += Math.max(1, Math.floor(r.bytes.length / 97))) {
      const bytes = r.bytes.subarray(0, at);
      checkPrefix(`${r.label} cut at ${at}`, summary(r.protocol, bytes, true), full, true);
      checkPrefix(`${r.label} ended at ${at}`, summary(r.protocol, bytes), full, false);
    }
  }
});

Deno.test("a stream cut in the middle keeps the text so far", () => {
  const sse = Deno.readFileSync(`${root}translate/streams/openai.chat/error_midstream.sse`);
  const text = new TextDecoder().decode(sse);
  const at = text.indexOf('data: {"error"');
  const s = summary("openai.chat", text.slice(0, at), true);
  deepStrictEqual({ ...s, complete: s.complete }, {
    text: "Partial",
    text_truncated: false,
    reasoning_chars: null,
    tool_calls: [],
    tool_calls_truncated: false,
    stop_reason: null,
    error: null,
    complete: false,
  });
});

Deno.test("error documents: each protocol's error answer gives its message", () => {
  for (
    const protocol of [
      "anthropic.messages",
      "bedrock.converse",
      "gemini.generate",
      "openai.chat",
      "openai.responses",
    ] as const
  ) {
    const table = JSON.parse(Deno.readTextFileSync(`${root}translate/errors/${protocol}.json`));
    for (const [name, answer] of Object.entries(table) as [string, { body: unknown }][]) {
      const s = summary(protocol, JSON.stringify(answer.body));
      const said = JSON.stringify(answer.body).match(/"message":\s*"([^"]+)"/)![1]!;
      ok(s.error?.endsWith(said), `${protocol} ${name}: ${s.error}`);
      deepStrictEqual([s.text, s.tool_calls, s.stop_reason, s.complete], ["", [], null, true]);
    }
  }
  // A bare-string error (vLLM, relays), and an error document answering a streamed request.
  strictEqual(
    summary("openai.chat", '{"error":"model not loaded"}').error,
    "openai: model not loaded",
  );
  const gemini = '{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED"}}';
  strictEqual(
    summary("gemini.generate", gemini, false, "text/event-stream").error,
    "gemini: quota",
  );
});

Deno.test("in-band stream errors end the stream with the provider's message", () => {
  const cases: [string, string][] = [
    ["anthropic.messages__openai.chat", "openai: The server is overloaded or not ready yet."],
    ["anthropic.messages__openai.responses", "openai: Our servers are currently overloaded."],
    ["openai.chat__anthropic.messages", "anthropic: Overloaded"],
    ["openai.chat__gemini.generate", "gemini: The model is overloaded. Please try again later."],
    ["openai.chat__bedrock.converse", "bedrock: serviceUnavailableException: Bedrock is unable"],
  ];
  for (const [cell, said] of cases) {
    const r = cellAnswers(cell, "stream_error_overloaded").find((a) =>
      a.label.includes("upstream")
    )!;
    const s = summary(r.protocol, r.bytes);
    ok(s.error?.startsWith(said), `${cell}: ${s.error}`);
    ok(s.text.startsWith("Partial"), `${cell}: ${s.text}`);
    deepStrictEqual([s.stop_reason, s.complete], [null, true], cell);
  }
  const mid = summary(
    "openai.chat",
    Deno.readFileSync(`${root}translate/streams/openai.chat/error_midstream.sse`),
  );
  deepStrictEqual([mid.text, mid.error], [
    "Partial",
    "openai: The server had an error while processing your request. Sorry about that!",
  ]);
});

Deno.test("Gemini's raw JSON error after its last event, outside SSE framing", () => {
  const chunk = (text: string) =>
    `data: ${
      JSON.stringify({ candidates: [{ content: { parts: [{ text }] }, index: 0 }] })
    }\r\n\r\n`;
  // googleapis/python-genai #1162: a 429 written line by line into the 200 stream.
  const raw = [
    "{",
    '  "error": {',
    '    "code": 429,',
    '    "message": "Resource exhausted. Please try again later.",',
    '    "status": "RESOURCE_EXHAUSTED"',
    "  }",
    "}",
    "",
  ].join("\n");
  const s = summary("gemini.generate", chunk("The sky") + chunk(" is") + raw);
  deepStrictEqual([s.text, s.error, s.stop_reason, s.complete], [
    "The sky is",
    "gemini: Resource exhausted. Please try again later.",
    null,
    true,
  ]);
  // Cut inside the object: no error invented, the stream not complete.
  const cut = summary("gemini.generate", chunk("The sky") + raw.slice(0, 30));
  deepStrictEqual([cut.text, cut.error, cut.complete], ["The sky", null, false]);
  // Stray non-JSON lines are no error.
  const stray = summary("gemini.generate", chunk("The sky") + "oops\n");
  deepStrictEqual([stray.error, stray.complete], [null, false]);
});

const arrayBytes = () => Deno.readFileSync(`${root}gemini/stream_array.txt`);

Deno.test("Gemini's JSON-array stream: whole, cut anywhere, with an error element", () => {
  const full = summary("gemini.generate", arrayBytes(), false, "application/json");
  deepStrictEqual(full, {
    ...whole,
    text: "The sky is blue.",
    reasoning_chars: null,
    tool_calls: [],
    stop_reason: "end_turn",
  });
  const bytes = arrayBytes();
  for (let at = 1; at < bytes.length; at++) {
    const cut = bytes.subarray(0, at);
    checkPrefix(`cut at ${at}`, summary("gemini.generate", cut, true), full, true);
    checkPrefix(`ended at ${at}`, summary("gemini.generate", cut), full, false);
  }
  const text = new TextDecoder().decode(bytes);
  const sep = text.search(/\},\s*\{/); // between the two chunks
  const first = summary("gemini.generate", text.slice(0, sep + 2), true);
  deepStrictEqual([first.text, first.complete], ["The sky", false]);
  // A string in the cut chunk that looks like a separator misleads one try, not the answer.
  const tricky = text.slice(0, sep + 2) +
    '{"candidates":[{"content":{"parts":[{"text":"a},{b';
  strictEqual(summary("gemini.generate", tricky, true).text, "The sky");
  const failed = `${
    text.slice(0, sep + 1)
  }\r\n,\r\n{"error":{"code":503,"message":"overloaded","status":"UNAVAILABLE"}}]`;
  const s = summary("gemini.generate", failed);
  deepStrictEqual([s.text, s.error, s.complete], ["The sky", "gemini: overloaded", true]);
});

Deno.test("Gemini's JSON-array stream says what its SSE stream says", () => {
  const r = cellAnswers("openai.responses__gemini.generate", "stream_codec_golden")
    .find((a) => a.label.includes("upstream"))!;
  const chunks = new TextDecoder().decode(r.bytes).split("\n").filter((l) => l.startsWith("data: "))
    .map((l) => l.slice("data: ".length));
  const array = `[${chunks.join("\r\n,\r\n")}]`;
  deepStrictEqual(summary("gemini.generate", array), summary("gemini.generate", r.bytes));
});

Deno.test("Bedrock's event stream: a corrupt frame is said, what came before kept", () => {
  const r = cellAnswers("openai.chat__bedrock.converse", "stream_codec_golden")
    .find((a) => a.label.endsWith(".hex"))!;
  const bad = r.bytes.slice();
  bad[bad.length - 40]! ^= 0xff; // inside the last frame: its CRC fails
  const s = summary("bedrock.converse", bad, false, "application/vnd.amazon.eventstream");
  ok(
    s.error?.startsWith(
      "gateway: the recorded bedrock.converse answer stream is broken: event stream: 1 frame(s) failed their CRC",
    ),
    String(s.error),
  );
  strictEqual(s.text, "Checking both.");
  strictEqual(s.complete, false);
  const prelude = r.bytes.slice();
  prelude[0] = 0x7f; // a prelude that declares 2 GB: decoding stops there
  ok(summary("bedrock.converse", prelude).error?.includes("stream is broken: event stream"));
});

const protocols: Protocol[] = [
  "openai.chat",
  "openai.responses",
  "anthropic.messages",
  "gemini.generate",
  "bedrock.converse",
];

/** A fixed byte sequence no wire format reads (a linear congruential generator). */
function noise(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

Deno.test("garbage: a clear error, never a throw", () => {
  const bodies: [string, Uint8Array | string][] = [
    ["noise", noise(4096)],
    ["an HTML error page", "<html><body>502 Bad Gateway</body></html>"],
    ["broken JSON", '{"id": "x", "choices": ['],
    ["a JSON array", "[1, 2, 3]"],
    ["JSON of another shape", '{"hello": "world"}'],
    ["SSE with non-JSON data", "data: not json\n\n"],
  ];
  for (const protocol of protocols) {
    for (const [name, body] of bodies) {
      const s = summary(protocol, body);
      ok(s.error?.startsWith("gateway: "), `${protocol} ${name}: ${s.error}`);
      deepStrictEqual([s.text, s.complete], ["", false], `${protocol} ${name}`);
    }
  }
  // What the body came as is named: a proxy's HTML page reads as one.
  const html = summary("openai.chat", "<html>502</html>", false, "text/html");
  strictEqual(
    html.error,
    "gateway: the recorded openai.chat answer is neither a JSON document nor a stream (no event in it) (content-type text/html)",
  );
});

Deno.test("hostile bytes: every recorded answer with bytes changed or cut never throws", () => {
  let x = 7;
  const next = () => (x = (x * 1103515245 + 12345) >>> 0) >>> 8;
  for (const r of allCellAnswers().flat()) {
    for (let round = 0; round < 8; round++) {
      const bytes = r.bytes.slice(0, r.bytes.length - (next() % 16));
      for (let k = 0; k < 1 + round; k++) bytes[next() % bytes.length] = next() & 0xff;
      for (const protocol of [r.protocol, protocols[next() % protocols.length]!]) {
        const s = summary(protocol, bytes, round % 2 === 0);
        ok(s.text.length <= maxSummaryTextChars, r.label);
        ok(s.complete === false || s.error === null || !s.error.startsWith("gateway:"), r.label);
      }
    }
  }
});

Deno.test("an empty body, or one of whitespace", () => {
  for (const protocol of protocols) {
    deepStrictEqual(summary(protocol, ""), {
      text: "",
      text_truncated: false,
      reasoning_chars: null,
      tool_calls: [],
      tool_calls_truncated: false,
      stop_reason: null,
      error: "gateway: the recorded answer is empty",
      complete: false,
    });
    ok(summary(protocol, " \r\n").error?.includes("only whitespace"), protocol);
  }
});

Deno.test("a document cut by the capture cap: not complete, nothing invented", () => {
  const r = cellAnswers("anthropic.messages__openai.chat", "tools_parallel")[0]!;
  const s = summary(r.protocol, r.bytes.subarray(0, 40), true);
  deepStrictEqual([s.text, s.tool_calls, s.error, s.complete], ["", [], null, false]);
});

function chatStream(deltas: string[]): string {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${
      JSON.stringify({ id: "c", model: "m", choices: [{ index: 0, delta, finish_reason: finish }] })
    }\n\n`;
  return deltas.map((d) => chunk({ content: d })).join("") + chunk({}, "stop") + "data: [DONE]\n\n";
}

Deno.test("bounds: text past its cap is cut whole-character, tool calls past theirs are counted", () => {
  const long = summary("openai.chat", chatStream(Array(100).fill("x".repeat(1000))));
  deepStrictEqual([long.text.length, long.text_truncated, long.complete], [
    maxSummaryTextChars,
    true,
    true,
  ]);
  // The cap falls inside an emoji's surrogate pair: the pair is left out whole.
  const emoji = summary("openai.chat", chatStream(["a", "😀".repeat(maxSummaryTextChars)]));
  strictEqual(emoji.text.length, maxSummaryTextChars - 1);
  ok(!/[\ud800-\udbff]$/.test(emoji.text));
  const calls = Array.from({ length: maxSummaryToolCalls + 10 }, (_, i) => ({
    type: "tool_use",
    id: `toolu_${i}`,
    name: `t${i}`,
    input: {},
  }));
  const doc = {
    id: "msg",
    type: "message",
    role: "assistant",
    model: "m",
    content: calls,
    stop_reason: "tool_use",
    usage: {},
  };
  const s = summary("anthropic.messages", JSON.stringify(doc));
  deepStrictEqual([s.tool_calls.length, s.tool_calls_truncated, s.tool_calls.at(-1)?.name], [
    maxSummaryToolCalls,
    true,
    `t${maxSummaryToolCalls - 1}`,
  ]);
});

const claude =
  "/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929";
const vertexGemini = "/v1beta1/projects/p/locations/global/publishers/google/models/gemini-2.5-pro";

Deno.test("answerProtocolOf: a trace's provider kind and path to its answer's protocol", () => {
  const table: [ProviderKind, string, Protocol | null][] = [
    ["openai", "/openai/v1/chat/completions", "openai.chat"],
    ["openai", "/v1/chat/completions", "openai.chat"],
    ["openai", "/openai/v1/responses", "openai.responses"],
    ["openai", "/openai/v1/responses?stream=true", "openai.responses"],
    ["openai", "/openai/v1/embeddings", null],
    ["openai", "/openai/v1/responses/resp_1", null],
    ["openai", "/openai/v1/models", null],
    ["openai-compatible", "/groq/v1/chat/completions", "openai.chat"],
    ["azure-openai", "/azure/openai/v1/chat/completions", "openai.chat"],
    ["azure-openai", "/azure/openai/deployments/gpt4o/chat/completions", "openai.chat"],
    ["azure-openai", "/azure/openai/responses", "openai.responses"],
    ["azure-openai", "/azure/openai/deployments/emb/embeddings", null],
    ["anthropic", "/anthropic/v1/messages", "anthropic.messages"],
    ["anthropic", "/v1/messages/", "anthropic.messages"],
    ["anthropic", "/anthropic/v1/messages/count_tokens", null],
    ["anthropic", "/anthropic/v1/chat/completions", "openai.chat"],
    ["anthropic", "/anthropic/v1/responses", null],
    ["gemini", "/gemini/v1beta/models/gemini-2.5-flash:generateContent", "gemini.generate"],
    ["gemini", "/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent", "gemini.generate"],
    ["gemini", "/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "gemini.generate"],
    ["gemini", "/gemini/v1beta/models/gemini-2.5-flash:countTokens", null],
    ["gemini", "/gemini/v1beta/models/text-embedding-004:embedContent", null],
    ["vertex", `/vertex${vertexGemini}:streamGenerateContent`, "gemini.generate"],
    ["vertex", `/vertex${vertexGemini}:predict`, null],
    ["vertex", `/vertex${claude}:rawPredict`, "anthropic.messages"],
    ["vertex", `/vertex${claude}:streamRawPredict`, "anthropic.messages"],
    [
      "vertex",
      "/vertex/v1/projects/p/locations/l/publishers/anthropic/models/count-tokens:rawPredict",
      null,
    ],
    [
      "bedrock",
      "/bedrock/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse",
      "bedrock.converse",
    ],
    ["bedrock", "/model/amazon.nova-pro-v1%3A0/converse-stream", "bedrock.converse"],
    ["bedrock", "/bedrock/model/anthropic.claude-v2/invoke", null],
    ["bedrock", "/bedrock/model/anthropic.claude-v2/invoke-with-response-stream", null],
    ["bedrock", "/bedrock/guardrail/g1/version/1/apply", null],
    ["openai", "", null],
    ["openai", `/${"a/".repeat(5000)}v1/chat/completions`, null],
  ];
  for (const [kind, path, want] of table) {
    strictEqual(answerProtocolOf(kind, path), want, `${kind} ${path}`);
  }
  // A translated exchange stores the upstream's answer (the target's protocol) under the
  // client's path, the provider the target's: the trace's metadata names the protocols.
  const translated: [ProviderKind, string, Record<string, unknown>, Protocol | null][] = [
    ["gemini", "/openai/v1/chat/completions", {
      client_protocol: "openai.chat",
      upstream_protocol: "gemini.generate",
    }, "gemini.generate"],
    ["bedrock", "/anthropic/v1/messages", {
      client_protocol: "anthropic.messages",
      upstream_protocol: "bedrock.converse",
    }, "bedrock.converse"],
    ["gemini", "/anthropic/v1/messages/count_tokens", {
      client_protocol: "anthropic.count_tokens",
      upstream_protocol: "gemini.generate",
    }, null],
    ["gemini", "/v1/chat/completions", { upstream_protocol: "something.new" }, null],
    // Metadata of an exchange that was not translated changes nothing.
    ["openai", "/openai/v1/responses", { replay_of: "t1" }, "openai.responses"],
  ];
  for (const [kind, path, metadata, want] of translated) {
    strictEqual(answerProtocolOf(kind, path, metadata), want, `${kind} ${path}`);
  }
});
