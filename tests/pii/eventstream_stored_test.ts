/** A captured AWS event stream redacted for storage (`redact_storage`), by content type. */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { redactBodyBytes } from "../../src/pii/redact_body.ts";
import { redactText } from "../../src/pii/redact_text.ts";
import { nothingRules, rules, values } from "./stream_fixture.ts";
import { bytesOf, converse, decodeOutput, eventsOf, invoke, textOf } from "./eventstream_replay.ts";

const type = "application/vnd.amazon.eventstream";
const pieces = ["Mail john.do", "e@example.com or sk-proj-AbCdEf", "GhIjKlMnOpQrStUvWx1234 ok"];
const expected = redactText(pieces.join(""), rules).text;

for (
  const [name, messages] of [["converse", converse(pieces)], ["invoke", invoke(pieces)]] as const
) {
  Deno.test(`stored ${name} stream: redacted message by message, frames valid`, () => {
    const result = redactBodyBytes(bytesOf(messages), type, rules);
    ok(!("failed" in result));
    strictEqual(result.changed, true);
    const out = decodeOutput(result.bytes);
    strictEqual(textOf(out).text, expected);
    ok(!JSON.stringify(eventsOf(out)).includes(values.email));
  });

  Deno.test(`stored ${name} stream cut by the cap: the unfinished message is left out`, () => {
    const whole = bytesOf(messages);
    const firstTwo = bytesOf(messages.slice(0, 2)).length;
    // Cut inside the third message (it holds the start of the email).
    const result = redactBodyBytes(whole.subarray(0, firstTwo + 40), type, rules);
    ok(!("failed" in result));
    deepStrictEqual(result.bytes, whole.subarray(0, firstTwo));
  });
}

Deno.test("stored stream with nothing found: the same bytes", () => {
  const bytes = bytesOf(converse(pieces));
  const result = redactBodyBytes(bytes, type, nothingRules);
  ok(!("failed" in result));
  strictEqual(result.changed, false);
  strictEqual(result.bytes, bytes);
});

Deno.test("stored stream the redactor cannot follow is not stored", () => {
  const bytes = bytesOf(converse(pieces));
  bytes[bytes.length - 30]! ^= 1; // the last message's CRC fails
  deepStrictEqual(redactBodyBytes(bytes, type, rules), { failed: "uninspectable" });
});
