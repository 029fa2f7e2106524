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

/** The SDK's accumulated answer for the stream, viewed as a document answer is. */
export async function sdkFinal(client: ClientId, request: Obj, sse: string): Promise<SdkView> {
  // The model is the fake server's business; one the SDK does not warn about.
  const body: Obj = { ...request, model: "cell-model" };
  delete body["stream"];
  let final: Obj;
  if (client === "anthropic.messages") {
    const sdk = new Anthropic({
      apiKey: "cell",
      baseURL: "http://cell.invalid",
      fetch: serving(sse),
    });
    // deno-lint-ignore no-explicit-any
    final = await sdk.messages.stream(body as any).finalMessage() as unknown as Obj;
  } else {
    const sdk = new OpenAI({
      apiKey: "cell",
      baseURL: "http://cell.invalid/v1",
      fetch: serving(sse),
    });
    final = client === "openai.chat"
      // deno-lint-ignore no-explicit-any
      ? await sdk.chat.completions.stream(body as any).finalChatCompletion() as unknown as Obj
      // deno-lint-ignore no-explicit-any
      : await sdk.responses.stream(body as any).finalResponse() as unknown as Obj;
  }
  return { calls: viewers[client].callsOf(final), usage: viewers[client].usageOf(final) };
}
