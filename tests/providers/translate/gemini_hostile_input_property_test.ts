/**
 * Property: whatever JSON a Gemini client or upstream sends, the Gemini decoders (request, answer,
 * stream chunk) return an IR or throw a TranslationError naming a field — never a TypeError.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeGeminiRequest,
  decodeGeminiResponse,
  encodeGeminiRequest,
  geminiApiOptions,
  GeminiStreamDecoder,
  Notes,
  TranslationError,
} from "../../../src/providers/translate/mod.ts";

const anyValue = fc.jsonValue({ maxDepth: 3 });
const part = fc.record({
  text: anyValue,
  thought: fc.oneof(fc.boolean(), anyValue),
  thoughtSignature: fc.oneof(fc.string(), anyValue),
  inlineData: fc.oneof(anyValue, fc.record({ mimeType: anyValue, data: anyValue })),
  fileData: fc.oneof(anyValue, fc.record({ mimeType: anyValue, fileUri: anyValue })),
  functionCall: fc.oneof(anyValue, fc.record({ id: anyValue, name: anyValue, args: anyValue })),
  functionResponse: fc.oneof(
    anyValue,
    fc.record({ id: anyValue, name: anyValue, response: anyValue, parts: anyValue }),
  ),
  executableCode: anyValue,
}, { requiredKeys: [] });
const content = fc.record({
  role: fc.oneof(fc.constantFrom("user", "model", "function", "system"), anyValue),
  parts: fc.oneof(anyValue, fc.array(part, { maxLength: 4 })),
}, { requiredKeys: [] });
const body = fc.oneof(
  anyValue,
  fc.record({
    contents: fc.oneof(anyValue, fc.array(content, { maxLength: 4 })),
    systemInstruction: fc.oneof(anyValue, content),
    tools: fc.oneof(
      anyValue,
      fc.array(
        fc.record({ functionDeclarations: anyValue, googleSearch: anyValue }, { requiredKeys: [] }),
      ),
    ),
    toolConfig: fc.oneof(
      anyValue,
      fc.record({
        functionCallingConfig: fc.oneof(
          anyValue,
          fc.record({ mode: anyValue, allowedFunctionNames: anyValue }),
        ),
      }),
    ),
    generationConfig: fc.oneof(
      anyValue,
      fc.record({
        maxOutputTokens: anyValue,
        thinkingConfig: anyValue,
        responseMimeType: anyValue,
        responseSchema: anyValue,
        responseJsonSchema: anyValue,
        stopSequences: anyValue,
        candidateCount: anyValue,
      }, { requiredKeys: [] }),
    ),
    candidates: fc.oneof(
      anyValue,
      fc.array(fc.record({ content: fc.oneof(anyValue, content), finishReason: anyValue }), {
        maxLength: 2,
      }),
    ),
    usageMetadata: anyValue,
    promptFeedback: anyValue,
    modelVersion: anyValue,
    responseId: anyValue,
    error: anyValue,
  }, { requiredKeys: [] }),
);

const decoders: [string, (b: unknown) => unknown][] = [
  ["request", (b) => {
    const ir = decodeGeminiRequest(b, { model: "g", stream: false }, new Notes());
    return encodeGeminiRequest(ir, geminiApiOptions, new Notes());
  }],
  ["answer", (b) => decodeGeminiResponse(b, "g", new Notes())],
  ["stream chunk", (b) => {
    const d = new GeminiStreamDecoder("g", new Notes());
    return [...d.chunk(b), ...d.chunk(b), ...d.end()];
  }],
];

Deno.test("property: Gemini decoders answer hostile JSON with an IR or a TranslationError naming a field", () => {
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
