/**
 * A loopback Gemini API (a route target of an OpenAI Responses client, issue 21) speaking
 * generateContent exactly: `POST /v1beta/models/{model}:generateContent` answers one
 * `GenerateContentResponse`; `:streamGenerateContent?alt=sse` answers them as SSE `data:` lines
 * separated by CRLF pairs (as recorded in tests/testdata/gemini/), text in pieces, the
 * `usageMetadata` on every chunk (complete on the last, with `finishReason`). Gemini 3 models
 * sign their calls and refuse an unsigned call in the current turn, as the API does. A tool loop: a
 * request whose `contents` hold no `functionResponse` part gets one `functionCall` (with or
 * without an `id`, as the script says), else the final text. Requests without the
 * pool key in `x-goog-api-key` get Google's 400 `API_KEY_INVALID`; the model `gemini-busy` gets
 * 503 `UNAVAILABLE`, `gemini-limited` the recorded 429 with `RetryInfo`
 * (tests/testdata/gemini/error_429_retry_info.json).
 */
import { framedStream, type SeenRequest } from "./translate_chat_stub.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

export interface GeminiTurnUsage {
  prompt: number;
  cached: number;
  candidates: number;
  thoughts: number;
}

export interface GeminiCall {
  id: string | null;
  name: string;
  args: Json;
}

export interface GeminiScript {
  key: string;
  /**
   * `id: null`: the call comes without one (the gateway then makes one up for its client). A
   * function picks the call from the request (by the tools it declares, for one stub serving
   * several clients).
   */
  call: GeminiCall | ((body: Json) => GeminiCall);
  answer: readonly string[];
  usage: { tool: GeminiTurnUsage; final: GeminiTurnUsage };
}

export interface GeminiStub {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

const enc = new TextEncoder();

export function hasFunctionResponse(body: Json): boolean {
  const contents = Array.isArray(body.contents) ? body.contents : [];
  return contents.some((c: Json) =>
    Array.isArray(c?.parts) && c.parts.some((p: Json) => p?.functionResponse !== undefined)
  );
}

export function usageMetadata(u: GeminiTurnUsage): Json {
  return {
    promptTokenCount: u.prompt,
    candidatesTokenCount: u.candidates,
    ...(u.cached > 0 ? { cachedContentTokenCount: u.cached } : {}),
    ...(u.thoughts > 0 ? { thoughtsTokenCount: u.thoughts } : {}),
    totalTokenCount: u.prompt + u.candidates + u.thoughts,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: u.prompt }],
  };
}

/**
 * Gemini 3 models sign their function calls and demand the signature back on the first call of
 * each step of the current turn (400 otherwise, the API's message as quoted in
 * lbjlaq/Antigravity-Manager#3202 and nanbingxyz/5ire#405); the documented
 * `skip_thought_signature_validator` passes for calls made elsewhere.
 */
const signing = /gemini-[3-9]/;
export const skipSignature = "skip_thought_signature_validator";

function signatureOf(n: number): string {
  return btoa(`stub-gemini-signature-${n}`);
}

/** Why a Gemini 3 request is refused (a call of the current turn unsigned), or null. */
function signatureRefusal(body: Json, model: string, issued: ReadonlySet<string>): string | null {
  if (!signing.test(model)) return null;
  const contents = Array.isArray(body.contents) ? body.contents as Json[] : [];
  const turn = contents.findLastIndex((c) =>
    c.role === "user" && (c.parts as Json[] ?? []).some((p) => typeof p.text === "string")
  );
  for (let i = turn + 1; i < contents.length; i++) {
    const c = contents[i]!;
    if (c.role !== "model") continue;
    const call = (c.parts as Json[] ?? []).find((p) => p.functionCall !== undefined);
    if (call === undefined) continue;
    const sig = call.thoughtSignature;
    if (sig === skipSignature || issued.has(sig)) continue;
    return "Function call is missing a thought_signature in functionCall parts. This is " +
      "required for tools to work correctly, and missing thought_signature may lead to " +
      "degraded model performance. Additional data, function call " +
      `\`default_api:${call.functionCall.name}\` , position ${i + 1}. Please refer to ` +
      "https://ai.google.dev/gemini-api/docs/thought-signatures for more details.";
  }
  return null;
}

function chunks(script: GeminiScript, body: Json, model: string, n: number): Json[] {
  const final = hasFunctionResponse(body);
  const u = final ? script.usage.final : script.usage.tool;
  const base = { modelVersion: model, responseId: `stubResp${n}` };
  const candidate = (parts: Json[], last: boolean) => ({
    content: { parts, role: "model" },
    ...(last ? { finishReason: "STOP" } : {}),
    index: 0,
  });
  if (!final) {
    const c = typeof script.call === "function" ? script.call(body) : script.call;
    return [{
      candidates: [candidate([{
        functionCall: { ...(c.id === null ? {} : { id: c.id }), name: c.name, args: c.args },
        ...(signing.test(model) ? { thoughtSignature: signatureOf(n) } : {}),
      }], true)],
      usageMetadata: usageMetadata(u),
      ...base,
    }];
  }
  return script.answer.map((text, i) => {
    const last = i === script.answer.length - 1;
    // Interim chunks carry the prompt count only, as the API does; the last one is complete.
    const usage = last
      ? usageMetadata(u)
      : { promptTokenCount: u.prompt, totalTokenCount: u.prompt };
    return { candidates: [candidate([{ text }], last)], usageMetadata: usage, ...base };
  });
}

function whole(script: GeminiScript, body: Json, model: string, n: number): Json {
  const all = chunks(script, body, model, n);
  const parts = all.flatMap((c) => c.candidates[0].content.parts);
  const text = parts.every((p: Json) => typeof p.text === "string")
    ? [{ text: parts.map((p: Json) => p.text).join("") }]
    : parts;
  const last = all[all.length - 1]!;
  return {
    candidates: [{ content: { parts: text, role: "model" }, finishReason: "STOP", index: 0 }],
    usageMetadata: last.usageMetadata,
    modelVersion: model,
    responseId: `stubResp${n}`,
  };
}

/** The model this stub answers with the API's 503 `UNAVAILABLE` (overloaded). */
export const geminiBusyModel = "gemini-busy";
export const geminiBusyMessage = "The model is overloaded. Please try again later.";
/** The model it answers with the API's 429 `RESOURCE_EXHAUSTED` (a recorded body). */
export const geminiLimitedModel = "gemini-limited";
/** Its `RetryInfo.retryDelay`, in seconds, and the start of its message. */
export const geminiLimitedRetrySeconds = 17;
export const geminiLimitedMessage = "You exceeded your current quota";
const limitedFixture = new URL("../testdata/gemini/error_429_retry_info.json", import.meta.url);

const route = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

export function startGeminiStub(script: GeminiScript): Promise<GeminiStub> {
  const seen: SeenRequest[] = [];
  const issued = new Set<string>();
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) =>
        resolve({ url: `http://127.0.0.1:${port}`, seen, close: () => server.shutdown() }),
    }, async (req) => {
      const url = new URL(req.url);
      let body: Json = {};
      try {
        body = JSON.parse(await req.text());
      } catch {
        // Recorded as empty.
      }
      seen.push({
        method: req.method,
        path: url.pathname,
        search: url.search,
        headers: req.headers,
        body,
      });
      const m = route.exec(url.pathname);
      if (req.method !== "POST" || m === null) {
        return Response.json({
          error: { code: 404, message: `no route ${url.pathname}`, status: "NOT_FOUND" },
        }, { status: 404 });
      }
      if (req.headers.get("x-goog-api-key") !== script.key) {
        return Response.json({
          error: {
            code: 400,
            message: "API key not valid. Please pass a valid API key.",
            status: "INVALID_ARGUMENT",
            details: [{
              "@type": "type.googleapis.com/google.rpc.ErrorInfo",
              reason: "API_KEY_INVALID",
              domain: "googleapis.com",
            }],
          },
        }, { status: 400 });
      }
      const model = decodeURIComponent(m[1]!);
      const n = seen.length;
      const refused = signatureRefusal(body, model, issued);
      if (refused !== null) {
        return Response.json({
          error: { code: 400, message: refused, status: "INVALID_ARGUMENT" },
        }, { status: 400 });
      }
      if (signing.test(model)) issued.add(signatureOf(n));
      if (model === geminiLimitedModel) {
        return new Response(await Deno.readFile(limitedFixture), {
          status: 429,
          headers: { "content-type": "application/json; charset=UTF-8" },
        });
      }
      if (model === geminiBusyModel) {
        return Response.json({
          error: { code: 503, message: geminiBusyMessage, status: "UNAVAILABLE" },
        }, { status: 503 });
      }
      if (m[2] === "streamGenerateContent") {
        const frames = chunks(script, body, model, n).map((c) =>
          enc.encode(`data: ${JSON.stringify(c)}\r\n\r\n`)
        );
        return new Response(framedStream(frames), {
          headers: { "content-type": "text/event-stream" },
        });
      }
      return Response.json(whole(script, body, model, n));
    });
  });
}
