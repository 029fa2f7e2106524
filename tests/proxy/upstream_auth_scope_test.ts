/**
 * What the gateway's own cloud credentials serve (proxy/upstream_auth.ts, route_context.ts): like
 * a key pool, only an authenticated caller or a loopback listener (else nothing is signed and
 * nothing sent), and only the model operations a trace can price and limits can hold.
 */
import assert from "node:assert/strict";
import type { ResolvedProvider } from "../../src/config/mod.ts";
import { providerAdapters } from "../../src/providers/mod.ts";
import type { ProxyRoute } from "../../src/proxy/mod.ts";
import { chooseTargets, type RoutingDeps } from "../../src/proxy/route_context.ts";
import { applyUpstreamAuth, type UpstreamDraft } from "../../src/proxy/upstream_auth.ts";
import { MemoryRoutingState, type RoutedRoute, Router } from "../../src/routing/mod.ts";

const bedrock: ResolvedProvider = {
  id: "bedrock",
  kind: "bedrock",
  prefix: "/bedrock",
  upstream: "https://bedrock-runtime.us-east-1.amazonaws.com",
  prices: {},
  stream_usage: true,
  aws: {
    region: null,
    access_key_id: "AKIAGATEWAY000000001",
    secret_access_key: "gW7x/Kq2+secret/of+the+gateway+EXAMPLEKEY",
  },
};
const vertex: ResolvedProvider = {
  id: "vertex",
  kind: "vertex",
  prefix: "/vertex",
  upstream: "https://aiplatform.googleapis.com",
  prices: {},
  stream_usage: true,
  // Unusable on purpose: a refusal must come before any token is asked for.
  gcp: { source: "providers.vertex.gcp.service_account_json", service_account_json: "{}" },
};
const draftOf = (provider: ResolvedProvider, path: string): UpstreamDraft => ({
  method: "POST",
  url: provider.upstream + path,
  headers: { authorization: "Bearer client-token", "content-type": "application/json" },
  body: new TextEncoder().encode("{}"),
});

Deno.test("upstream auth: an untrusted caller gets nothing signed (the key pools' rule)", async () => {
  for (const provider of [bedrock, vertex]) {
    const key = provider.kind === "bedrock" ? "aws" : "gcp";
    const draft = draftOf(provider, "/model/amazon.nova-lite-v1%3A0/converse");
    const before = JSON.stringify(draft.headers);
    const err = await applyUpstreamAuth(provider, draft, { callerTrusted: false });
    assert.equal(err?.code, "upstream_credentials_invalid", provider.id);
    assert.match(
      err!.message,
      new RegExp(
        `^providers\\.${provider.id}\\.${key}: the gateway's own credentials serve requests only in team mode \\(auth\\.enabled\\) or on a loopback listener.*turn on auth\\.enabled with gateway keys, or listen on 127\\.0\\.0\\.1$`,
      ),
    );
    assert.equal(JSON.stringify(draft.headers), before, "nothing signed");
  }
});

Deno.test("routing: a credential-holding target serves only where pools do", () => {
  const proxyRoute = (provider: ResolvedProvider): ProxyRoute => ({
    provider,
    adapter: providerAdapters[provider.kind],
    base: { origin: provider.upstream, basePath: "" },
    cost: () => ({ estimated_cost_usd: null, cost_status: "unknown_usage" }),
  });
  const deps = (poolsAllowed: boolean): RoutingDeps => ({
    table: { routes: new Map(), formats: new Map(), gatewayKeyHeader: "x-ongoingai-key" },
    staticRoutes: [],
    router: new Router(new MemoryRoutingState(), []),
    routes: new Map([bedrock, vertex].map((p) => [p.id, proxyRoute(p)])),
    secrets: new Map(),
    poolsAllowed,
  });
  const route: RoutedRoute = {
    name: "claude",
    strategy: "fallback",
    targets: ["bedrock", "vertex"].map((provider) => ({
      provider,
      model: "m",
      weight: 1,
      onContextLength: false,
    })),
    retry: { attempts: 1, backoffMs: 1, maxBackoffMs: 1, maxRetryAfterMs: 1 },
    timeouts: {
      connectMs: null,
      firstByteMs: null,
      firstTokenMs: null,
      idleMs: null,
      totalMs: null,
    },
    breaker: null,
    streamCommit: "first_content",
    maxBufferBytes: 1024,
  };
  const table: [string, boolean, Record<string, string>, string[]][] = [
    ["allowed, no client key", true, {}, ["bedrock", "vertex"]],
    ["allowed, a client key", true, { authorization: "Bearer ABSKkey" }, ["bedrock", "vertex"]],
    ["not allowed, the entry provider too", false, {}, []],
    ["not allowed, a client key", false, { authorization: "Bearer ABSKkey" }, []],
  ];
  for (const [name, allowed, headers, want] of table) {
    const got = chooseTargets(deps(allowed), route, "bedrock", new Headers(headers));
    assert.deepEqual(got.route.targets.map((t) => t.provider), want, name);
    if (!allowed) {
      assert.match(
        got.skipped[0]!,
        /^bedrock\/m: the gateway's own cloud credentials for bedrock serve only in team mode or on a loopback listener$/,
      );
    }
  }
});

Deno.test("upstream auth: the gateway's credentials sign only model operations", async () => {
  const id = "us.anthropic.claude-sonnet-4-5-20250929-v1%3A0";
  const arn = "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fx";
  const vp = "/v1/projects/p-1/locations/us-east5/publishers";
  const table: [string, ResolvedProvider, string, boolean][] = [
    ["converse", bedrock, `/model/${id}/converse`, true],
    ["converse-stream, an ARN", bedrock, `/model/${arn}/converse-stream`, true],
    ["invoke", bedrock, `/model/${id}/invoke`, true],
    ["invoke-with-response-stream", bedrock, `/model/${id}/invoke-with-response-stream`, true],
    ["count-tokens", bedrock, `/model/${id}/count-tokens`, true],
    ["async-invoke", bedrock, "/async-invoke", false],
    ["async-invoke list", bedrock, "/async-invoke?maxResults=100", false],
    ["a guardrail", bedrock, "/guardrail/g1/version/1/apply", false],
    ["bidirectional stream", bedrock, `/model/${id}/invoke-with-bidirectional-stream`, false],
    ["an unknown operation", bedrock, `/model/${id}/delete`, false],
    ["gemini", vertex, `${vp}/google/models/gemini-2.5-flash:generateContent`, true],
    [
      "gemini, SSE",
      vertex,
      `${vp}/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
      true,
    ],
    ["claude", vertex, `${vp}/anthropic/models/claude-sonnet-4-5@20250929:rawPredict`, true],
    ["claude count-tokens", vertex, `${vp}/anthropic/models/count-tokens:rawPredict`, true],
    ["express mode", vertex, "/v1/publishers/google/models/gemini-2.5-flash:generateContent", true],
    ["an endpoint", vertex, "/v1/projects/p-1/locations/us-east5/endpoints/123:predict", false],
    ["datasets", vertex, "/v1/projects/p-1/locations/us-east5/datasets", false],
    ["batch jobs", vertex, "/v1/projects/p-1/locations/us-east5/batchPredictionJobs", false],
  ];
  for (const [name, provider, path, signed] of table) {
    const draft = draftOf(provider, path);
    draft.headers = { "content-type": "application/json" };
    const err = await applyUpstreamAuth(provider, draft, { callerTrusted: true });
    if (signed) {
      // Past the scope: the bedrock key signs; the unusable vertex key is refused as such.
      if (provider.kind === "bedrock") {
        assert.equal(err, null, name);
        assert.match(
          draft.headers["authorization"] ?? "",
          /^AWS4-HMAC-SHA256 Credential=AKIAGATEWAY/,
        );
      } else assert.equal(err?.code, "upstream_credentials_invalid", name);
      continue;
    }
    assert.equal(err?.code, "invalid_provider_path", name);
    assert.equal(err?.status, 400, name);
    const signs = provider.kind === "bedrock"
      ? /^providers\.bedrock: the gateway's aws credentials sign only \/model\/\{modelId\}\/converse, converse-stream, invoke, invoke-with-response-stream and count-tokens, the operations a trace prices and limits hold; .* is not one, so nothing was sent/
      : /^providers\.vertex: the gateway's gcp service account authorizes only publisher model paths/;
    assert.match(err!.message, signs, name);
    assert.deepEqual(draft.headers, { "content-type": "application/json" }, name);
  }
});

Deno.test("upstream auth: an upstream base path is not part of the operation", async () => {
  const provider: ResolvedProvider = {
    ...bedrock,
    upstream: "https://vpce.example.internal/bedrock-proxy",
    aws: { ...bedrock.aws!, region: "us-east-1" },
  };
  const ok = draftOf(provider, "/model/amazon.nova-lite-v1%3A0/converse");
  assert.equal(await applyUpstreamAuth(provider, ok, { callerTrusted: true }), null);
  const no = draftOf(provider, "/async-invoke");
  assert.equal(
    (await applyUpstreamAuth(provider, no, { callerTrusted: true }))?.code,
    "invalid_provider_path",
  );
});
