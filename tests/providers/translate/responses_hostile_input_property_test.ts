/**
 * Property: whatever JSON a Responses client or upstream sends, the Responses decoders return an
 * IR or throw a TranslationError naming a field — never a TypeError from a missing member.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeResponsesRequest,
  decodeResponsesResponse,
  Notes,
  responsesStorage,
  ResponsesStreamDecoder,
  TranslationError,
} from "../../../src/providers/translate/mod.ts";

const anyValue = fc.jsonValue({ maxDepth: 3 });
const part = fc.record({
  type: fc.constantFrom(
    "input_text",
    "input_image",
    "input_file",
    "output_text",
    "refusal",
    "summary_text",
    "x",
  ),
  text: anyValue,
  refusal: anyValue,
  image_url: anyValue,
  file_id: anyValue,
  file_data: anyValue,
  file_url: anyValue,
  filename: anyValue,
  detail: anyValue,
}, { requiredKeys: ["type"] });
const parts = fc.oneof(anyValue, fc.array(part, { maxLength: 3 }));
const item = fc.record({
  type: fc.constantFrom(
    "message",
    "function_call",
    "function_call_output",
    "reasoning",
    "web_search_call",
    "x",
  ),
  role: fc.constantFrom("user", "assistant", "system", "developer", "tool", "x"),
  content: parts,
  id: anyValue,
  call_id: anyValue,
  name: anyValue,
  arguments: fc.oneof(anyValue, fc.constant("{}"), fc.constant('{"a":1}')),
  output: parts,
  summary: parts,
  encrypted_content: anyValue,
}, { requiredKeys: [] });
const body = fc.oneof(
  anyValue,
  fc.record({
    model: fc.oneof(fc.string(), anyValue),
    input: fc.oneof(anyValue, fc.array(item, { maxLength: 4 })),
    instructions: anyValue,
    tools: anyValue,
    tool_choice: anyValue,
    text: anyValue,
    reasoning: anyValue,
    include: anyValue,
    store: anyValue,
    previous_response_id: anyValue,
    id: anyValue,
    status: anyValue,
    incomplete_details: anyValue,
    output: fc.oneof(anyValue, fc.array(item, { maxLength: 4 })),
    usage: anyValue,
  }, { requiredKeys: [] }),
);

const decoders: [string, (body: unknown) => unknown][] = [
  ["responses request", (b) => decodeResponsesRequest(b, new Notes())],
  ["responses answer", (b) => decodeResponsesResponse(b, new Notes())],
  ["responses storage", (b) => responsesStorage(b)],
];

Deno.test("property: Responses decoders answer hostile JSON with an IR or a TranslationError naming a field", () => {
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

const streamEvent = fc.record({
  type: fc.constantFrom(
    "response.created",
    "response.output_item.added",
    "response.output_item.done",
    "response.content_part.added",
    "response.content_part.done",
    "response.output_text.delta",
    "response.refusal.delta",
    "response.reasoning_summary_part.added",
    "response.reasoning_summary_text.delta",
    "response.reasoning_text.delta",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.done",
    "response.completed",
    "response.failed",
    "error",
    "x",
  ),
  output_index: fc.oneof(fc.nat({ max: 3 }), anyValue),
  content_index: fc.oneof(fc.nat({ max: 2 }), anyValue),
  item: fc.oneof(item, anyValue),
  part: fc.oneof(part, anyValue),
  delta: fc.oneof(fc.string({ maxLength: 4 }), anyValue),
  arguments: anyValue,
  response: fc.oneof(
    anyValue,
    fc.record({
      id: anyValue,
      model: anyValue,
      status: anyValue,
      usage: anyValue,
      error: anyValue,
    }),
  ),
}, { requiredKeys: ["type"] });

Deno.test("property: the Responses stream decoder answers hostile events with IR events or a TranslationError", () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(streamEvent, anyValue), { maxLength: 12 }), (events) => {
      const decoder = new ResponsesStreamDecoder(new Notes());
      try {
        for (const e of events) decoder.push(e);
      } catch (e) {
        assert.ok(e instanceof TranslationError, String(e));
        assert.ok(e.field.length > 0 && e.reason.length > 0);
      }
    }),
    { numRuns: 2000 },
  );
});
