/**
 * `StreamCommitScanner.feed`: the framing is fed whole events, one at a time, and a malformed
 * event after the commit point is the cut. Each transcript (per protocol, with LF, CRLF and CR
 * line ends, with and without comment blocks) is fed whole, split at every byte and byte by byte;
 * every splitting must release exactly the events before the malformed one (nothing of it or after
 * it), and the client's stream then ends with the protocol's error event. A clean transcript is
 * released whole, and the framing's usage report is the one a parser of the whole body gives.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  anthropicAdapter,
  openAiAdapter,
  type ProviderAdapter,
  type ResponseInfo,
  type UsageReport,
} from "../../src/providers/mod.ts";
import { lastEventEnd, nextEventEnd } from "../../src/providers/sse_event_aligner.ts";
import { splittings } from "./replay.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

interface Case {
  name: string;
  adapter: ProviderAdapter;
  path: string;
  /** Event blocks, LF line ends; `bad` is the index of the malformed one (null: none). */
  blocks: string[];
  bad: number | null;
  /** A piece of the error event the client's stream must end with. */
  termination: string;
  /** Parse errors the usage parser counts for the malformed event (default 1). */
  parseErrors?: number;
}

const chatChunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${
    JSON.stringify({
      id: "chatcmpl-1",
      object: "chat.completion.chunk",
      created: 1,
      model: "gpt-4o",
      choices: [{ index: 0, delta, finish_reason: finish }],
    })
  }\n\n`;
const chatUsage = `data: ${
  JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-4o",
    choices: [],
    usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
  })
}\n\n`;
const chat = (bad: string | null): string[] => [
  chatChunk({ role: "assistant", content: "" }),
  chatChunk({ content: "Hello" }),
  ": keep-alive\n\n",
  chatChunk({ content: " there" }),
  ...(bad === null ? [] : [bad]),
  chatChunk({ content: "!" }),
  chatChunk({}, "stop"),
  chatUsage,
  "data: [DONE]\n\n",
];

const responsesEvent = (type: string, n: number, more: Record<string, unknown> = {}) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: n, ...more })}\n\n`;
const responses = (bad: string | null): string[] => [
  responsesEvent("response.created", 0, { response: { id: "resp_1", status: "in_progress" } }),
  responsesEvent("response.output_text.delta", 1, { item_id: "m", delta: "Hello" }),
  responsesEvent("response.output_text.delta", 2, { item_id: "m", delta: " there" }),
  ...(bad === null ? [] : [bad]),
  responsesEvent("response.output_text.delta", 3, { item_id: "m", delta: "!" }),
  responsesEvent("response.completed", 4, {
    response: {
      id: "resp_1",
      model: "gpt-4o",
      status: "completed",
      usage: {
        input_tokens: 7,
        output_tokens: 3,
        total_tokens: 10,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens_details: { reasoning_tokens: 0 },
      },
    },
  }),
];

const anthropicEvent = (type: string, data: Record<string, unknown>) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const textDelta = (text: string) =>
  anthropicEvent("content_block_delta", { index: 0, delta: { type: "text_delta", text } });
const messages = (bad: string | null): string[] => [
  anthropicEvent("message_start", {
    message: {
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-x",
      content: [],
      usage: { input_tokens: 7, output_tokens: 1 },
    },
  }),
  anthropicEvent("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
  ': comment line\nevent: ping\ndata: {"type": "ping"}\n\n',
  textDelta("Hello"),
  textDelta(" there"),
  ...(bad === null ? [] : [bad]),
  textDelta("!"),
  anthropicEvent("content_block_stop", { index: 0 }),
  anthropicEvent("message_delta", {
    delta: { stop_reason: "end_turn" },
    usage: { output_tokens: 3 },
  }),
  anthropicEvent("message_stop", {}),
];

const withBad = (blocks: (bad: string | null) => string[], bad: string) => {
  const all = blocks(bad);
  return { blocks: all, bad: all.indexOf(bad) };
};

const chatPath = "/v1/chat/completions";
const cases: Case[] = [
  {
    name: "chat: data that is not JSON",
    adapter: openAiAdapter,
    path: chatPath,
    ...withBad(chat, 'data: {"id":"chatcmpl-1","choices":[{"index":0,"delta":{"con\n\n'),
    termination: '"code":"upstream_malformed_stream"',
  },
  {
    name: "chat: data that is a JSON array, after a comment line in the same block",
    adapter: openAiAdapter,
    path: chatPath,
    ...withBad(chat, ": note\ndata: [1, 2]\n\n"),
    termination: '"code":"upstream_malformed_stream"',
  },
  {
    // A terminator that ends an unfinished answer would read as a clean end: it is cut too.
    name: "chat: [DONE] without any finish_reason",
    adapter: openAiAdapter,
    path: chatPath,
    blocks: [...chat(null).slice(0, 4), "data: [DONE]\n\n"],
    bad: 4,
    termination: '"code":"upstream_malformed_stream"',
    parseErrors: 0,
  },
  {
    name: "chat: clean",
    adapter: openAiAdapter,
    path: chatPath,
    blocks: chat(null),
    bad: null,
    termination: "",
  },
  {
    name: "responses: data that is a JSON string",
    adapter: openAiAdapter,
    path: "/v1/responses",
    ...withBad(responses, 'event: response.output_text.delta\ndata: "oops"\n\n'),
    termination: '"code":"upstream_malformed_stream"',
    // Valid JSON, only not an object: the usage reader skips it without counting.
    parseErrors: 0,
  },
  {
    name: "responses: clean",
    adapter: openAiAdapter,
    path: "/v1/responses",
    blocks: responses(null),
    bad: null,
    termination: "",
  },
  {
    name: "anthropic: data that is not JSON",
    adapter: anthropicAdapter,
    path: "/v1/messages",
    ...withBad(messages, "event: content_block_delta\ndata: {not json\n\n"),
    termination: '"type":"api_error"',
  },
  {
    name: "anthropic: clean",
    adapter: anthropicAdapter,
    path: "/v1/messages",
    blocks: messages(null),
    bad: null,
    termination: "",
  },
];

const info = (path: string): ResponseInfo => ({
  path,
  status: 200,
  contentType: "text/event-stream",
  requestedStreaming: true,
  requestModel: null,
});

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Feeds `pieces` as route_stream.ts does; the client's bytes and the framing's report. */
function run(c: Case, pieces: Uint8Array[]): { client: Uint8Array; report: UsageReport } {
  const i = info(c.path);
  const scanner = c.adapter.createCommitScanner!(i, {
    mode: "first_content",
    maxHeldBytes: 1 << 20,
    alignEvents: true,
  })!;
  const framing = c.adapter.createUsageParser(i, scanner);
  const sent: Uint8Array[] = [];
  const send = (b: Uint8Array | null) => b !== null && sent.push(b.slice());
  for (const p of pieces) {
    send(scanner.feed(p.slice(), framing));
    if (scanner.cut !== null) break;
  }
  if (scanner.cut === null) send(scanner.endFeed(framing));
  strictEqual(scanner.state.kind, "commit");
  if (scanner.cut !== null) {
    const end = enc.encode(scanner.termination("bad event", "upstream_malformed_stream"));
    framing.push(end);
    send(end);
  }
  return { client: join(sent), report: framing.finish(true) };
}

const variants = (text: string) => [
  { name: "LF", text },
  { name: "CRLF", text: text.replaceAll("\n", "\r\n") },
  { name: "CR", text: text.replaceAll("\n", "\r") },
];

for (const c of cases) {
  Deno.test(`feed: ${c.name}`, () => {
    for (const v of variants(c.blocks.join(""))) {
      const bytes = enc.encode(v.text);
      const good = c.bad === null ? v.text : variants(c.blocks.slice(0, c.bad).join(""))
        .find((x) => x.name === v.name)!.text;
      const clean = c.adapter.createUsageParser(info(c.path));
      clean.push(bytes);
      const cleanReport = clean.finish(true);
      for (const s of splittings(bytes)) {
        const label = `${v.name}, ${s.label}`;
        const { client, report } = run(c, s.pieces);
        const text = dec.decode(client);
        if (c.bad === null) {
          strictEqual(text, v.text, `${label}: the upstream's bytes, whole`);
          deepStrictEqual(report, cleanReport, `${label}: the framing reads what the client gets`);
          continue;
        }
        ok(text.startsWith(good), `${label}: every event before the malformed one`);
        const rest = text.slice(good.length);
        ok(rest.startsWith("event: error\n") || rest.startsWith('data: {"error"'), label);
        ok(rest.includes(c.termination), `${label}: ${rest}`);
        strictEqual(lastEventEnd([], client), client.length, `${label}: ends an event`);
        // The malformed event the framing read (the client never got it).
        strictEqual(report.parseErrors, c.parseErrors ?? 1, label);
        strictEqual(report.upstreamStreamError, true, `${label}: the error event is read`);
      }
    }
  });
}

Deno.test("feed: a malformed last event without its blank line is cut at the end", () => {
  const blocks = chat(null).slice(0, 4).concat(['data: {"broken'] as string[]);
  const c: Case = {
    name: "end",
    adapter: openAiAdapter,
    path: chatPath,
    blocks,
    bad: 4,
    termination: "",
  };
  for (const s of splittings(enc.encode(blocks.join("")))) {
    const { client } = run(c, s.pieces);
    const text = dec.decode(client);
    ok(text.startsWith(blocks.slice(0, 4).join("")), s.label);
    ok(!text.includes("broken"), `${s.label}: ${text}`);
    ok(text.includes('"code":"upstream_malformed_stream"'), s.label);
  }
});

Deno.test("nextEventEnd: the first boundary, with the LF of a CRLF and blank lines after it", () => {
  const table: [string, number[], string, number, number][] = [
    ["LF", [], "data: a\n\ndata: b\n\n", 0, 9],
    ["LF, from", [], "data: a\n\ndata: b\n\n", 9, 18],
    ["CRLF", [], "data: a\r\n\r\ndata: b", 0, 11],
    ["CR", [], "data: a\r\rdata: b", 0, 9],
    ["blank lines after", [], "data: a\n\n\n\r\ndata: b", 0, 12],
    ["none", [], "data: a\ndata: b\n", 0, -1],
    ["across reads (LF)", [10], "\ndata: b", 0, 1],
    ["across reads (CRLF)", [13, 10, 13], "\ndata: b", 0, 1],
    ["a line end only", [97], "\ndata", 0, -1],
  ];
  for (const [name, prev, text, from, expected] of table) {
    strictEqual(nextEventEnd(prev, enc.encode(text), from), expected, name);
  }
});

Deno.test("passFrame: a malformed WebSocket frame after the commit point is never relayed", () => {
  const scanner = openAiAdapter.webSocket!.commitScanner({
    mode: "first_content",
    maxHeldBytes: 1 << 20,
  });
  const frames = [
    JSON.stringify({ type: "response.created", sequence_number: 0, response: { id: "r" } }),
    JSON.stringify({ type: "response.output_text.delta", sequence_number: 1, delta: "Hi" }),
    "{not json",
    JSON.stringify({ type: "response.output_text.delta", sequence_number: 2, delta: "!" }),
  ];
  const relayed: string[] = [];
  for (const f of frames) {
    scanner.event(null, f);
    relayed.push(...scanner.passFrame(f));
  }
  deepStrictEqual(relayed, frames.slice(0, 2));
  strictEqual(scanner.cut?.reason, "malformed");
  const error = JSON.parse(scanner.termination("bad frame", "upstream_malformed_stream"));
  strictEqual(error.type, "error");
  strictEqual(error.error.code, "upstream_malformed_stream");
});

Deno.test("feed: the cut says why (an unclean end is not a malformed event)", () => {
  const i = info(chatPath);
  const scanner = openAiAdapter.createCommitScanner!(i, {
    mode: "first_content",
    maxHeldBytes: 1 << 20,
    alignEvents: true,
  })!;
  const framing = openAiAdapter.createUsageParser(i, scanner);
  const out = scanner.feed(
    enc.encode(chat(null).slice(0, 4).join("") + "data: [DONE]\n\n"),
    framing,
  );
  strictEqual(dec.decode(out!), chat(null).slice(0, 4).join(""));
  strictEqual(scanner.cut?.reason, "unclean_end");
  ok(scanner.cut?.detail.includes("finish_reason"));
});
