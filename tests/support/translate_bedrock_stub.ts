/**
 * Answers of a Bedrock runtime to Converse and ConverseStream (a route target of an Anthropic
 * client, issue 21), for the SigV4-verifying stub (sigv4_stub.ts `startSigV4Stub({answer})`): a
 * tool loop as the other translate stubs run it. A request whose `messages` hold no `toolResult`
 * block gets one `toolUse` (stop reason `tool_use`), else the final text. ConverseStream is the
 * AWS event stream, one message per event encoded by smithy's codec (the one the AWS SDK
 * decodes with): `messageStart`, for a call `contentBlockStart` with its id and name then
 * `contentBlockDelta` input pieces, for text `contentBlockDelta` text pieces (Bedrock sends no
 * start for a text block), `contentBlockStop`, `messageStop`, `metadata` with the usage. The
 * model `us.anthropic.claude-busy-v1:0` gets 503 `ServiceUnavailableException`.
 */
import { EventStreamCodec } from "@smithy/eventstream-codec";
import type { SigV4StubRequest } from "./sigv4_stub.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

export interface ConverseTurnUsage {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

export interface ConverseScript {
  call: { id: string; name: string; input: string; pieces: number };
  answer: readonly string[];
  usage: { tool: ConverseTurnUsage; final: ConverseTurnUsage };
}

const codec = new EventStreamCodec(
  (b: Uint8Array) => new TextDecoder().decode(b),
  (t: string) => new TextEncoder().encode(t),
);

export function hasToolResult(body: Json): boolean {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return messages.some((m: Json) =>
    Array.isArray(m?.content) && m.content.some((b: Json) => b?.toolResult !== undefined)
  );
}

function usageOf(u: ConverseTurnUsage): Json {
  return {
    inputTokens: u.input,
    outputTokens: u.output,
    totalTokens: u.input + u.cacheRead + u.cacheWrite + u.output,
    cacheReadInputTokens: u.cacheRead,
    cacheWriteInputTokens: u.cacheWrite,
  };
}

function split(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function events(script: ConverseScript, final: boolean): [string, Json][] {
  const u = final ? script.usage.final : script.usage.tool;
  const c = script.call;
  const body: [string, Json][] = final
    ? script.answer.map((text) => ["contentBlockDelta", { contentBlockIndex: 0, delta: { text } }])
    : [
      ["contentBlockStart", {
        contentBlockIndex: 0,
        start: { toolUse: { toolUseId: c.id, name: c.name } },
      }],
      ...split(c.input, c.pieces).map((input): [string, Json] => [
        "contentBlockDelta",
        { contentBlockIndex: 0, delta: { toolUse: { input } } },
      ]),
    ];
  return [
    ["messageStart", { role: "assistant" }],
    ...body,
    ["contentBlockStop", { contentBlockIndex: 0 }],
    ["messageStop", { stopReason: final ? "end_turn" : "tool_use" }],
    ["metadata", { usage: usageOf(u), metrics: { latencyMs: 120 } }],
  ];
}

/** The model id this stub refuses as unavailable (503 `ServiceUnavailableException`, restJson1). */
export const bedrockBusyModel = "us.anthropic.claude-busy-v1:0";
export const bedrockBusyMessage = "Bedrock is unable to process your request.";

/** The Converse or ConverseStream answer to a verified request. */
export function converseAnswerOf(script: ConverseScript, req: SigV4StubRequest): Response {
  const body = JSON.parse(new TextDecoder().decode(req.body)) as Json;
  const final = hasToolResult(body);
  const headers = { "x-amzn-requestid": crypto.randomUUID() };
  if (req.path.includes(encodeURIComponent(bedrockBusyModel))) {
    return Response.json({ message: bedrockBusyMessage }, {
      status: 503,
      headers: {
        ...headers,
        "x-amzn-errortype":
          "ServiceUnavailableException:http://internal.amazon.com/coral/com.amazon.bedrock/",
      },
    });
  }
  if (req.path.endsWith("/converse-stream")) {
    const frames = events(script, final).map(([type, payload]) =>
      new Uint8Array(codec.encode({
        headers: {
          ":event-type": { type: "string", value: type },
          ":content-type": { type: "string", value: "application/json" },
          ":message-type": { type: "string", value: "event" },
        },
        body: new TextEncoder().encode(JSON.stringify(payload)),
      }))
    );
    return new Response(new Blob(frames), {
      headers: { ...headers, "content-type": "application/vnd.amazon.eventstream" },
    });
  }
  const c = script.call;
  const u = final ? script.usage.final : script.usage.tool;
  return Response.json({
    output: {
      message: {
        role: "assistant",
        content: final
          ? [{ text: script.answer.join("") }]
          : [{ toolUse: { toolUseId: c.id, name: c.name, input: JSON.parse(c.input) } }],
      },
    },
    stopReason: final ? "end_turn" : "tool_use",
    usage: usageOf(u),
    metrics: { latencyMs: 120 },
  }, { headers });
}
