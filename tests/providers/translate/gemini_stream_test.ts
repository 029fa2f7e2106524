/**
 * Gemini stream codec: an SSE fixture decodes to the IR events of
 * `<case>.events.json`; the events assembled give the same answer (usage included) as the
 * non-streamed golden of the same turn; encoding the events for a Gemini client and decoding that
 * again gives the same events (each call once, its signature on its functionCall part).
 */
import assert from "node:assert/strict";
import {
  type ContentBlock,
  geminiApiOptions,
  geminiMaxArgumentChars,
  GeminiStreamDecoder,
  GeminiStreamEncoder,
  Notes,
  type Response,
  type StreamEvent,
  TranslationError,
} from "../../../src/providers/translate/mod.ts";
import { readJson } from "./codecs.ts";

const dir = new URL("../../testdata/translate/codecs/gemini", import.meta.url).pathname;

function sseChunks(text: string): unknown[] {
  return text.split("\n\n").map((e) => e.trim()).filter((e) => e !== "").map((e) =>
    JSON.parse(e.replace(/^data: /, ""))
  );
}

function decodeAll(chunks: unknown[]): StreamEvent[] {
  const d = new GeminiStreamDecoder("gemini-2.5-pro", new Notes());
  return [...chunks.flatMap((c) => d.chunk(c)), ...d.end()];
}

/** A checker and assembler of IR events (part T4 adds the shared one, stream_events.ts). */
function assemble(events: StreamEvent[]): Response {
  const res: Response = {
    id: "",
    model: "",
    content: [],
    stopReason: "other",
    providerStopReason: null,
    stopSequence: null,
    usage: {
      inputTokens: null,
      cachedInputTokens: null,
      cacheWriteTokens: null,
      outputTokens: null,
      reasoningTokens: null,
    },
  };
  const json = new Map<number, string>();
  let open: number | null = null;
  for (const e of events) {
    if (e.type === "start") [res.id, res.model] = [e.id, e.model];
    else if (e.type === "block_start") {
      assert.equal(open, null, "one block open at a time");
      assert.equal(e.index, res.content.length, "indices dense from 0");
      open = e.index;
      const b = e.block;
      const block: ContentBlock = b.type === "text"
        ? { type: "text", text: "" }
        : b.type === "thinking"
        ? { type: "thinking", text: "", kind: b.kind, state: null }
        : b.type === "tool_call"
        ? {
          type: "tool_call",
          id: b.id,
          name: b.name,
          arguments: {},
          argumentsText: null,
          state: b.state,
        }
        : { type: "redacted_thinking", state: b.state };
      res.content.push(block);
      json.set(e.index, "");
    } else if (e.type === "text_delta" || e.type === "thinking_delta") {
      const b = res.content[e.index]!;
      if (b.type === "text" || b.type === "thinking") b.text += e.text;
    } else if (e.type === "state") {
      const b = res.content[e.index]!;
      if (b.type === "thinking" || b.type === "tool_call") b.state = e.state;
    } else if (e.type === "arguments_delta") json.set(e.index, json.get(e.index)! + e.json);
    else if (e.type === "block_stop") {
      assert.equal(open, e.index);
      open = null;
      const b = res.content[e.index]!;
      if (b.type === "tool_call") b.arguments = JSON.parse(json.get(e.index)!);
    } else if (e.type === "stop") {
      res.stopReason = e.stopReason;
      res.providerStopReason = e.providerStopReason;
      res.usage = e.usage;
    } else throw new Error(`unexpected ${JSON.stringify(e)}`);
  }
  return res;
}

Deno.test("gemini stream: SSE chunks → IR events (golden), usage from the last chunk only", () => {
  const events = decodeAll(
    sseChunks(Deno.readTextFileSync(`${dir}/stream_tool_call_signature.sse`)),
  );
  assert.deepEqual(events, readJson(`${dir}/stream_tool_call_signature.events.json`));
});

Deno.test("gemini stream: the assembled events equal the non-streamed answer of the same turn", () => {
  const events = decodeAll(
    sseChunks(Deno.readTextFileSync(`${dir}/stream_tool_call_signature.sse`)),
  );
  assert.deepEqual(assemble(events), readJson(`${dir}/response_tool_call_signature.ir.json`));
});

Deno.test("gemini stream: IR events → Gemini chunks → IR events gives the same answer", () => {
  const events = decodeAll(
    sseChunks(Deno.readTextFileSync(`${dir}/stream_tool_call_signature.sse`)),
  );
  const notes = new Notes();
  const enc = new GeminiStreamEncoder(geminiApiOptions, notes);
  const chunks = events.flatMap((e) => enc.event(e));
  const calls = chunks.flatMap((c) =>
    (c as { candidates: { content: { parts: Record<string, unknown>[] } }[] }).candidates[0]!
      .content.parts.filter((p) => "functionCall" in p)
  );
  assert.deepEqual(calls, [
    {
      functionCall: { id: "fc_9", name: "get_weather", args: { city: "Oslo" } },
      thoughtSignature: "Y2FsbC1zaWc=",
    },
    { functionCall: { id: "fc_10", name: "get_time", args: {} } },
  ]);
  assert.deepEqual(assemble(decodeAll(chunks)), assemble(events));
  assert.deepEqual(notes.list, []);
});

Deno.test("gemini stream: a blocked prompt, an in-band error and a cut stream", () => {
  assert.deepEqual(
    decodeAll([{
      promptFeedback: { blockReason: "SAFETY" },
      usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 },
    }]).at(-1),
    {
      type: "stop",
      stopReason: "content_filter",
      providerStopReason: "SAFETY",
      stopSequence: null,
      usage: {
        inputTokens: 4,
        cachedInputTokens: 0,
        cacheWriteTokens: null,
        outputTokens: 0,
        reasoningTokens: 0,
      },
    },
  );
  const errored = decodeAll([
    { candidates: [{ content: { parts: [{ text: "par" }] } }] },
    { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } },
  ]);
  assert.deepEqual(errored.slice(-2), [
    { type: "block_stop", index: 0 },
    {
      type: "error",
      error: {
        kind: "overloaded",
        status: 503,
        message: "gemini: The model is overloaded.",
        retryAfterMs: null,
      },
    },
  ]);
  const cut = decodeAll([{ candidates: [{ content: { parts: [{ text: "par" }] } }] }]);
  assert.equal(cut.at(-1)!.type, "error");
});

Deno.test("gemini stream encoder: a call's buffered arguments are bounded", () => {
  const enc = new GeminiStreamEncoder(geminiApiOptions, new Notes());
  enc.event({
    type: "block_start",
    index: 0,
    block: { type: "tool_call", id: "a", name: "f", state: null },
  });
  enc.event({ type: "arguments_delta", index: 0, json: "x".repeat(geminiMaxArgumentChars) });
  assert.throws(
    () => enc.event({ type: "arguments_delta", index: 0, json: "x" }),
    (e) => e instanceof TranslationError && e.field === "content[0].arguments",
  );
});
