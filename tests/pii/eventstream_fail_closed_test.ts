/**
 * What the event-stream redactor cannot inspect, it refuses: the stream ends with an exception
 * message the AWS SDKs raise, `onStopped` names the reason, and no value of the message it could
 * not read reaches the client. Every case at every split of its bytes.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { type EventStreamMessage, stringHeaders } from "../../src/providers/aws_eventstream.ts";
import { concatBytes } from "../../src/bytes.ts";
import { EventStreamRedactorEngine } from "../../src/pii/stream/mod.ts";
import { splittings } from "../providers/replay.ts";
import { prelude, rawMessage } from "../providers/aws_eventstream_transcript.ts";
import { rules, values } from "./stream_fixture.ts";
import {
  bytesOf,
  chunk,
  converse,
  dec,
  decodeOutput,
  enc,
  event,
  eventsOf,
  exceptionOf,
  run,
} from "./eventstream_replay.ts";

const leak = `mail ${values.email} now`;
const head = converse(["Hello there. "]).slice(0, 2);

/** A valid start, then `bad` (which holds the email), then a valid rest that is never reached. */
function stream(bad: Uint8Array): Uint8Array {
  return concatBytes([bytesOf(head), bad, bytesOf(converse(["bye"]).slice(1))]);
}

function corrupt(m: EventStreamMessage, at: (bytes: Uint8Array) => number): Uint8Array {
  const bytes = bytesOf([m]);
  bytes[at(bytes)]! ^= 0x01;
  return bytes;
}

const delta = event("contentBlockDelta", { contentBlockIndex: 0, delta: { text: leak }, p: "ab" });

const cases: { name: string; bytes: Uint8Array; code: string; why: RegExp }[] = [
  {
    name: "a message CRC that does not match",
    bytes: stream(corrupt(delta, (b) => b.length - 20)),
    code: "pii_stream_uninspectable",
    why: /CRC/,
  },
  {
    name: "a prelude CRC that does not match",
    bytes: stream(corrupt(delta, () => 9)),
    code: "pii_stream_uninspectable",
    why: /prelude CRC/,
  },
  {
    name: "a length that cannot hold a message",
    bytes: stream(concatBytes([prelude(8, 0), enc.encode(leak)])),
    code: "pii_stream_uninspectable",
    why: /message length of 8/,
  },
  {
    name: "a header of an unknown type",
    bytes: stream(rawMessage(Uint8Array.of(1, 0x78, 42), enc.encode(JSON.stringify({ t: leak })))),
    code: "pii_stream_uninspectable",
    why: /corrupt/,
  },
  {
    name: "a payload that is not JSON",
    bytes: stream(bytesOf([event("contentBlockDelta", leak)])),
    code: "pii_stream_uninspectable",
    why: /contentBlockDelta message that is not JSON/,
  },
  {
    name: "a delta the redactor does not follow",
    bytes: stream(bytesOf([
      event("contentBlockDelta", { contentBlockIndex: 0, delta: { audio: { transcript: leak } } }),
    ])),
    code: "pii_stream_uninspectable",
    why: /"audio", a delta the gateway does not follow/,
  },
  {
    name: "an event of a type the redactor does not follow, carrying text",
    bytes: stream(bytesOf([event("transcriptDelta", { contentBlockIndex: 0, part: leak })])),
    code: "pii_stream_uninspectable",
    why: /"transcriptDelta" event with text/,
  },
  {
    name: "a chunk whose bytes are not base64",
    bytes: stream(bytesOf([event("chunk", { bytes: `%%${leak}`, p: "a" })])),
    code: "pii_stream_uninspectable",
    why: /not base64 of JSON/,
  },
  {
    name: "a chunk without bytes",
    bytes: stream(bytesOf([event("chunk", { text: leak })])),
    code: "pii_stream_uninspectable",
    why: /without a base64 `bytes`/,
  },
  {
    name: "a chunk of another model family (AI21)",
    bytes: stream(bytesOf([
      chunk({ choices: [{ index: 0, message: { role: "assistant", content: leak } }] }),
    ])),
    code: "pii_stream_uninspectable",
    why: /only Anthropic models' streams/,
  },
  {
    name: "a stream that ends inside a message",
    bytes: concatBytes([bytesOf(head), bytesOf([delta]).subarray(0, 60)]),
    code: "pii_stream_uninspectable",
    why: /ended inside a message/,
  },
];

for (const c of cases) {
  Deno.test(`fails closed on ${c.name}, at every split`, () => {
    for (const { label, pieces } of splittings(c.bytes)) {
      let message = "";
      const { bytes, stopped } = run(pieces, {
        rules,
        mode: "redact",
        onStopped: (_, m) => message = m,
      });
      strictEqual(stopped, c.code, label);
      ok(c.why.test(message), `${label}: ${message}`);
      // What went out is whole messages with correct CRCs, ending with the exception.
      const out = decodeOutput(bytes);
      const end = exceptionOf(out.at(-1)!);
      strictEqual(end.type, "internalServerException", label);
      strictEqual(end.message, message, label);
      const shown = dec.decode(bytes) + JSON.stringify(eventsOf(out.slice(0, -1)));
      ok(!shown.includes(values.email), `${label}: the email went out`);
    }
  });
}

Deno.test("a message past the bound is refused from its prelude, and nothing of it is kept", () => {
  const engine = new EventStreamRedactorEngine({ rules, mode: "redact" });
  const sent = engine.push(bytesOf(head));
  strictEqual(engine.stopped, false);
  // 100 MiB declared; the first 64 KiB of it arrive, then more.
  const huge = new Uint8Array(64 * 1024);
  huge.set(prelude(100 * 1024 * 1024, 0));
  const out = engine.push(huge);
  strictEqual(engine.stopped, true);
  strictEqual(engine.pendingBytes, 0);
  for (let i = 0; i < 100; i++) deepStrictEqual(engine.push(huge), []);
  deepStrictEqual(engine.end(), []);
  const end = exceptionOf(decodeOutput(out[0]!)[0]!);
  ok(/too large to check for PII .*104857600 bytes/.test(end.message), end.message);
  strictEqual(decodeOutput(concatBytes(sent)).length, 2);
});

Deno.test("a message under the bound is kept only up to its own size while it arrives", () => {
  const big = event("contentBlockDelta", {
    contentBlockIndex: 0,
    delta: { text: "x".repeat(3000) + ` ${values.email}` },
  });
  const bytes = bytesOf([...head, big, ...converse([]).slice(1)]);
  const engine = new EventStreamRedactorEngine({ rules, mode: "redact", maxMessageBytes: 4096 });
  let most = 0;
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += 100) {
    out.push(...engine.push(bytes.subarray(at, at + 100)));
    most = Math.max(most, engine.pendingBytes);
  }
  out.push(...engine.end());
  ok(most <= 4096, `${most}`);
  strictEqual(engine.stopped, false);
  ok(!dec.decode(concatBytes(out)).includes(values.email));
  // The same message past a smaller bound is refused.
  const { stopped } = run([bytes], { rules, mode: "redact", maxMessageBytes: 2048 });
  strictEqual(stopped, "pii_event_too_large");
});

Deno.test("more channels open than the bound ends the stream", () => {
  const open = [0, 1, 2].map((i) =>
    event("contentBlockDelta", { contentBlockIndex: i, delta: { text: "partial" } })
  );
  const { bytes, stopped } = run([bytesOf(open)], { rules, mode: "redact", maxChannels: 2 });
  strictEqual(stopped, "pii_stream_too_many_channels");
  strictEqual(exceptionOf(decodeOutput(bytes).at(-1)!).type, "internalServerException");
});

Deno.test("an event of an unknown type without text passes as it came", () => {
  const bytes = bytesOf([
    ...converse([]).slice(0, 1),
    event("newCounter", { n: 3, p: "abcdef" }),
    ...converse([]).slice(1),
  ]);
  const { bytes: out, stopped } = run([bytes], { rules, mode: "redact" });
  strictEqual(stopped, null);
  deepStrictEqual(out, bytes);
});

Deno.test("a caller's stream error replaces the default exception message", () => {
  const custom = bytesOf([{
    headers: stringHeaders({ ":message-type": "exception", ":exception-type": "x" }),
    payload: enc.encode('{"message":"stopped"}'),
  }]);
  const { bytes } = run([bytesOf([event("chunk", { text: leak })])], {
    rules,
    mode: "redact",
    streamError: () => custom,
  });
  deepStrictEqual(bytes, custom);
});

Deno.test("past pii.scan_budget.max_findings the stream ends with an error, counts reported once", () => {
  const many = converse([`${values.email} ${values.email} ${values.email} `, "end"]);
  const reports: unknown[] = [];
  const { bytes, stopped } = run([bytesOf(many)], {
    rules,
    mode: "redact",
    budget: { timeMs: Infinity, maxFindings: 2 },
    onCounts: (c) => reports.push(c),
  });
  strictEqual(stopped, "pii_scan_budget_exceeded");
  strictEqual(reports.length, 1);
  const out = decodeOutput(bytes);
  strictEqual(exceptionOf(out.at(-1)!).type, "internalServerException");
  ok(!dec.decode(bytes).includes(values.email));
});
