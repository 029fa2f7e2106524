/**
 * Property: whatever JSON a client or an upstream sends, a decoder returns an IR or throws a
 * TranslationError naming a field — never a TypeError from a missing member, never a hang.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeAnthropicRequest,
  decodeAnthropicResponse,
  decodeChatRequest,
  decodeChatResponse,
  Notes,
  openaiDialect,
  TranslationError,
} from "../../../src/providers/translate/mod.ts";

const decoders: [string, (body: unknown) => unknown][] = [
  ["anthropic request", (b) => decodeAnthropicRequest(b, new Notes())],
  ["anthropic answer", (b) => decodeAnthropicResponse(b, new Notes())],
  ["chat request", (b) => decodeChatRequest(b, openaiDialect, new Notes())],
  ["chat answer", (b) => decodeChatResponse(b, openaiDialect, new Notes())],
];

/** Bodies shaped like the protocols' own, with members of the wrong kind anywhere. */
const anyValue = fc.jsonValue({ maxDepth: 3 });
const block = fc.record({
  type: fc.constantFrom(
    "text",
    "image",
    "document",
    "tool_use",
    "tool_result",
    "thinking",
    "redacted_thinking",
    "image_url",
    "file",
    "refusal",
    "x",
  ),
  text: anyValue,
  source: fc.oneof(
    anyValue,
    fc.record({
      type: fc.constantFrom("base64", "url", "file", "text"),
      data: anyValue,
      media_type: anyValue,
      url: anyValue,
    }),
  ),
  id: anyValue,
  name: anyValue,
  input: anyValue,
  content: anyValue,
  tool_use_id: anyValue,
  signature: anyValue,
  thinking: anyValue,
  image_url: anyValue,
  file: anyValue,
}, { requiredKeys: ["type"] });
const message = fc.record({
  role: fc.constantFrom("user", "assistant", "system", "developer", "tool", "function", "x"),
  content: fc.oneof(anyValue, fc.array(block, { maxLength: 3 })),
  tool_calls: fc.oneof(
    anyValue,
    fc.array(fc.record({ id: anyValue, type: anyValue, function: anyValue }), { maxLength: 2 }),
  ),
  tool_call_id: anyValue,
}, { requiredKeys: ["role"] });
const body = fc.oneof(
  anyValue,
  fc.record({
    model: fc.oneof(fc.string(), anyValue),
    messages: fc.oneof(anyValue, fc.array(message, { maxLength: 4 })),
    max_tokens: anyValue,
    system: anyValue,
    tools: anyValue,
    tool_choice: anyValue,
    thinking: anyValue,
    output_config: anyValue,
    stop: anyValue,
    response_format: anyValue,
    reasoning_effort: anyValue,
    content: fc.oneof(anyValue, fc.array(block, { maxLength: 3 })),
    choices: fc.oneof(
      anyValue,
      fc.array(fc.record({ message: fc.oneof(anyValue, message), finish_reason: anyValue }), {
        maxLength: 2,
      }),
    ),
    usage: anyValue,
    id: anyValue,
    stop_reason: anyValue,
  }, { requiredKeys: [] }),
);

Deno.test("property: decoders answer hostile JSON with an IR or a TranslationError naming a field", () => {
  fc.assert(
    fc.property(body, (b) => {
      for (const [name, decode] of decoders) {
        try {
          decode(b);
        } catch (e) {
          assert.ok(e instanceof TranslationError, `${name}: ${e}`);
          assert.ok(e.field.length > 0 && e.reason.length > 0, name);
        }
      }
    }),
    { numRuns: 2000 },
  );
});
