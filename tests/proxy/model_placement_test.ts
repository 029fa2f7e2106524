/**
 * A routed attempt aims the request at its target's model as the target's kind places it: the
 * adapter's `withModel` (a stub kind with its model in the path, as Bedrock's `/model/{id}/...`),
 * else the body splice on the client's path. The attempt is sent to the placed path.
 */
import assert from "node:assert/strict";
import { openAiAdapter, providerAdapters } from "../../src/providers/mod.ts";
import type { ModelPlacement, ProviderAdapter } from "../../src/providers/mod.ts";
import type { ProxyRoute } from "../../src/proxy/mod.ts";
import type { Exchange } from "../../src/proxy/exchange.ts";
import { ModelRewriter, sendAttempt } from "../../src/proxy/route_attempt.ts";
import type { AttemptTicket } from "../../src/routing/mod.ts";
import type { UpstreamRequest, UpstreamResponse } from "../../src/upstream/mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A stub kind naming its model in the path (`/model/{id}/converse`), the body left alone. */
const pathModel: ProviderAdapter = {
  ...providerAdapters.anthropic,
  withModel(request: ModelPlacement, model: string): ModelPlacement {
    const m = /^\/model\/[^/]+(\/.*)$/.exec(request.path);
    if (m === null) return request;
    return { path: `/model/${encodeURIComponent(model)}${m[1]}`, body: request.body };
  },
};

const prepared = openAiAdapter.prepareRequest({
  method: "POST",
  path: "/v1/chat/completions",
  contentType: "application/json",
  body: enc.encode(`{"model":"main","messages":[]}`),
  streamUsage: false,
});

Deno.test("ModelRewriter.place: no withModel: body splice, the client's path kept", () => {
  const r = new ModelRewriter(prepared);
  const placed = r.place(openAiAdapter, "/v1/chat/completions", "gpt-4o");
  assert.equal(placed.path, "/v1/chat/completions");
  assert.equal(dec.decode(placed.body!), `{"model":"gpt-4o","messages":[]}`);
  // Same bytes as the body-only rewrite (one splice per model).
  assert.equal(placed.body, r.body("gpt-4o"));
});

Deno.test("ModelRewriter.place: the kind's withModel places the model in the path", () => {
  const body = enc.encode(`{"messages":[{"role":"user","content":[{"text":"hi"}]}]}`);
  const r = new ModelRewriter({ ...prepared, body, model: "main" });
  const placed = r.place(pathModel, "/model/main/converse", "us.anthropic.claude-sonnet-4-5");
  assert.equal(placed.path, "/model/us.anthropic.claude-sonnet-4-5/converse");
  assert.equal(placed.body, body, "the body is the client's bytes");
  const arn = r.place(pathModel, "/model/main/converse-stream", "arn:aws:bedrock:x/y");
  assert.equal(arn.path, "/model/arn%3Aaws%3Abedrock%3Ax%2Fy/converse-stream");
});

Deno.test("sendAttempt: the attempt goes to the placed path, with the client's query", async () => {
  const sent: UpstreamRequest[] = [];
  const client = {
    send(req: UpstreamRequest): Promise<UpstreamResponse> {
      sent.push(req);
      return Promise.resolve({
        status: 200,
        statusText: "OK",
        headers: [],
        decoded: true,
        read: () => Promise.resolve(null),
        bytes: () => Promise.resolve(new Uint8Array()),
        cancel() {},
      });
    },
  };
  const ex = {
    signal: new AbortController().signal,
    req: new Request("http://gw.test/stub/model/main/converse", { method: "POST" }),
    correlationId: "c",
    sendingUpstream: () => null,
    span: null,
    target: { path: "/stub/model/main/converse", search: "?x=1" },
    upstreamPath: "/model/main/converse",
    attemptTimedOut() {},
  } as unknown as Exchange;
  const route = {
    provider: { id: "stub", kind: "anthropic" },
    adapter: pathModel,
    base: { origin: "https://upstream.test", basePath: "/base" },
  } as unknown as ProxyRoute;
  const ticket = {
    timeouts: {
      connectMs: null,
      firstByteMs: null,
      firstTokenMs: null,
      idleMs: null,
      totalMs: null,
    },
  } as unknown as AttemptTicket;
  const result = await sendAttempt({
    ex,
    route,
    prepared,
    path: "/model/other/converse",
    // The query as route_placement.ts gives it (`attemptSearch` of the client's, same provider).
    search: "?x=1",
    translated: null,
    ticket,
    poolSecret: null,
    entry: "stub",
    gatewayKeyHeader: "x-ongoingai-key",
    client,
  });
  assert.ok("upstream" in result);
  result.signal.close();
  assert.equal(sent[0]!.url, "https://upstream.test/base/model/other/converse?x=1");
});
