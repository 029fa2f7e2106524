/**
 * The event-stream redactor reads message payloads through the reader in its options (the
 * adapter's `readEventStreamPayload`, as `locate` is for SSE), Bedrock's by default; and
 * Bedrock's reader lives in providers/ (bedrock_stream_text.ts), exported through mod.ts.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  type EventStreamPayloadReader,
  readBedrockEventStreamPayload,
} from "../../src/providers/mod.ts";
import { rules, values } from "./stream_fixture.ts";
import { bytesOf, converse, dec, run } from "./eventstream_replay.ts";

const stream = bytesOf(converse([`Mail ${values.email.slice(0, 6)}`, values.email.slice(6)]));

Deno.test("event-stream redactor: Bedrock's payload reader is the default", () => {
  const { bytes, stopped } = run([stream], { rules, mode: "redact" });
  strictEqual(stopped, null);
  ok(!dec.decode(bytes).includes(values.email));
  const given = run([stream], {
    rules,
    mode: "redact",
    readPayload: readBedrockEventStreamPayload,
  });
  deepStrictEqual(given.bytes, bytes);
});

Deno.test("event-stream redactor: a reader given in the options is the one asked", () => {
  const asked: (string | null)[] = [];
  const refuse: EventStreamPayloadReader = (_, eventType) => {
    asked.push(eventType);
    return { kind: "uninspectable", why: "a test reader's refusal" };
  };
  const { bytes, stopped } = run([stream], { rules, mode: "redact", readPayload: refuse });
  strictEqual(stopped, "pii_stream_uninspectable");
  deepStrictEqual(asked, ["messageStart"]);
  ok(dec.decode(bytes).includes("a test reader's refusal"));
});

Deno.test("readBedrockEventStreamPayload: Converse pieces, closes, and what it refuses", () => {
  const enc = new TextEncoder();
  const delta = readBedrockEventStreamPayload(
    "event",
    "contentBlockDelta",
    enc.encode(JSON.stringify({ contentBlockIndex: 2, delta: { text: "hi" }, p: "abc" })),
  );
  ok(delta.kind === "json");
  deepStrictEqual(delta.locate(delta.event), {
    fields: [{ channel: "content/2", path: ["delta", "text"] }],
    closes: [],
  });
  deepStrictEqual(readBedrockEventStreamPayload("event", "x", new Uint8Array(0)), {
    kind: "empty",
  });
  const unknown = readBedrockEventStreamPayload(
    "event",
    "futureEvent",
    enc.encode(JSON.stringify({ words: "a piece" })),
  );
  strictEqual(unknown.kind, "uninspectable");
});
