/**
 * A loopback Vertex AI endpoint speaking the wire format exactly: the model path
 * `/{v1|v1beta1}/projects/{p}/locations/{l}/publishers/{google|anthropic}/models/{m}:{method}`
 * answered with the recorded shapes of tests/testdata/vertex/ (plan section 4), and what Vertex
 * answers to anything else (a google.rpc 404).
 *
 * - `publishers/google`: `generateContent` (JSON, `application/json; charset=UTF-8`),
 *   `streamGenerateContent?alt=sse` (`text/event-stream`, `data:` lines only, no terminator),
 *   `countTokens` (`{totalTokens, totalBillableCharacters}`), `predict` (text-embedding models:
 *   `predictions[].embeddings.statistics.token_count`), `embedContent` (Gemini embedding models:
 *   `usageMetadata`). The answers are the `tool_use_prompt` recordings (every usage term distinct).
 * - `publishers/anthropic`: `rawPredict` (a Messages JSON document), `streamRawPredict` (Messages
 *   SSE with event names), `count-tokens:rawPredict` (`{input_tokens}`). The body must have
 *   `anthropic_version` and no `model` (the Anthropic Vertex SDK moves it to the path); anything
 *   else is the 400 Vertex gives. The fixture is the `cache_read` recording for a regional
 *   location and `cache_write` for `global`, so that one file covers both cache fields. A model
 *   named `claude-overloaded...` answers Claude's 529 `overloaded_error` (a route's failover).
 *
 * Every request is recorded (method, path, query, `authorization`, body) for the test to check.
 * Given `token`, the stub is as strict as Vertex about credentials: any other `Authorization`
 * (or none) gets Google's 401 `UNAUTHENTICATED`, and nothing else is answered.
 */

const fixtures = new URL("../testdata/vertex/", import.meta.url);

export interface VertexSeen {
  method: string;
  path: string;
  search: string;
  authorization: string | null;
  body: Record<string, unknown> | null;
}

export interface VertexStubOptions {
  /** The only access token accepted (`Authorization: Bearer <token>`); unset: any. */
  token?: string;
}

export interface VertexStub {
  url: string;
  seen: VertexSeen[];
  close(): Promise<void>;
}

const jsonType = { "content-type": "application/json; charset=UTF-8" };
const sseType = { "content-type": "text/event-stream" };
const modelPath =
  /^\/(v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/(google|anthropic)\/models\/([^/:]+):(\w+)$/;

/** The fixture each publisher and method answers with; the Claude one by location. */
export const vertexStubFixtures = {
  generateContent: "generate_content_tool_use_prompt.json",
  streamGenerateContent: "stream_tool_use_prompt.sse",
  predict: "predict_text_embedding.json",
  embedContent: "embed_content_gemini_embedding.json",
  claudeDocument: (location: string) =>
    `claude_raw_predict_${location === "global" ? "cache_write" : "cache_read"}.json`,
  claudeStream: (location: string) =>
    `claude_stream_${location === "global" ? "cache_write" : "cache_read"}.sse`,
} as const;

function googleError(status: number, rpc: string, message: string): Response {
  const body = JSON.stringify({ error: { code: status, message, status: rpc } }, null, 2);
  return new Response(body, { status, headers: jsonType });
}

async function file(
  name: string,
  headers: Record<string, string>,
  status = 200,
): Promise<Response> {
  return new Response(await Deno.readFile(new URL(name, fixtures)), { status, headers });
}

function google(method: string): Promise<Response> | Response {
  switch (method) {
    case "generateContent":
      return file(vertexStubFixtures.generateContent, jsonType);
    case "streamGenerateContent":
      return file(vertexStubFixtures.streamGenerateContent, sseType);
    case "countTokens":
      return new Response(JSON.stringify({ totalTokens: 31, totalBillableCharacters: 96 }), {
        headers: jsonType,
      });
    case "predict":
      return file(vertexStubFixtures.predict, jsonType);
    case "embedContent":
      return file(vertexStubFixtures.embedContent, jsonType);
  }
  return googleError(400, "INVALID_ARGUMENT", `Unknown method ${method}.`);
}

function anthropic(
  model: string,
  method: string,
  location: string,
  body: Record<string, unknown> | null,
): Promise<Response> | Response {
  if (method !== "rawPredict" && method !== "streamRawPredict") {
    return googleError(400, "INVALID_ARGUMENT", `Unknown method ${method}.`);
  }
  // A model that is always overloaded: Claude's own error shape, with its 529.
  if (model.startsWith("claude-overloaded")) {
    return file("error_anthropic_overloaded.json", jsonType, 529);
  }
  if (model === "count-tokens") {
    return new Response(JSON.stringify({ input_tokens: 2095 }), { headers: jsonType });
  }
  if (typeof body?.anthropic_version !== "string" || "model" in body) {
    const error = { type: "invalid_request_error", message: "anthropic_version: Field required" };
    return new Response(JSON.stringify({ type: "error", error }), {
      status: 400,
      headers: jsonType,
    });
  }
  return method === "rawPredict"
    ? file(vertexStubFixtures.claudeDocument(location), jsonType)
    : file(vertexStubFixtures.claudeStream(location), {
      "content-type": "text/event-stream; charset=utf-8",
    });
}

/** Google's answer to a missing or wrong access token (google.rpc shape, as Vertex sends it). */
function unauthenticated(): Response {
  return googleError(
    401,
    "UNAUTHENTICATED",
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login " +
      "cookie or other valid authentication credential.",
  );
}

export function startVertexStub(options: VertexStubOptions = {}): VertexStub {
  const seen: VertexSeen[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const text = await req.text();
    const body = text === "" ? null : JSON.parse(text) as Record<string, unknown>;
    seen.push({
      method: req.method,
      path: url.pathname,
      search: url.search,
      authorization: req.headers.get("authorization"),
      body,
    });
    if (options.token !== undefined && seen.at(-1)!.authorization !== `Bearer ${options.token}`) {
      return unauthenticated();
    }
    const m = modelPath.exec(decodeURIComponent(url.pathname));
    if (m === null || req.method !== "POST") {
      return googleError(404, "NOT_FOUND", `The requested URL ${url.pathname} was not found.`);
    }
    const [, , , location, publisher, model, method] = m;
    return publisher === "google"
      ? await google(method!)
      : await anthropic(model!, method!, location!, body);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    close: () => server.shutdown(),
  };
}
