/**
 * The event-stream decoder fed in pieces: every split gives the same messages, a cut stream
 * dispatches nothing from its partial message, bad CRCs are counted without touching the bytes,
 * and declared sizes past the bounds stop it before anything is held.
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import {
  encodeEventStreamMessage,
  EventStreamDecoder,
  eventStreamException,
  type EventStreamMessage,
  stringHeader,
} from "../../src/providers/aws_eventstream.ts";
import { splittings, testdata } from "./replay.ts";
import { converseStream, prelude, rawMessage, transcript } from "./aws_eventstream_transcript.ts";

const allHeaders = Deno.readFileSync(
  new URL("aws_eventstream/encoded/positive/all_headers", testdata),
);
const [allHeadersMessage] = new EventStreamDecoder().push(allHeaders);
const messages: EventStreamMessage[] = [
  ...converseStream,
  allHeadersMessage!,
  eventStreamException("internalServerException", "the upstream stream broke off"),
];
const { bytes, ends } = transcript(messages);

function decodeAll(decoder: EventStreamDecoder, pieces: Uint8Array[]): EventStreamMessage[] {
  const out: EventStreamMessage[] = [];
  for (const p of pieces) out.push(...decoder.push(p));
  return out;
}

function bytePieces(b: Uint8Array): Uint8Array[] {
  return Array.from(b, (_, i) => b.subarray(i, i + 1));
}

Deno.test("decoder: every split offset and single bytes give the same messages", () => {
  for (const s of splittings(bytes)) {
    const decoder = new EventStreamDecoder();
    deepStrictEqual(decodeAll(decoder, s.pieces), messages, s.label);
    deepStrictEqual(decoder.stats, {
      messages: messages.length,
      preludeCrcErrors: 0,
      messageCrcErrors: 0,
    });
    strictEqual(decoder.pending, 0, s.label);
    strictEqual(decoder.stopped, null, s.label);
  }
});

Deno.test("decoder: messages own their bytes (the fed buffer may be reused)", () => {
  for (const s of [[bytes.slice()], bytePieces(bytes.slice())]) {
    const out = decodeAll(new EventStreamDecoder(), s);
    for (const p of s) p.fill(0);
    deepStrictEqual(out, messages);
  }
});

Deno.test("decoder: a stream cut at any offset dispatches only the messages it holds whole", () => {
  for (let k = 0; k <= bytes.length; k++) {
    const whole = ends.filter((e) => e <= k);
    const last = whole.at(-1) ?? 0;
    for (const pieces of [[bytes.subarray(0, k)], bytePieces(bytes.subarray(0, k))]) {
      const decoder = new EventStreamDecoder();
      deepStrictEqual(decodeAll(decoder, pieces), messages.slice(0, whole.length), `cut at ${k}`);
      strictEqual(decoder.pending, k - last, `cut at ${k}: pending`);
      strictEqual(decoder.stopped, null);
    }
  }
});

Deno.test("decoder: a bad message CRC anywhere is counted, skipped, and the bytes are unchanged", () => {
  for (let i = 0; i < messages.length; i++) {
    const start = i === 0 ? 0 : ends[i - 1]!;
    // Bytes inside the headers, the payload and the message CRC itself.
    for (const at of [start + 12, ends[i]! - 6, ends[i]! - 1]) {
      const corrupt = bytes.slice();
      corrupt[at]! ^= 0x40;
      const before = corrupt.slice();
      const want = messages.filter((_, j) => j !== i);
      for (
        const s of [[corrupt], bytePieces(corrupt), [corrupt.subarray(0, at), corrupt.subarray(at)]]
      ) {
        const decoder = new EventStreamDecoder();
        deepStrictEqual(decodeAll(decoder, s), want, `message ${i} byte ${at}`);
        deepStrictEqual(decoder.stats, {
          messages: messages.length - 1,
          preludeCrcErrors: 0,
          messageCrcErrors: 1,
        });
        strictEqual(decoder.corruptFrames, 1);
        strictEqual(decoder.stopped, null);
      }
      deepStrictEqual(corrupt, before, "the decoder only reads");
    }
  }
});

Deno.test("decoder: a bad prelude stops decoding there: counted, nothing held, never thrown", () => {
  for (let i = 0; i < messages.length; i++) {
    const start = i === 0 ? 0 : ends[i - 1]!;
    for (let at = start; at < start + 12; at++) {
      const corrupt = bytes.slice();
      corrupt[at]! ^= 0x01;
      for (const s of [[corrupt], bytePieces(corrupt)]) {
        const decoder = new EventStreamDecoder();
        deepStrictEqual(decodeAll(decoder, s), messages.slice(0, i), `message ${i} byte ${at}`);
        strictEqual(decoder.stopped, "eventstream_corrupt");
        ok(decoder.detail?.startsWith("prelude CRC"), decoder.detail ?? "");
        strictEqual(decoder.stats.preludeCrcErrors, 1);
        strictEqual(decoder.pending, 0);
        deepStrictEqual(decoder.push(bytes), [], "nothing after the stop");
      }
    }
  }
});

Deno.test("decoder: a declared size past the bounds stops before holding anything", () => {
  const cases: [
    string,
    Uint8Array,
    { maxMessageBytes: number; maxHeaderBytes: number } | undefined,
  ][] = [
    ["16 MiB + 1", prelude(16 * 1024 * 1024 + 1, 0), undefined],
    ["4 GiB - 1", prelude(0xffffffff, 100), undefined],
    ["headers past 128 KiB", prelude(1024 * 1024, 128 * 1024 + 1), undefined],
    ["past a small bound", prelude(101, 0), { maxMessageBytes: 100, maxHeaderBytes: 50 }],
    ["headers past a small bound", prelude(100, 51), { maxMessageBytes: 100, maxHeaderBytes: 50 }],
  ];
  for (const [name, head, limits] of cases) {
    for (const s of [[head, new Uint8Array(5000)], bytePieces(head)]) {
      // Messages within the bound before it still decode (the small bounds fit none).
      const before = limits === undefined ? converseStream : [];
      const decoder = new EventStreamDecoder(limits);
      deepStrictEqual(decodeAll(decoder, [...before.map(encodeEventStreamMessage), ...s]), before);
      strictEqual(decoder.stopped, "eventstream_message_too_large", name);
      ok(decoder.detail?.includes("past the bound"), decoder.detail ?? "");
      strictEqual(decoder.pending, 0, name);
    }
  }
  // Exactly at the bound is still decoded.
  const at = rawMessage(new Uint8Array(0), new Uint8Array(84));
  const decoder = new EventStreamDecoder({ maxMessageBytes: 100, maxHeaderBytes: 0 });
  strictEqual(decoder.push(at).length, 1);
});

Deno.test("decoder: impossible lengths and bad header blocks stop it as corrupt", () => {
  const name = Uint8Array.of(1, 0x78);
  const cases: [string, Uint8Array, string][] = [
    ["total below 16", prelude(15, 0), "cannot hold"],
    ["headers longer than the message", prelude(20, 5), "cannot hold"],
    [
      "unknown header type",
      rawMessage(Uint8Array.of(...name, 10), new Uint8Array(0)),
      "unknown header type 10",
    ],
    ["name past the block", rawMessage(Uint8Array.of(5, 0x78), new Uint8Array(3)), "overruns"],
    [
      "string past the block",
      rawMessage(Uint8Array.of(...name, 7, 0, 9, 0x61), new Uint8Array(0)),
      "overruns",
    ],
    ["length cut short", rawMessage(Uint8Array.of(...name, 6, 0), new Uint8Array(0)), "overruns"],
    ["int32 cut short", rawMessage(Uint8Array.of(...name, 4, 0, 0), new Uint8Array(0)), "overruns"],
  ];
  for (const [label, frame, detail] of cases) {
    const decoder = new EventStreamDecoder();
    deepStrictEqual(decoder.push(new Uint8Array([...frame, ...bytes])), [], label);
    strictEqual(decoder.stopped, "eventstream_corrupt", label);
    ok(decoder.detail?.includes(detail), `${label}: ${decoder.detail}`);
    strictEqual(decoder.corruptFrames, 0, `${label}: the CRCs were right`);
  }
});

Deno.test("encoder: the exception termination, and values the framing cannot carry", () => {
  const [m] = new EventStreamDecoder().push(
    encodeEventStreamMessage(eventStreamException("internalServerException", "cut")),
  );
  strictEqual(stringHeader(m!, ":message-type"), "exception");
  strictEqual(stringHeader(m!, ":exception-type"), "internalServerException");
  strictEqual(new TextDecoder().decode(m!.payload), '{"message":"cut"}');
  const bad: [string, EventStreamMessage["headers"] extends Map<string, infer V> ? V : never][] = [
    ["x", { type: "byte", value: 128 }],
    ["x", { type: "short", value: 1.5 }],
    ["x", { type: "integer", value: 2 ** 31 }],
    ["x", { type: "long", value: 2n ** 63n }],
    ["x", { type: "string", value: "a".repeat(65536) }],
    ["x", { type: "uuid", value: "not-a-uuid" }],
    ["x".repeat(256), { type: "bool", value: true }],
  ];
  for (const [name, value] of bad) {
    const m = { headers: new Map([[name, value]]), payload: new Uint8Array(0) };
    throws(() => encodeEventStreamMessage(m), RangeError, `${name.length} ${value.type}`);
  }
});

Deno.test("decoder: a large message over many reads (the buffer grows as bytes arrive)", () => {
  const payload = Uint8Array.from({ length: 300 * 1024 }, (_, i) => (i * 31) & 0xff);
  const big: EventStreamMessage = { headers: new Map(), payload };
  const { bytes: stream } = transcript([converseStream[0]!, big, converseStream[1]!]);
  for (const size of [1000, 4096, 70_000, 200_000]) {
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < stream.length; at += size) pieces.push(stream.subarray(at, at + size));
    const decoder = new EventStreamDecoder();
    deepStrictEqual(
      decodeAll(decoder, pieces),
      [converseStream[0], big, converseStream[1]],
      `${size}`,
    );
    strictEqual(decoder.pending, 0);
  }
});
