/**
 * Upstream answers in Anthropic's, Gemini's and Bedrock Converse's wire formats (see cells_wire.ts),
 * and the AWS event-stream framing of the Converse streams as hex.
 */
import { encodeEventStreamMessage, stringHeaders } from "../../../src/providers/aws_eventstream.ts";
import { type Answer, type AnswerUsage, halves } from "./cells_wire.ts";

const anthropicStop = { end: "end_turn", stop_sequence: "stop_sequence", tool: "tool_use" };

function anthropicUsage(u: AnswerUsage) {
  return {
    input_tokens: u.input,
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cacheRead,
    output_tokens: u.output,
  };
}

function anthropicContent(a: Answer) {
  const out: Record<string, unknown>[] = [];
  if (a.thinking) {
    out.push({ type: "thinking", thinking: a.thinking.text, signature: a.thinking.signature });
  }
  if (a.text !== undefined) out.push({ type: "text", text: a.text });
  for (const c of a.calls ?? []) {
    out.push({ type: "tool_use", id: `toolu_01${c.id}`, name: c.name, input: c.args });
  }
  return out;
}

function anthropicEnvelope(a: Answer, done: boolean) {
  return {
    id: "msg_01Cell",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5-20250929",
    content: done ? anthropicContent(a) : [],
    stop_reason: done ? anthropicStop[a.stop] : null,
    stop_sequence: done ? a.stopSequence ?? null : null,
    usage: done ? anthropicUsage(a.usage) : { ...anthropicUsage(a.usage), output_tokens: 1 },
  };
}

export function anthropicAnswer(a: Answer) {
  return anthropicEnvelope(a, true);
}

export function anthropicStream(a: Answer): string {
  const events: Record<string, unknown>[] = [
    { type: "message_start", message: anthropicEnvelope(a, false) },
  ];
  anthropicContent(a).forEach((block, index) => {
    events.push(...anthropicBlockEvents(block, index));
    events.push({ type: "content_block_stop", index });
    if (index === 0) events.push({ type: "ping" });
  });
  events.push({
    type: "message_delta",
    delta: { stop_reason: anthropicStop[a.stop], stop_sequence: a.stopSequence ?? null },
    usage: anthropicUsage(a.usage),
  });
  events.push({ type: "message_stop" });
  return events.map((e) => `event: ${e["type"]}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}

function anthropicBlockEvents(block: Record<string, unknown>, index: number) {
  const delta = (d: unknown) => ({ type: "content_block_delta", index, delta: d });
  switch (block["type"]) {
    case "thinking":
      return [
        {
          type: "content_block_start",
          index,
          content_block: { type: "thinking", thinking: "", signature: "" },
        },
        ...halves(String(block["thinking"])).map((thinking) =>
          delta({ type: "thinking_delta", thinking })
        ),
        delta({ type: "signature_delta", signature: block["signature"] }),
      ];
    case "text":
      return [
        { type: "content_block_start", index, content_block: { type: "text", text: "" } },
        ...halves(String(block["text"])).map((text) => delta({ type: "text_delta", text })),
      ];
    default:
      return [
        { type: "content_block_start", index, content_block: { ...block, input: {} } },
        ...halves(JSON.stringify(block["input"])).map((partial_json) =>
          delta({ type: "input_json_delta", partial_json })
        ),
      ];
  }
}

function geminiUsage(u: AnswerUsage) {
  const prompt = u.input + u.cacheRead + u.cacheWrite;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: u.output - u.reasoning,
    ...(u.cacheRead > 0 ? { cachedContentTokenCount: u.cacheRead } : {}),
    ...(u.reasoning > 0 ? { thoughtsTokenCount: u.reasoning } : {}),
    totalTokenCount: prompt + u.output,
  };
}

function geminiParts(a: Answer) {
  const parts: Record<string, unknown>[] = [];
  if (a.thinking) parts.push({ text: a.thinking.text, thought: true });
  if (a.text !== undefined) parts.push({ text: a.text });
  (a.calls ?? []).forEach((c, i) => {
    const call = { functionCall: { id: `fc_${c.id}`, name: c.name, args: c.args } };
    // Gemini signs the first function call of a thinking turn (plan section 3).
    parts.push(i === 0 && a.thinking ? { ...call, thoughtSignature: a.thinking.signature } : call);
  });
  return parts;
}

/** Gemini says STOP for a stop sequence and for a tool turn alike. */
export function geminiChunk(parts: unknown[], finish: boolean, usage: AnswerUsage) {
  return {
    candidates: [{
      content: { role: "model", parts },
      ...(finish ? { finishReason: "STOP" } : {}),
      index: 0,
    }],
    usageMetadata: geminiUsage(usage),
    modelVersion: "gemini-2.5-pro",
    responseId: "resp_cell1",
  };
}

export function geminiAnswer(a: Answer) {
  return geminiChunk(geminiParts(a), true, a.usage);
}

export function geminiStream(a: Answer): string {
  const parts = geminiParts(a);
  const chunks: unknown[] = [];
  const partial = { ...a.usage, output: a.usage.reasoning };
  parts.forEach((p, i) => {
    const last = i === parts.length - 1;
    const text = (p as { text?: string }).text;
    if (typeof text === "string" && text.length > 1 && !last) {
      const [head, tail] = halves(text);
      chunks.push(geminiChunk([{ ...p, text: head }], false, partial));
      chunks.push(geminiChunk([{ ...p, text: tail }], false, partial));
    } else chunks.push(geminiChunk([p], last, last ? a.usage : partial));
  });
  return chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`).join("");
}

const converseStop = { end: "end_turn", stop_sequence: "stop_sequence", tool: "tool_use" };

function converseUsage(u: AnswerUsage) {
  return {
    inputTokens: u.input,
    outputTokens: u.output,
    totalTokens: u.input + u.cacheRead + u.cacheWrite + u.output,
    ...(u.cacheRead > 0 ? { cacheReadInputTokens: u.cacheRead } : {}),
    ...(u.cacheWrite > 0 ? { cacheWriteInputTokens: u.cacheWrite } : {}),
  };
}

function converseContent(a: Answer) {
  const out: Record<string, unknown>[] = [];
  if (a.thinking) {
    const { text, signature } = a.thinking;
    out.push({ reasoningContent: { reasoningText: { text, signature } } });
  }
  if (a.text !== undefined) out.push({ text: a.text });
  for (const c of a.calls ?? []) {
    out.push({ toolUse: { toolUseId: `tooluse_${c.id}`, name: c.name, input: c.args } });
  }
  return out;
}

export function converseAnswer(a: Answer) {
  return {
    output: { message: { role: "assistant", content: converseContent(a) } },
    stopReason: converseStop[a.stop],
    usage: converseUsage(a.usage),
    metrics: { latencyMs: 812 },
  };
}

/** The AWS event stream of a Converse answer, as hex (the cell's `.eventstream.hex`). */
export function converseStreamHex(a: Answer): string {
  const events: [string, Record<string, unknown>][] = [
    ["messageStart", { role: "assistant" }],
  ];
  converseContent(a).forEach((block, contentBlockIndex) => {
    const at = { contentBlockIndex };
    if ("reasoningContent" in block) {
      const { text, signature } = a.thinking!;
      for (const t of halves(text)) {
        events.push(["contentBlockDelta", { ...at, delta: { reasoningContent: { text: t } } }]);
      }
      events.push(["contentBlockDelta", { ...at, delta: { reasoningContent: { signature } } }]);
    } else if ("text" in block) {
      for (const text of halves(String(block["text"]))) {
        events.push(["contentBlockDelta", { ...at, delta: { text } }]);
      }
    } else {
      const use = block["toolUse"] as { toolUseId: string; name: string; input: unknown };
      const start = { toolUse: { toolUseId: use.toolUseId, name: use.name } };
      events.push(["contentBlockStart", { ...at, start }]);
      for (const input of halves(JSON.stringify(use.input))) {
        events.push(["contentBlockDelta", { ...at, delta: { toolUse: { input } } }]);
      }
    }
    events.push(["contentBlockStop", at]);
  });
  events.push(["messageStop", { stopReason: converseStop[a.stop] }]);
  events.push(["metadata", { usage: converseUsage(a.usage), metrics: { latencyMs: 812 } }]);
  // Bedrock pads each payload with a `p` member of varying length (seen in its streams).
  return eventStreamHex(events.map(([type, payload], i) => ({
    type,
    payload: { ...payload, p: "abcdefgh".slice(i % 8) },
  })));
}

/** AWS event-stream messages (`:event-type` and JSON payload each), as hex, one per line. */
export function eventStreamHex(events: { type: string; payload: unknown }[]): string {
  return events.map(({ type, payload }) =>
    hex(encodeEventStreamMessage({
      headers: stringHeaders({
        ":event-type": type,
        ":content-type": "application/json",
        ":message-type": "event",
      }),
      payload: new TextEncoder().encode(JSON.stringify(payload)),
    }))
  ).join("\n") + "\n";
}

export function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function unhex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}
