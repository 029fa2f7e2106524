/**
 * A loopback Gemini API for the Gemini CLI's end-to-end test: what @google/gemini-cli 0.61.0
 * calls in a headless run (`gemini -p`, measured against a recording stub), answered in the
 * recorded wire shapes (tests/testdata/gemini/README.md):
 *
 * - `POST /v1beta/models/{router}:generateContent`: the CLI's model router asks a small model to
 *   score the prompt's complexity, with a JSON response schema
 *   (`{"complexity_reasoning": string, "complexity_score": 1..100}`); answered as one JSON
 *   document with that object as the text;
 * - `POST /v1beta/models/{model}:streamGenerateContent?alt=sse`: the answer, each chunk as
 *   `data: <JSON>\r\n\r\n`, `usageMetadata` on every chunk with the totals on the last (the
 *   one with `finishReason`), as the Gemini API streams it.
 *
 * Anything else answers the API's 404 error body, and is recorded like every request so a test
 * sees it.
 */
import type { RecordedRequest } from "./upstream_stub.ts";

export interface GeminiUsage {
  prompt: number;
  cached: number;
  candidates: number;
  thoughts: number;
}

export interface GeminiAgentScript {
  /** The answer, streamed in these pieces. */
  pieces: readonly string[];
  /** The main answer's usage (the last chunk's `usageMetadata`). */
  stream: GeminiUsage;
  /** The router's usage, and the score it gives (high: the Pro model). */
  router: GeminiUsage & { score: number };
}

export interface GeminiAgentUpstream {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** `usageMetadata` as the API writes it: zero counts left out, totals summed. */
export function usageMetadata(u: GeminiUsage): Record<string, unknown> {
  const meta: Record<string, unknown> = { promptTokenCount: u.prompt };
  if (u.candidates > 0) meta.candidatesTokenCount = u.candidates;
  if (u.cached > 0) meta.cachedContentTokenCount = u.cached;
  meta.promptTokensDetails = [{ modality: "TEXT", tokenCount: u.prompt }];
  if (u.cached > 0) meta.cacheTokensDetails = [{ modality: "TEXT", tokenCount: u.cached }];
  if (u.thoughts > 0) meta.thoughtsTokenCount = u.thoughts;
  meta.totalTokenCount = u.prompt + u.candidates + u.thoughts;
  return meta;
}

function candidate(text: string, finish: boolean): Record<string, unknown> {
  return {
    content: { parts: [{ text }], role: "model" },
    ...(finish ? { finishReason: "STOP" } : {}),
    index: 0,
  };
}

function streamBody(script: GeminiAgentScript, model: string, n: number): string[] {
  const u = script.stream;
  const id = `stubResponse${n}`;
  const pieces = script.pieces;
  return pieces.map((text, i) => {
    const last = i === pieces.length - 1;
    // Interim chunks carry the prompt count only; the last one the totals.
    const usage = last
      ? usageMetadata(u)
      : { promptTokenCount: u.prompt, totalTokenCount: u.prompt };
    const chunk = {
      candidates: [candidate(text, last)],
      usageMetadata: usage,
      modelVersion: model,
      responseId: id,
    };
    return `data: ${JSON.stringify(chunk)}\r\n\r\n`;
  });
}

function routerBody(script: GeminiAgentScript, model: string, n: number): string {
  const text = JSON.stringify({
    complexity_reasoning: "Stub: scored high so the main model answers.",
    complexity_score: script.router.score,
  });
  return JSON.stringify({
    candidates: [candidate(text, true)],
    usageMetadata: usageMetadata(script.router),
    modelVersion: model,
    responseId: `stubRouter${n}`,
  });
}

function notFound(path: string): Response {
  return new Response(
    JSON.stringify({ error: { code: 404, message: `no route ${path}`, status: "NOT_FOUND" } }),
    { status: 404, headers: { "content-type": "application/json; charset=UTF-8" } },
  );
}

function respond(req: Request, script: GeminiAgentScript, n: number): Response {
  const url = new URL(req.url);
  const m = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(
    url.pathname,
  );
  if (req.method !== "POST" || m === null) return notFound(url.pathname);
  const [, model, method] = m as unknown as [string, string, string];
  if (method === "generateContent") {
    return new Response(routerBody(script, model, n), {
      headers: { "content-type": "application/json; charset=UTF-8" },
    });
  }
  if (url.searchParams.get("alt") !== "sse") return notFound(`${url.pathname} without alt=sse`);
  const frames = streamBody(script, model, n);
  const enc = new TextEncoder();
  let i = 0;
  // One chunk per read, as the API flushes them.
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      const frame = frames[i++];
      if (frame === undefined) c.close();
      else c.enqueue(enc.encode(frame));
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

export function startGeminiAgentUpstream(script: GeminiAgentScript): Promise<GeminiAgentUpstream> {
  const requests: RecordedRequest[] = [];
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) =>
        resolve({ url: `http://127.0.0.1:${port}`, requests, close: () => server.shutdown() }),
    }, async (req) => {
      const url = new URL(req.url);
      requests.push({
        method: req.method,
        path: url.pathname,
        search: url.search,
        headers: Object.fromEntries(req.headers),
        body: await req.text(),
      });
      return respond(req, script, requests.length);
    });
  });
}
