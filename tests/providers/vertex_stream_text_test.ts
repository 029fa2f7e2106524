/**
 * PII in Vertex streams: one kind, two wire formats. The locator tells Claude's events from
 * Gemini's chunks by shape, and the stream error is the one the path's SDK raises.
 */
import assert from "node:assert/strict";
import { locateVertexStreamText, vertexAdapter } from "../../src/providers/vertex.ts";
import { locateAnthropicStreamText } from "../../src/providers/anthropic.ts";
import { locateGeminiStreamText } from "../../src/providers/gemini_stream_text.ts";
import type { SseEvent } from "../../src/providers/types.ts";

const claudeDelta: SseEvent = {
  event: "content_block_delta",
  data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "a@b" } },
};
const geminiChunk: SseEvent = {
  event: null,
  data: { candidates: [{ index: 0, content: { role: "model", parts: [{ text: "a@b" }] } }] },
};
// A chunk with Gemini's text and a `type` member: still read as Gemini's, never as "no text".
const geminiWithType: SseEvent = {
  event: null,
  data: { type: "x", candidates: [{ index: 0, content: { parts: [{ text: "a@b" }] } }] },
};

Deno.test("vertex locator: each publisher's events go to its own locator", () => {
  const cases: [string, SseEvent, (e: SseEvent) => unknown][] = [
    ["claude delta", claudeDelta, locateAnthropicStreamText],
    ["gemini chunk", geminiChunk, locateGeminiStreamText],
    ["gemini chunk with a type member", geminiWithType, locateGeminiStreamText],
  ];
  for (const [name, event, expected] of cases) {
    const located = locateVertexStreamText(event);
    assert.deepEqual(located, expected(event), name);
    assert.equal(located.fields.length, 1, `${name}: its text piece is located`);
  }
  assert.equal(vertexAdapter.locateStreamText, locateVertexStreamText);
});

Deno.test("vertex streamError: Anthropic's error event for Claude paths, Gemini's otherwise", () => {
  const claude = "/v1/projects/p/locations/us-east5/publishers/anthropic/models/" +
    "claude-sonnet-4-5@20250929:streamRawPredict";
  const gemini = "/v1/projects/p/locations/global/publishers/google/models/" +
    "gemini-2.5-flash:streamGenerateContent";
  const onClaude = vertexAdapter.streamError!("pii_blocked", "blocked", claude);
  assert.match(
    onClaude,
    /^event: error\ndata: \{"type":"error","error":\{"type":"permission_error"/,
  );
  const onGemini = vertexAdapter.streamError!("pii_blocked", "blocked", gemini);
  assert.doesNotMatch(onGemini, /^event: error/);
  assert.match(onGemini, /"error"/);
  // Without a path (no caller today) Gemini's is the fallback: the kind's main publisher.
  assert.equal(vertexAdapter.streamError!("pii_blocked", "blocked"), onGemini);
});
