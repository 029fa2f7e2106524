/**
 * The answers of the `native` scenario: the requests of a Gemini API and a Bedrock Converse
 * client, the substrings every answer under load must hold, and one answer parsed in full (text,
 * end of answer, usage; a Bedrock stream decoded message by message with the AWS SDK's codec,
 * both CRCs checked).
 */
import { EventStreamCodec } from "@smithy/eventstream-codec";
import type { RequestSpec } from "../client_stream.ts";
import { nativeJson, nativeStream, nativeUsage } from "../stub_native.ts";

export type Provider = "gemini" | "bedrock";
export type NativeKind = "json" | "sse";

const geminiModel = "gemini-2.5-flash";
const bedrockModel = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const prompt = "Say hello in one short sentence.";
const streamText = Array.from({ length: nativeStream.chunks }, (_, i) => `t${i}`).join("");
const jsonText = {
  gemini: JSON.parse(nativeJson.gemini).candidates[0].content.parts[0].text as string,
  bedrock: JSON.parse(nativeJson.bedrock).output.message.content[0].text as string,
};

/** The request at `origin` (`prefix`: the gateway's provider prefix, "" for the stub's paths). */
export function nativeRequest(
  origin: string,
  prefix: string,
  provider: Provider,
  kind: NativeKind,
): RequestSpec {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (provider === "gemini") {
    headers["x-goog-api-key"] = "AIzaSyBench0000000000000000000000000000";
    const method = kind === "sse" ? "streamGenerateContent?alt=sse" : "generateContent";
    return {
      url: `${origin}${prefix}/v1beta/models/${geminiModel}:${method}`,
      headers,
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: prompt }] }] }),
    };
  }
  headers["authorization"] = "Bearer ABSKQmVkcm9ja0FQSUtleS1iZW5jaC0wMTIzNDU2Nzg5YWJjZGVm";
  const op = kind === "sse" ? "converse-stream" : "converse";
  return {
    url: `${origin}${prefix}/model/${encodeURIComponent(bedrockModel)}/${op}`,
    headers,
    body: JSON.stringify({
      messages: [{ role: "user", content: [{ text: prompt }] }],
      inferenceConfig: { maxTokens: 256 },
    }),
  };
}

/** Substrings every answer under load must hold. */
export function nativeExpect(provider: Provider, kind: NativeKind): string[] {
  const last = `"text":"t${nativeStream.chunks - 1}"`;
  if (provider === "gemini") {
    return kind === "sse"
      ? [last, `"finishReason":"STOP"`]
      : [`"text":${JSON.stringify(jsonText.gemini)}`, `"finishReason":"STOP"`];
  }
  return kind === "sse"
    ? [last, `"stopReason":"end_turn"`, `"outputTokens":${nativeUsage.completion}`]
    : [`"text":${JSON.stringify(jsonText.bedrock)}`, `"stopReason":"end_turn"`];
}

// deno-lint-ignore no-explicit-any
type Json = any;

interface Read {
  text: string;
  end: unknown;
  input: unknown;
  output: unknown;
}

function readGemini(body: string, kind: NativeKind): Read {
  const docs: Json[] = kind === "json"
    ? [JSON.parse(body)]
    : body.split(/\r?\n/).filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)));
  let text = "", end: unknown = null, usage: Json = null;
  for (const d of docs) {
    for (const p of d.candidates?.[0]?.content?.parts ?? []) text += p.text ?? "";
    end = d.candidates?.[0]?.finishReason ?? end;
    usage = d.usageMetadata ?? usage;
  }
  return { text, end, input: usage?.promptTokenCount, output: usage?.candidatesTokenCount };
}

const codec = new EventStreamCodec(
  (b: Uint8Array) => new TextDecoder().decode(b),
  (t: string) => new TextEncoder().encode(t),
);

/** Bedrock's event stream, message by message (the codec checks both CRCs). */
function readConverseStream(bytes: Uint8Array): Read {
  const r: Read = { text: "", end: null, input: null, output: null };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at < bytes.length;) {
    if (bytes.length - at < 16) {
      throw new Error(`${bytes.length - at} bytes after the last message`);
    }
    const len = view.getUint32(at);
    if (len < 16 || at + len > bytes.length) throw new Error(`message of ${len} bytes at ${at}`);
    const msg = codec.decode(bytes.subarray(at, at + len));
    at += len;
    const type = msg.headers[":event-type"]?.value;
    if (msg.headers[":message-type"]?.value !== "event") {
      throw new Error(`a ${msg.headers[":message-type"]?.value} message: ${type}`);
    }
    const p: Json = JSON.parse(new TextDecoder().decode(msg.body));
    if (type === "contentBlockDelta") r.text += p.delta?.text ?? "";
    if (type === "messageStop") r.end = p.stopReason;
    if (type === "metadata") [r.input, r.output] = [p.usage?.inputTokens, p.usage?.outputTokens];
  }
  return r;
}

/** Parses one answer in full; the problem, or null. */
export async function checkNative(
  req: RequestSpec,
  provider: Provider,
  kind: NativeKind,
): Promise<string | null> {
  const res = await fetch(req.url, { method: "POST", headers: req.headers, body: req.body });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const body = new TextDecoder().decode(bytes);
  if (res.status !== 200) return `status ${res.status}: ${body.slice(0, 300)}`;
  let r: Read;
  try {
    if (provider === "gemini") r = readGemini(body, kind);
    else if (kind === "sse") r = readConverseStream(bytes);
    else {
      const d = JSON.parse(body);
      r = {
        text: (d.output?.message?.content ?? []).map((c: Json) => c.text ?? "").join(""),
        end: d.stopReason,
        input: d.usage?.inputTokens,
        output: d.usage?.outputTokens,
      };
    }
  } catch (err) {
    return `unreadable answer (${String(err)}): ${body.slice(0, 200)}`;
  }
  const want = kind === "sse" ? streamText : jsonText[provider];
  if (r.text !== want) {
    return `text ${JSON.stringify(r.text.slice(0, 80))}, expected ${
      JSON.stringify(want.slice(0, 80))
    }`;
  }
  const end = provider === "gemini" ? "STOP" : "end_turn";
  if (r.end !== end) return `end of answer ${JSON.stringify(r.end)}, expected ${end}`;
  if (r.input !== nativeUsage.prompt || r.output !== nativeUsage.completion) {
    return `usage ${r.input} in, ${r.output} out`;
  }
  return null;
}
