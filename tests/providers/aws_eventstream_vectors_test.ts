/**
 * The codec against AWS's official event-stream test vectors (tests/testdata/aws_eventstream/,
 * from smithy-typescript), a real Bedrock frame whose CRCs were recomputed with zlib, and the
 * CRC-32 check value.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  encodeEventStreamMessage,
  EventStreamDecoder,
  type EventStreamHeaderValue,
  type EventStreamMessage,
  stringHeader,
  stringHeaders,
} from "../../src/providers/aws_eventstream.ts";
import { crc32 } from "../../src/providers/crc32.ts";
import { testdata } from "./replay.ts";

const dir = new URL("aws_eventstream/", testdata);
const positive = [
  "all_headers",
  "empty_message",
  "int32_header",
  "payload_no_headers",
  "payload_one_str_header",
];
const negative = [
  "corrupted_header_len",
  "corrupted_headers",
  "corrupted_length",
  "corrupted_payload",
];

interface DecodedVector {
  total_length: number;
  headers_length: number;
  prelude_crc: number;
  headers: { name: string; type: number; value: number | boolean | string }[];
  payload: string;
  message_crc: number;
}

function read(path: string): Uint8Array {
  return Deno.readFileSync(new URL(path, dir));
}

function base64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** A vector's header in the codec's terms (the JSON gives strings, bytes and uuids in base64). */
function expectedHeader(h: DecodedVector["headers"][number]): EventStreamHeaderValue {
  const v = h.value;
  switch (h.type) {
    case 0:
    case 1:
      return { type: "bool", value: v as boolean };
    case 2:
      return { type: "byte", value: v as number };
    case 3:
      return { type: "short", value: v as number };
    case 4:
      return { type: "integer", value: v as number };
    case 5:
      return { type: "long", value: BigInt(v as number) };
    case 6:
      return { type: "bytes", value: base64(v as string) };
    case 7:
      return { type: "string", value: new TextDecoder().decode(base64(v as string)) };
    case 8:
      return { type: "timestamp", value: BigInt(v as number) };
    default: {
      const hex = Array.from(base64(v as string), (b) => b.toString(16).padStart(2, "0")).join("");
      const parts = [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20)];
      return { type: "uuid", value: [...parts, hex.slice(20)].join("-") };
    }
  }
}

Deno.test("vectors: every positive vector decodes to its decoded form and encodes back", () => {
  for (const name of positive) {
    const bytes = read(`encoded/positive/${name}`);
    const want: DecodedVector = JSON.parse(
      new TextDecoder().decode(read(`decoded/positive/${name}`)),
    );
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    strictEqual(bytes.length, want.total_length, name);
    strictEqual(view.getUint32(4), want.headers_length, name);
    strictEqual(crc32(bytes.subarray(0, 8)), want.prelude_crc >>> 0, `${name} prelude CRC`);
    strictEqual(crc32(bytes.subarray(0, bytes.length - 4)), want.message_crc >>> 0, name);

    const decoder = new EventStreamDecoder();
    const messages = decoder.push(bytes);
    const expected: EventStreamMessage = {
      headers: new Map(want.headers.map((h) => [h.name, expectedHeader(h)])),
      payload: base64(want.payload),
    };
    deepStrictEqual(messages, [expected], name);
    deepStrictEqual(decoder.stats, { messages: 1, preludeCrcErrors: 0, messageCrcErrors: 0 });
    strictEqual(decoder.pending, 0);
    deepStrictEqual(encodeEventStreamMessage(expected), bytes, `${name} encodes to the vector`);
  }
});

Deno.test("vectors: every negative vector is counted as the CRC its error names, never thrown", () => {
  for (const name of negative) {
    const bytes = read(`encoded/negative/${name}`);
    const before = bytes.slice();
    const error = new TextDecoder().decode(read(`decoded/negative/${name}`)).trim();
    const decoder = new EventStreamDecoder();
    deepStrictEqual(decoder.push(bytes), [], name);
    deepStrictEqual(bytes, before, `${name}: the decoder never writes to what it is fed`);
    const { preludeCrcErrors, messageCrcErrors } = decoder.stats;
    if (error === "Prelude checksum mismatch") {
      deepStrictEqual([preludeCrcErrors, messageCrcErrors], [1, 0], name);
      strictEqual(decoder.stopped, "eventstream_corrupt", name);
    } else {
      strictEqual(error, "Message checksum mismatch", name);
      deepStrictEqual([preludeCrcErrors, messageCrcErrors], [0, 1], name);
      strictEqual(decoder.stopped, null, `${name}: lengths are still trusted`);
    }
    strictEqual(decoder.corruptFrames, 1, name);
  }
});

Deno.test("vectors: after a message CRC mismatch the next message still decodes", () => {
  const bad = read("encoded/negative/corrupted_payload");
  const good = read("encoded/positive/payload_one_str_header");
  const decoder = new EventStreamDecoder();
  const out = decoder.push(new Uint8Array([...bad, ...good, ...bad, ...good]));
  strictEqual(out.length, 2);
  deepStrictEqual(decoder.stats, { messages: 2, preludeCrcErrors: 0, messageCrcErrors: 2 });
});

Deno.test("vectors: a Bedrock invoke-with-response-stream chunk (CRCs recomputed with zlib)", () => {
  const payload =
    '{"bytes":"eyJjaG9pY2VzIjpbeyJpbmRleCI6MCwibWVzc2FnZSI6eyJyb2xlIjoiYXNzaXN0YW50Iiwi' +
    'Y29udGVudCI6IkkifSwic3RvcF9yZWFzb24iOm51bGx9XX0=","p":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJK"}';
  const message: EventStreamMessage = {
    headers: stringHeaders({
      ":event-type": "chunk",
      ":content-type": "application/json",
      ":message-type": "event",
    }),
    payload: new TextEncoder().encode(payload),
  };
  const bytes = encodeEventStreamMessage(message);
  const view = new DataView(bytes.buffer);
  deepStrictEqual(
    [view.getUint32(0), view.getUint32(4), view.getUint32(8), view.getUint32(bytes.length - 4)],
    [267, 75, 0x38a0a5c5, 0x1106313f],
  );
  const [decoded] = new EventStreamDecoder().push(bytes);
  strictEqual(stringHeader(decoded!, ":event-type"), "chunk");
  strictEqual(stringHeader(decoded!, ":absent"), null);
  deepStrictEqual(decoded, message);
});

Deno.test("crc32: the IEEE check value, and continuing over pieces", () => {
  const text = new TextEncoder().encode("123456789");
  strictEqual(crc32(text), 0xcbf43926);
  strictEqual(crc32(new Uint8Array(0)), 0);
  strictEqual(crc32(text.subarray(4), crc32(text.subarray(0, 4))), 0xcbf43926);
});
