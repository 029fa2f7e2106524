/**
 * One loopback upstream for the usage fixture matrix (tests/e2e/usage_matrix_test.ts, issue 20
 * plan section 11): it answers as the Gemini API, Vertex AI (Gemini and Claude), Bedrock Runtime
 * (Converse, ConverseStream, InvokeModel, InvokeModelWithResponseStream with an Anthropic body)
 * and Azure OpenAI (chat completions) do, each cell with the recorded fixture shapes:
 *
 * - Gemini and Vertex: the files under tests/testdata/{gemini,vertex}/ served byte for byte
 *   (`alt=sse` streams as recorded, CRLF separators included);
 * - Bedrock: the rows and event builders of tests/providers/bedrock_matrix.ts, encoded as AWS
 *   event-stream messages (both CRCs, padding) by the gateway's own encoder;
 * - Azure: tests/testdata/azure/chat_document.json and chat_stream_usage.sse (prompt filter
 *   chunk, content filter results, the `include_usage` chunk) with each cell's model and usage.
 *
 * The cell is the request's `x-matrix-case` header (`no_cache`, `cache_write`, `cache_read`,
 * `thinking`); the provider and stream/non-stream come from the path as the real services read
 * them. What the fixtures report is exported so that the test computes its expectations from the
 * same raw numbers the stub sends, never from the gateway's code.
 */
import { testdata } from "../providers/replay.ts";
import {
  anthropicEvents,
  type AnthropicUsage,
  converseRows,
  converseStream,
  invokeRows,
  type TokenUsage,
  tokenUsage,
} from "../providers/bedrock_matrix.ts";
import { bytesOf, chunkMessage, eventStreamType } from "../providers/bedrock_fixtures.ts";

export const cases = ["no_cache", "cache_write", "cache_read", "thinking"] as const;
export type Case = typeof cases[number];
export const caseHeader = "x-matrix-case";

/** The recorded Gemini shapes per cell (`gemini/` or `vertex/`, the latter with `trafficType`). */
const geminiFiles: Record<Case, [json: string, sse: string]> = {
  no_cache: ["generate_content_no_cache.json", "stream_no_cache.sse"],
  // Gemini bills no cache write per request: a first call with a long prompt reports none.
  cache_write: ["matrix_cache_write.json", "matrix_cache_write.sse"],
  // Cached content and server-side tool prompts (plan 11: cached 901, toolUse 1934).
  cache_read: ["generate_content_tool_use_prompt.json", "stream_tool_use_prompt.sse"],
  thinking: ["generate_content_thinking.json", "stream_thinking.sse"],
};

const claudeFiles: Record<Case, [json: string, sse: string]> = {
  no_cache: ["claude_raw_predict_no_cache.json", "claude_stream_no_cache.sse"],
  cache_write: ["claude_raw_predict_cache_write.json", "claude_stream_cache_write.sse"],
  cache_read: ["claude_raw_predict_cache_read.json", "claude_stream_cache_read.sse"],
  thinking: ["claude_raw_predict_thinking.json", "claude_stream_thinking.sse"],
};

/** The bytes of a fixture file under tests/testdata/. */
export function fixtureBytes(dir: string, name: string): Uint8Array {
  return Deno.readFileSync(new URL(`${dir}/${name}`, testdata));
}

/** The fixture a Gemini-format cell answers with. */
export function geminiFixture(dir: "gemini" | "vertex", c: Case, stream: boolean): Uint8Array {
  return fixtureBytes(dir, geminiFiles[c][stream ? 1 : 0]);
}

/** The fixture a Vertex Claude cell answers with. */
export function claudeFixture(c: Case, stream: boolean): Uint8Array {
  return fixtureBytes("vertex", claudeFiles[c][stream ? 1 : 0]);
}

const rowOf = <T extends { name: string }>(rows: T[], c: Case): T => {
  const name = c.replace("_", " ");
  return rows.find((r) => r.name.startsWith(name))!;
};

/** Bedrock Converse `TokenUsage` per cell (bedrock_matrix.ts `converseRows`). */
export function converseUsageOf(c: Case): TokenUsage {
  return rowOf(converseRows, c).usage;
}

/** Bedrock InvokeModel Anthropic `usage` per cell (bedrock_matrix.ts `invokeRows`). */
export function invokeUsageOf(c: Case): AnthropicUsage {
  return rowOf(invokeRows, c).usage;
}

/**
 * Azure chat cells: the deployment the test calls, the dated model Azure answers with, and the
 * usage it reports. Cache read and thinking are the recorded figures of azure/README.md; no
 * cache and cache write (gpt-5.6 and later report `prompt_tokens_details.cache_write_tokens`,
 * docs/pricing.md) are written from the docs with distinct terms.
 */
export const azureCells: Record<Case, { deployment: string; model: string; usage: unknown }> = {
  no_cache: {
    deployment: "prod-4o",
    model: "gpt-4o-2024-11-20",
    usage: chatUsage(317, 0, 0, 83, 0),
  },
  cache_write: {
    deployment: "sol",
    model: "gpt-5.6-sol",
    usage: chatUsage(2113, 0, 1792, 95, 0),
  },
  cache_read: {
    deployment: "prod-4o",
    model: "gpt-4o-2024-11-20",
    usage: chatUsage(1200, 1024, 0, 80, 0),
  },
  thinking: {
    deployment: "reasoner",
    model: "o4-mini-2025-04-16",
    usage: chatUsage(500, 256, 0, 900, 640),
  },
};

function chatUsage(prompt: number, cached: number, written: number, out: number, think: number) {
  return {
    completion_tokens: out,
    completion_tokens_details: {
      accepted_prediction_tokens: 0,
      audio_tokens: 0,
      reasoning_tokens: think,
      rejected_prediction_tokens: 0,
    },
    prompt_tokens: prompt,
    prompt_tokens_details: {
      audio_tokens: 0,
      cached_tokens: cached,
      ...(written > 0 && { cache_write_tokens: written }),
    },
    total_tokens: prompt + out,
  };
}

export interface MatrixStub {
  url: string;
  /** Requests that matched no cell (path or header), as `METHOD path case`. */
  unmatched: string[];
  close(): Promise<void>;
}

const sse = { "content-type": "text/event-stream" };
const json = { "content-type": "application/json" };

export function startMatrixStub(): MatrixStub {
  const unmatched: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const url = new URL(req.url);
      const text = await req.text();
      const c = req.headers.get(caseHeader) as Case | null;
      const answer = c !== null && (cases as readonly string[]).includes(c)
        ? answerOf(url, c, text)
        : null;
      if (answer === null || req.method !== "POST") {
        unmatched.push(`${req.method} ${url.pathname}${url.search} ${c}`);
        return new Response(JSON.stringify({ error: "no such matrix cell" }), {
          status: 404,
          headers: json,
        });
      }
      return answer;
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    unmatched,
    close: () => server.shutdown(),
  };
}

function answerOf(url: URL, c: Case, body: string): Response | null {
  const path = url.pathname;
  const method = /:([A-Za-z]+)$/.exec(path)?.[1];
  if (path.startsWith("/v1beta/models/gemini-")) return geminiAnswer("gemini", method, c);
  if (path.includes("/publishers/google/models/")) return geminiAnswer("vertex", method, c);
  if (path.includes("/publishers/anthropic/models/")) {
    if (method === "rawPredict") return bytesResponse(claudeFixture(c, false), json);
    if (method === "streamRawPredict") return bytesResponse(claudeFixture(c, true), sse);
    return null;
  }
  const bedrock = /^\/model\/[^/]+\/([a-z-]+)$/.exec(path)?.[1];
  if (bedrock !== undefined) return bedrockAnswer(bedrock, c);
  const azure = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(path)?.[1];
  if (azure === azureCells[c].deployment) {
    return url.searchParams.has("api-version") ? azureAnswer(c, body) : null;
  }
  // The v1 API: no `api-version`, the deployment is the body's `model`.
  if (path === "/openai/v1/chat/completions" && !url.searchParams.has("api-version")) {
    const named = (JSON.parse(body) as { model?: string }).model;
    return named === azureCells[c].deployment ? azureAnswer(c, body) : null;
  }
  return null;
}

function geminiAnswer(dir: "gemini" | "vertex", method: string | undefined, c: Case) {
  if (method === "generateContent") {
    return bytesResponse(geminiFixture(dir, c, false), json);
  }
  if (method === "streamGenerateContent") {
    return bytesResponse(geminiFixture(dir, c, true), sse);
  }
  return null;
}

const bytesResponse = (bytes: Uint8Array, headers: Record<string, string>) =>
  new Response(new Uint8Array(bytes), { headers });
const eventStream = (bytes: Uint8Array) =>
  bytesResponse(bytes, { "content-type": eventStreamType });

function bedrockAnswer(operation: string, c: Case): Response | null {
  const thinking = c === "thinking";
  switch (operation) {
    case "converse":
      return Response.json(converseDocument(converseUsageOf(c), thinking));
    case "converse-stream": {
      const row = rowOf(converseRows, c);
      return eventStream(converseStream(row.events, tokenUsage(row.usage)));
    }
    case "invoke": {
      const u = invokeUsageOf(c);
      return Response.json(anthropicDocument(u, thinking), { headers: tokenHeaders(u) });
    }
    case "invoke-with-response-stream": {
      const events = anthropicEvents(invokeUsageOf(c), thinking);
      return eventStream(bytesOf(events.map((e, i) => chunkMessage(e, i))));
    }
  }
  return null;
}

/** A `ConverseResponse` (restJson1), a `reasoningContent` block first when thinking. */
function converseDocument(u: TokenUsage, thinking: boolean) {
  const reasoning = {
    reasoningContent: { reasoningText: { text: "Let me think.", signature: "sig" } },
  };
  return {
    output: {
      message: {
        role: "assistant",
        content: [...(thinking ? [reasoning] : []), { text: "Hello world" }],
      },
    },
    stopReason: "end_turn",
    usage: tokenUsage(u),
    metrics: { latencyMs: 412 },
  };
}

/** An Anthropic Messages document as InvokeModel answers it. */
function anthropicDocument(u: AnthropicUsage, thinking: boolean) {
  const think = { type: "thinking", thinking: "Hmm.", signature: "s" };
  return {
    id: "msg_bdrk_01",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5-20250929",
    content: [...(thinking ? [think] : []), { type: "text", text: "Hi" }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: u,
  };
}

/** InvokeModel's token-count headers: the uncached input, as Converse's `inputTokens`. */
function tokenHeaders(u: AnthropicUsage): Record<string, string> {
  return {
    "x-amzn-bedrock-input-token-count": String(u.input_tokens),
    "x-amzn-bedrock-output-token-count": String(u.output_tokens),
    "x-amzn-bedrock-cache-read-input-token-count": String(u.cache_read_input_tokens),
    "x-amzn-bedrock-cache-write-input-token-count": String(u.cache_creation_input_tokens),
    "x-amzn-bedrock-invocation-latency": "1307",
  };
}

const azureDocument = JSON.parse(
  new TextDecoder().decode(fixtureBytes("azure", "chat_document.json")),
);
const azureStream = new TextDecoder().decode(fixtureBytes("azure", "chat_stream_usage.sse"));

/**
 * The recorded Azure answer with the cell's model and usage put in. A stream carries the usage
 * chunk only when the request asked for it (`stream_options.include_usage`), as Azure does.
 */
function azureAnswer(c: Case, body: string): Response {
  const request = JSON.parse(body) as {
    stream?: boolean;
    stream_options?: { include_usage?: boolean };
  };
  if (request.stream !== true) return Response.json(azureDocumentOf(c));
  return new Response(azureStreamOf(c, request.stream_options?.include_usage === true), {
    headers: sse,
  });
}

/** Azure's stream: each chunk's `model` (the first, empty one kept) and the usage chunk's usage. */
export function azureStreamOf(c: Case, includeUsage: boolean): string {
  const cell = azureCells[c];
  return azureStream.split("\n\n").flatMap((event) => {
    if (!event.startsWith("data: {")) return [event];
    const chunk = JSON.parse(event.slice(6));
    if (chunk.model !== "") chunk.model = cell.model;
    if (chunk.usage !== null && chunk.usage !== undefined) {
      if (!includeUsage) return [];
      chunk.usage = cell.usage;
    }
    // Without `include_usage` Azure sends no `usage` member at all (only the usage chunk has one).
    if (!includeUsage) delete chunk.usage;
    return [`data: ${JSON.stringify(chunk)}`];
  }).join("\n\n");
}

/** Azure's document with the cell's model and usage. */
export function azureDocumentOf(c: Case): unknown {
  const cell = azureCells[c];
  return { ...azureDocument, model: cell.model, usage: cell.usage };
}
