/**
 * Answers of a Bedrock runtime to Converse and ConverseStream (a route target of an Anthropic
 * client, issue 21), for the SigV4-verifying stub (sigv4_stub.ts `startSigV4Stub({answer})`): a
 * tool loop as the other translate stubs run it. A request whose `messages` hold no `toolResult`
 * block gets one `toolUse` (stop reason `tool_use`), else the final text. ConverseStream is the
 * AWS event stream, one message per event encoded by smithy's codec (the one the AWS SDK
 * decodes with): `messageStart`, for a call `contentBlockStart` with its id and name then
 * `contentBlockDelta` input pieces, for text `contentBlockDelta` text pieces (Bedrock sends no
 * start for a text block), `contentBlockStop`, `messageStop`, `metadata` with the usage. With
 * Claude's thinking on (`additionalModelRequestFields.thinking`), each answer starts with signed
 * `reasoningContent`, and a later request must give it back before its tool call (a 400
 * `ValidationException` with Claude's message otherwise). The model
 * `us.anthropic.claude-busy-v1:0` gets 503 `ServiceUnavailableException`.
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
  /** With Claude's thinking on, each answer starts with this reasoning, signed; the rule on the
   *  signed block coming back is then enforced, as Claude does. */
  thinking: string;
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

/** Claude's thinking is on for this request (its extra fields). */
function thinkingOn(body: Json): boolean {
  return body.additionalModelRequestFields?.thinking?.type === "enabled";
}

function signatureOf(n: number): string {
  return btoa(`stub-bedrock-signature-${n}`);
}

function events(script: ConverseScript, final: boolean, signature: string | null) {
  const u = final ? script.usage.final : script.usage.tool;
  const c = script.call;
  const at = signature === null ? 0 : 1;
  const reasoning: [string, Json][] = signature === null ? [] : [
    ...split(script.thinking, 2).map((text): [string, Json] => [
      "contentBlockDelta",
      { contentBlockIndex: 0, delta: { reasoningContent: { text } } },
    ]),
    ["contentBlockDelta", { contentBlockIndex: 0, delta: { reasoningContent: { signature } } }],
    ["contentBlockStop", { contentBlockIndex: 0 }],
  ];
  const body: [string, Json][] = final
    ? script.answer.map((text) => ["contentBlockDelta", { contentBlockIndex: at, delta: { text } }])
    : [
      ["contentBlockStart", {
        contentBlockIndex: at,
        start: { toolUse: { toolUseId: c.id, name: c.name } },
      }],
      ...split(c.input, c.pieces).map((input): [string, Json] => [
        "contentBlockDelta",
        { contentBlockIndex: at, delta: { toolUse: { input } } },
      ]),
    ];
  return [
    ["messageStart", { role: "assistant" }],
    ...reasoning,
    ...body,
    ["contentBlockStop", { contentBlockIndex: at }],
    ["messageStop", { stopReason: final ? "end_turn" : "tool_use" }],
    ["metadata", { usage: usageOf(u), metrics: { latencyMs: 120 } }],
  ] as [string, Json][];
}

/**
 * Claude's rule with thinking on (the Anthropic API's 400 as Bedrock passes it on, quoted in
 * anomalyco/opencode#3077): the last assistant message, when it calls a tool, starts with the
 * reasoning block it signed. Null: the request passes.
 */
function thinkingRefusal(body: Json, issued: ReadonlySet<string>): string | null {
  if (!thinkingOn(body)) return null;
  const messages = Array.isArray(body.messages) ? body.messages as Json[] : [];
  const i = messages.findLastIndex((m) => m.role === "assistant");
  const content = i < 0 ? [] : messages[i]!.content as Json[];
  if (!content.some((b) => b.toolUse !== undefined)) return null;
  const signature = content[0]?.reasoningContent?.reasoningText?.signature;
  if (signature !== undefined && issued.has(signature)) return null;
  const found = content[0]?.reasoningContent ? "thinking" : "tool_use";
  return "The model returned the following errors: " +
    (found === "thinking"
      ? `messages.${i}.content.0: Invalid \`signature\` in \`thinking\` block`
      : `messages.${i}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found ` +
        "`tool_use`. When `thinking` is enabled, a final `assistant` message must start with a " +
        "thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We " +
        "recommend you include thinking blocks from previous turns. To avoid this requirement, " +
        "disable `thinking`. Please consult our documentation at " +
        "https://docs.claude.com/en/docs/build-with-claude/extended-thinking");
}

/** The model id this stub refuses as unavailable (503 `ServiceUnavailableException`, restJson1). */
export const bedrockBusyModel = "us.anthropic.claude-busy-v1:0";
export const bedrockBusyMessage = "Bedrock is unable to process your request.";

function awsError(status: number, type: string, message: string, headers: Json): Response {
  return Response.json({ message }, {
    status,
    headers: {
      ...headers,
      "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    },
  });
}

function streamOf(frames: [string, Json][], headers: Json): Response {
  const bytes = frames.map(([type, payload]) =>
    new Uint8Array(codec.encode({
      headers: {
        ":event-type": { type: "string", value: type },
        ":content-type": { type: "string", value: "application/json" },
        ":message-type": { type: "string", value: "event" },
      },
      body: new TextEncoder().encode(JSON.stringify(payload)),
    }))
  );
  return new Response(new Blob(bytes), {
    headers: { ...headers, "content-type": "application/vnd.amazon.eventstream" },
  });
}

/**
 * The Converse and ConverseStream answers of one stub (it remembers the signatures it issued),
 * for `startSigV4Stub({answer})`.
 */
export function converseAnswers(script: ConverseScript): (req: SigV4StubRequest) => Response {
  const issued = new Set<string>();
  let n = 0;
  return (req) => {
    n++;
    const body = JSON.parse(new TextDecoder().decode(req.body)) as Json;
    const final = hasToolResult(body);
    const headers = { "x-amzn-requestid": crypto.randomUUID() };
    if (req.path.includes(encodeURIComponent(bedrockBusyModel))) {
      return awsError(503, "ServiceUnavailableException", bedrockBusyMessage, headers);
    }
    const refused = thinkingRefusal(body, issued);
    if (refused !== null) return awsError(400, "ValidationException", refused, headers);
    const signature = thinkingOn(body) ? signatureOf(n) : null;
    if (signature !== null) issued.add(signature);
    if (req.path.endsWith("/converse-stream")) {
      return streamOf(events(script, final, signature), headers);
    }
    const c = script.call;
    const u = final ? script.usage.final : script.usage.tool;
    const reasoning = signature === null
      ? []
      : [{ reasoningContent: { reasoningText: { text: script.thinking, signature } } }];
    return Response.json({
      output: {
        message: {
          role: "assistant",
          content: [
            ...reasoning,
            ...(final
              ? [{ text: script.answer.join("") }]
              : [{ toolUse: { toolUseId: c.id, name: c.name, input: JSON.parse(c.input) } }]),
          ],
        },
      },
      stopReason: final ? "end_turn" : "tool_use",
      usage: usageOf(u),
      metrics: { latencyMs: 120 },
    }, { headers });
  };
}
