/**
 * A cell's client stream read by the client's own SDK (openai 7.57.0, @anthropic-ai/sdk 1.12.0),
 * served by a fetch that answers with the stream's bytes: what an SDK user gets at the end of a
 * stream (its accumulated answer), viewed as tool calls and usage like a document answer.
 */
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import type { ClientId } from "./cells_cases.ts";

type Obj = Record<string, unknown>;

export interface SdkView {
  calls: unknown;
  usage: unknown;
}

function parsed(text: unknown): unknown {
  return typeof text === "string" && text !== "" ? JSON.parse(text) : text;
}

export const viewers: Record<ClientId, { callsOf(a: Obj): unknown; usageOf(a: Obj): unknown }> = {
  "openai.chat": {
    callsOf: (a) => {
      const message = (a["choices"] as Obj[])[0]!["message"] as Obj;
      return ((message["tool_calls"] ?? []) as Obj[]).map((c) => {
        const f = c["function"] as Obj;
        return { id: c["id"], name: f["name"], arguments: parsed(f["arguments"]) };
      });
    },
    usageOf: (a) => a["usage"],
  },
  "openai.responses": {
    callsOf: (a) =>
      (a["output"] as Obj[]).filter((i) => i["type"] === "function_call").map((c) => ({
        id: c["call_id"],
        name: c["name"],
        arguments: parsed(c["arguments"]),
      })),
    usageOf: (a) => a["usage"],
  },
  "anthropic.messages": {
    callsOf: (a) =>
      (a["content"] as Obj[]).filter((b) => b["type"] === "tool_use").map((b) => ({
        id: b["id"],
        name: b["name"],
        arguments: b["input"],
      })),
    // The SDK folds message_delta's counts into message_start's usage.
    usageOf: (a) => {
      const u = a["usage"] as Obj;
      return {
        input_tokens: u["input_tokens"],
        output_tokens: u["output_tokens"],
        cache_creation_input_tokens: u["cache_creation_input_tokens"] ?? null,
        cache_read_input_tokens: u["cache_read_input_tokens"] ?? null,
      };
    },
  },
};

function serving(sse: string): typeof fetch {
  return () =>
    Promise.resolve(
      new Response(sse, { status: 200, headers: { "content-type": "text/event-stream" } }),
    );
}

/** The SDK's accumulated answer for the stream. */
async function sdkAnswer(client: ClientId, request: Obj, sse: string): Promise<Obj> {
  // The model is the fake server's business; one the SDK does not warn about.
  const body: Obj = { ...request, model: "cell-model" };
  delete body["stream"];
  if (client === "anthropic.messages") {
    const sdk = new Anthropic({
      apiKey: "cell",
      baseURL: "http://cell.invalid",
      fetch: serving(sse),
    });
    // deno-lint-ignore no-explicit-any
    return await sdk.messages.stream(body as any).finalMessage() as unknown as Obj;
  }
  const sdk = new OpenAI({
    apiKey: "cell",
    baseURL: "http://cell.invalid/v1",
    fetch: serving(sse),
  });
  return client === "openai.chat"
    // deno-lint-ignore no-explicit-any
    ? await sdk.chat.completions.stream(body as any).finalChatCompletion() as unknown as Obj
    // deno-lint-ignore no-explicit-any
    : await sdk.responses.stream(body as any).finalResponse() as unknown as Obj;
}

/** The SDK's accumulated answer for the stream, viewed as a document answer is. */
export async function sdkFinal(client: ClientId, request: Obj, sse: string): Promise<SdkView> {
  const final = await sdkAnswer(client, request, sse);
  return { calls: viewers[client].callsOf(final), usage: viewers[client].usageOf(final) };
}

/** How the SDK reports a stream that ends in an error: its error's kind and message. */
export interface SdkFailure {
  kind: unknown;
  message: string;
  /** The answer's text as the SDK holds it after the failure (Responses only; null: none). */
  text: string | null;
}

/**
 * The SDK's report of a failed stream: the Anthropic and Chat SDKs raise an APIError; the
 * Responses SDK resolves to the `failed` response, whose `error` says why.
 */
export async function sdkFailure(client: ClientId, request: Obj, sse: string): Promise<SdkFailure> {
  try {
    const final = await sdkAnswer(client, request, sse);
    const error = (final["error"] ?? {}) as Obj;
    return {
      kind: `${final["status"]}: ${error["code"]}`,
      message: String(error["message"]),
      text: String(final["output_text"]),
    };
  } catch (e) {
    const err = e as { error?: Obj; code?: unknown; message: string };
    const inner = err.error?.["error"] as Obj | undefined;
    const kind = client === "anthropic.messages"
      ? inner?.["type"] ?? err.error?.["type"]
      : err.code;
    return { kind, message: err.message, text: null };
  }
}
