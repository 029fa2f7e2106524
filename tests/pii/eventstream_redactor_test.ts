import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { redactText } from "../../src/pii/redact_text.ts";
import { builtinDetectors, createScan } from "../../src/pii/detectors/mod.ts";
import type { RedactRules } from "../../src/pii/types.ts";
import { createEventStreamRedactor, isAwsEventStream } from "../../src/pii/stream/mod.ts";
import {
  encodeEventStreamMessage,
  type EventStreamMessage,
  stringHeader,
  stringHeaders,
} from "../../src/providers/aws_eventstream.ts";
import { nextMessageEnd } from "../../src/providers/aws_eventstream_aligner.ts";

import { splittings } from "../providers/replay.ts";
import { nothingRules, placeholder, rules, values } from "./stream_fixture.ts";
import {
  bytesOf,
  converse,
  decodeOutput,
  eventsOf,
  invoke,
  run,
  textOf,
} from "./eventstream_replay.ts";

const piiPieces = [
  "Sure. Write to john.do",
  "e@exam",
  "ple.com or call +1 555 ",
  "123 45",
  "67. Your key is sk-proj-AbCdEf",
  "GhIjKlMnOpQrStUvWx1234 bye",
];
const piiText = piiPieces.join("");
const rawValues = [values.email, values.phone, values.key];
const expected = redactText(piiText, rules).text;

const transcripts = [
  { name: "ConverseStream", messages: converse(piiPieces) },
  { name: "InvokeModelWithResponseStream (Anthropic)", messages: invoke(piiPieces) },
];

/** True for a message that carries a text piece (a delta). */
function hasPiece(m: EventStreamMessage): boolean {
  const delta = eventsOf([m])[0]!.delta as Record<string, unknown> | undefined;
  return typeof delta?.text === "string" || delta?.toolUse !== undefined;
}

/** Raw whole messages of a byte stream that starts at a message boundary. */
function rawMessages(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let at = 0; at < bytes.length;) {
    const end = nextMessageEnd(bytes, at);
    out.push(Array.from(bytes.subarray(at, end)).join(","));
    at = end;
  }
  return out;
}

for (const { name, messages } of transcripts) {
  Deno.test(`${name}: values split across deltas and chunks are redacted at every split offset`, () => {
    const input = bytesOf(messages);
    for (const { label, pieces } of splittings(input)) {
      const { bytes, stopped, engine } = run(pieces, { rules, mode: "redact" });
      strictEqual(stopped, null, label);
      const out = decodeOutput(bytes);
      strictEqual(textOf(out).text, expected, label);
      const shown = JSON.stringify(eventsOf(out));
      for (const v of rawValues) ok(!shown.includes(v), `${label}: ${v} went out`);
      deepStrictEqual(engine.counts, { email: 1, phone: 1, api_key: 1 }, label);
    }
  });

  Deno.test(`${name}: with nothing found the client reads the same, at every split`, () => {
    const input = bytesOf(messages);
    const before = decodeOutput(input);
    const kept = rawMessages(input).filter((_, i) => !hasPiece(before[i]!));
    for (const { label, pieces } of splittings(input)) {
      const { bytes, stopped } = run(pieces, { rules: nothingRules, mode: "redact" });
      strictEqual(stopped, null, label);
      const after = decodeOutput(bytes);
      // Held text may be regrouped between deltas (as over SSE); every other message is the
      // same bytes, in the same order.
      deepStrictEqual(textOf(after), textOf(before), label);
      deepStrictEqual(rawMessages(bytes).filter((_, i) => !hasPiece(after[i]!)), kept, label);
    }
  });

  Deno.test(`${name}: messages without text pieces go out as the bytes that came in`, () => {
    const input = bytesOf(messages);
    const { bytes } = run([input], { rules, mode: "redact" });
    const sent = new Set(rawMessages(bytes));
    const kept = messages.filter((m) =>
      !JSON.stringify(eventsOf([m])).includes('_delta"') &&
      !JSON.stringify(eventsOf([m])).includes('"delta":{"text"')
    );
    ok(kept.length >= 4);
    for (const m of kept) {
      ok(
        sent.has(Array.from(encodeEventStreamMessage(m)).join(",")),
        JSON.stringify(eventsOf([m])),
      );
    }
  });
}

Deno.test("ConverseStream: a tool call's input split across deltas stays JSON, its value redacted", () => {
  const tool = ['{"to":"john.do', 'e@example.com","body":"call +1 555 ', '123 4567"}'];
  const input = bytesOf(converse(["Sending it."], tool));
  for (const { label, pieces } of splittings(input)) {
    const { bytes, stopped } = run(pieces, { rules, mode: "redact" });
    strictEqual(stopped, null, label);
    const args = JSON.parse(textOf(decodeOutput(bytes)).tool);
    deepStrictEqual(args, {
      to: placeholder("EMAIL", values.email),
      body: `call ${placeholder("PHONE", values.phone)}`,
    }, label);
  }
});

Deno.test("ConverseStream: reasoning text is redacted like text", () => {
  const reasoning = (text: string): EventStreamMessage => ({
    headers: stringHeaders({
      ":event-type": "contentBlockDelta",
      ":content-type": "application/json",
      ":message-type": "event",
    }),
    payload: new TextEncoder().encode(JSON.stringify({
      contentBlockIndex: 0,
      delta: { reasoningContent: { text } },
      p: "abc",
    })),
  });
  const messages = [reasoning("mail john.do"), reasoning("e@example.com now"), ...converse([])];
  const { bytes, stopped } = run([bytesOf(messages)], { rules, mode: "redact" });
  strictEqual(stopped, null);
  const text = eventsOf(decodeOutput(bytes)).map((e) =>
    ((e.delta as Record<string, { text?: string }> | undefined)?.reasoningContent?.text) ?? ""
  ).join("");
  strictEqual(text, `mail ${placeholder("EMAIL", values.email)} now`);
});

Deno.test("the real built-in detectors redact an email and an API key split across chunks", async () => {
  const real: RedactRules = {
    scan: createScan(Object.values(builtinDetectors)),
    isDeniedField: () => false,
    placeholder: (type) => `[${type}]`,
  };
  const input = bytesOf(converse([
    "Write to john.do",
    "e@example.com with key sk-ant-api03-AbCdEfGhIj",
    "KlMnOpQrStUvWxYz0123456789abcdefghij today.",
  ]));
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (let at = 0; at < input.length; at += 7) c.enqueue(input.slice(at, at + 7));
      c.close();
    },
  }).pipeThrough(createEventStreamRedactor({ rules: real, mode: "redact" }));
  const bytes = new Uint8Array(await new Response(body).arrayBuffer());
  const text = textOf(decodeOutput(bytes)).text;
  ok(!text.includes("john.doe") && !text.includes("sk-ant-api03"), text);
  ok(text.startsWith("Write to [EMAIL] with key ["), text);
  ok(text.endsWith(" today."), text);
});

Deno.test("block mode ends the stream with a validationException before any finding goes out", () => {
  for (const { name, messages } of transcripts) {
    for (const { label, pieces } of splittings(bytesOf(messages))) {
      let blocked = false;
      const { bytes } = run(pieces, { rules, mode: "block", onBlocked: () => blocked = true });
      ok(blocked, `${name} ${label}`);
      const out = decodeOutput(bytes);
      const last = out.at(-1)!;
      strictEqual(stringHeader(last, ":message-type"), "exception");
      strictEqual(stringHeader(last, ":exception-type"), "validationException");
      const shown = JSON.stringify(eventsOf(out.slice(0, -1)));
      for (const v of [values.email, "john.do", "e@exam"]) ok(!shown.includes(v), `${label}: ${v}`);
    }
  }
});

Deno.test("an error message's own header is redacted; the protocol headers are not", () => {
  const error: EventStreamMessage = {
    headers: stringHeaders({
      ":message-type": "error",
      ":error-code": "InternalFailure",
      ":error-message": `failed for ${values.email}`,
    }),
    payload: new Uint8Array(0),
  };
  const { bytes, stopped } = run([bytesOf([...converse(["hi"]).slice(0, 2), error])], {
    rules,
    mode: "redact",
  });
  strictEqual(stopped, null);
  const last = decodeOutput(bytes).at(-1)!;
  strictEqual(stringHeader(last, ":error-code"), "InternalFailure");
  strictEqual(
    stringHeader(last, ":error-message"),
    `failed for ${placeholder("EMAIL", values.email)}`,
  );
});

Deno.test("isAwsEventStream reads the media type only", () => {
  const cases: [string | null, boolean][] = [
    ["application/vnd.amazon.eventstream", true],
    ["Application/VND.Amazon.EventStream; charset=binary", true],
    ["text/event-stream", false],
    ["application/json", false],
    [null, false],
  ];
  for (const [type, want] of cases) strictEqual(isAwsEventStream(type), want, String(type));
});
