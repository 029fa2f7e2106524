/**
 * An upstream's refusal on a translated cell, as each official SDK meets it (issue 21: errors in
 * the client's own format with the status its SDK retries on, the provider's message kept): each
 * target's stub refuses a model as overloaded (OpenAI-compatible 503 `server_is_overloaded`,
 * Anthropic 529 `overloaded_error`, Gemini 503 `UNAVAILABLE`, Bedrock 503
 * `ServiceUnavailableException`), the route makes one attempt (no breaker, which would open after
 * five), and the SDK (no retries of its own) must raise its API error with the status of the
 * plan's table and the provider's text (the Anthropic SDK also reads the `type` of its error
 * body). Streamed requests are refused before any event, so they fail the same way. One trace per
 * request, with the client's status. And a rate limit: Gemini's 429 with `RetryInfo` reaches the
 * Anthropic SDK as 429 `rate_limit_error` with `retry-after` (a provider of its own, whose pool
 * key the 429 cools down).
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import type { ClientName } from "./translate_sdk_clients.ts";
import type { Busy, Json, Target } from "./translate_sdk_targets.ts";
import type { Gateway } from "./translate_sdk_gateway.ts";
import {
  geminiLimitedMessage,
  geminiLimitedModel,
  geminiLimitedRetrySeconds,
} from "../support/translate_gemini_stub.ts";

const question = "Is anyone there?";

/**
 * The status a client of `client` gets for the upstream's `status` (plan section 5): an
 * overloaded upstream (Anthropic 529, OpenAI, Gemini and Bedrock 503) is 529 `overloaded_error`
 * to an Anthropic client and 503 to an OpenAI one (OpenAI has no 529).
 */
function clientStatus(client: ClientName, status: number): number {
  if (status === 529 || status === 503) return client === "anthropic.messages" ? 529 : 503;
  return status;
}

const anthropicTypes: Record<number, string> = {
  429: "rate_limit_error",
  529: "overloaded_error",
};

/** The SDK's error for one request to the busy route, or a failure when it succeeds. */
async function refusal(
  client: ClientName,
  origin: string,
  busy: Busy,
  stream: boolean,
): Promise<unknown> {
  const run = async () => {
    if (client === "anthropic.messages") {
      const sdk = new Anthropic({
        apiKey: "sk-ant-client",
        baseURL: `${origin}/anthropic`,
        maxRetries: 0,
      });
      const body = {
        model: busy.route,
        max_tokens: 64,
        messages: [{ role: "user" as const, content: question }],
      };
      if (!stream) return await sdk.messages.create(body);
      for await (const _ of await sdk.messages.create({ ...body, stream: true })) { /* drained */ }
      return null;
    }
    const sdk = new OpenAI({
      apiKey: "sk-proj-client",
      baseURL: `${origin}/openai/v1`,
      maxRetries: 0,
    });
    if (client === "openai.chat") {
      const body = { model: busy.route, messages: [{ role: "user" as const, content: question }] };
      if (!stream) return await sdk.chat.completions.create(body);
      for await (
        const _ of await sdk.chat.completions.create({ ...body, stream: true })
      ) { /* drained */ }
      return null;
    }
    const body = { model: busy.route, input: question };
    if (!stream) return await sdk.responses.create(body);
    for await (const _ of await sdk.responses.create({ ...body, stream: true })) { /* drained */ }
    return null;
  };
  return await run().then(
    (answer) => assert.fail(`the request succeeded: ${JSON.stringify(answer)}`),
    (err: unknown) => err,
  );
}

export async function errorCell(
  gw: Gateway,
  client: ClientName,
  t: Target,
  stream: boolean,
  requests: () => number,
  newTraces: (n: number) => Promise<Json[]>,
): Promise<void> {
  const before = requests();
  const err = await refusal(client, gw.origin, t.busy, stream);
  const status = clientStatus(client, t.busy.status);
  const e = err instanceof OpenAI.APIError || err instanceof Anthropic.APIError ? err : null;
  assert.ok(e !== null, `an API error, got ${String(err)}`);
  assert.equal(e.status, status, e.message);
  assert.ok(e.message.includes(t.busy.message), `the provider's message is kept: ${e.message}`);
  if (client === "anthropic.messages") {
    assert.equal((e.error as Json | undefined)?.error?.type, anthropicTypes[status], e.message);
  }
  if (t.busy.retryAfter !== null) {
    assert.equal(e.headers?.get("retry-after"), String(t.busy.retryAfter));
  }
  assert.equal(requests() - before, 1, "one attempt upstream");
  const [trace] = await newTraces(1);
  assert.deepStrictEqual(
    [trace!.provider, trace!.model, trace!.response_status],
    [t.provider, t.busy.model, status],
  );
}

/**
 * Gemini's 429 with `RetryInfo` (17 s) to the Anthropic SDK: 429 `rate_limit_error`, the
 * provider's message, `retry-after: 17`; one attempt upstream, one trace.
 */
export async function rateLimitCell(
  gw: Gateway,
  requests: () => number,
  newTraces: (n: number) => Promise<Json[]>,
): Promise<void> {
  const before = requests();
  const sdk = new Anthropic({
    apiKey: "sk-ant-client",
    baseURL: `${gw.origin}/anthropic`,
    maxRetries: 0,
  });
  const err = await sdk.messages.create({
    model: "flash-limited",
    max_tokens: 64,
    messages: [{ role: "user", content: question }],
  }).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof Anthropic.APIError, String(err));
  assert.equal(err.status, 429, err.message);
  assert.equal((err.error as Json | undefined)?.error?.type, "rate_limit_error");
  assert.ok(err.message.includes(geminiLimitedMessage), err.message);
  assert.equal(err.headers?.get("retry-after"), String(geminiLimitedRetrySeconds));
  assert.equal(requests() - before, 1, "one attempt upstream");
  const [trace] = await newTraces(1);
  assert.deepStrictEqual(
    [trace!.provider, trace!.model, trace!.response_status],
    ["gemini-limited", geminiLimitedModel, 429],
  );
}
