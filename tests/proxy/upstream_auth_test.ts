/**
 * The gateway's own cloud credentials applied to a request as it is sent (proxy/upstream_auth.ts),
 * table-driven: a client's SigV4 headers (or its Bedrock API key) stripped and the request signed
 * with the configured key, the result checked two ways against `@smithy/signature-v4` (the same
 * headers as smithy computes for the same request, and smithy's verification as AWS runs it);
 * a model id with `%3A`, an ARN with `%2F`, a query, a body, a session token, and a route's model
 * rewrite (the signature covers the new path and body, not the client's). Then what passes
 * unchanged without configured credentials, and the errors when the credentials cannot be used.
 */
import assert from "node:assert/strict";
import type { ResolvedProvider } from "../../src/config/mod.ts";
import {
  applyUpstreamAuth,
  strippedForSigV4,
  upstreamCredentialOf,
  type UpstreamDraft,
} from "../../src/proxy/upstream_auth.ts";
import { GatewayError } from "../../src/errors/mod.ts";
import { providerAdapters } from "../../src/providers/mod.ts";
import type { ProxyRoute } from "../../src/proxy/mod.ts";
import { chooseTargets, type RoutingDeps } from "../../src/proxy/route_context.ts";
import { MemoryRoutingState, type RoutedRoute, Router } from "../../src/routing/mod.ts";
import { type AwsKey, smithySign, verifySigV4 } from "../support/sigv4_stub.ts";

const host = "bedrock-runtime.us-east-1.amazonaws.com";
const gatewayKey: AwsKey = {
  accessKeyId: "AKIAGATEWAY000000001",
  secretAccessKey: "gW7x/Kq2+secret/of+the+gateway+EXAMPLEKEY",
  sessionToken: null,
};
const sessionKey: AwsKey = {
  accessKeyId: "ASIAGATEWAY000000002",
  secretAccessKey: "tEmP/secret+of+the+gateway+session+EXAMPLE",
  sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+gateway==",
};
const now = new Date("2026-12-07T01:02:03.456Z");

function bedrock(key: AwsKey | null, opts: { upstream?: string; region?: string } = {}) {
  const provider: ResolvedProvider = {
    id: "bedrock",
    kind: "bedrock",
    prefix: "/bedrock",
    upstream: opts.upstream ?? `https://${host}`,
    prices: {},
    stream_usage: true,
  };
  if (key !== null) {
    provider.aws = {
      region: opts.region ?? null,
      access_key_id: key.accessKeyId,
      secret_access_key: key.secretAccessKey,
      ...(key.sessionToken == null ? {} : { session_token: key.sessionToken }),
    };
  }
  return provider;
}

/** The SDK's label encoding of a path segment (smithy `extendedEncodeURIComponent`). */
const label = (v: string) =>
  encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
const modelId = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123xyz";
const body = (model: string) =>
  new TextEncoder().encode(JSON.stringify({
    messages: [{ role: "user", content: [{ text: `Hello ${model}` }] }],
  }));

/** What a client signing for the gateway's host sends: its own SigV4 headers and others. */
const clientSigned: Record<string, string> = {
  "authorization": "AWS4-HMAC-SHA256 Credential=AKIACLIENT0000000000/20261207/us-east-1/" +
    "bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "0".repeat(64),
  "x-amz-date": "20261207T000000Z",
  "x-amz-security-token": "client-session-token-value",
  "x-amz-content-sha256": "0".repeat(64),
  "date": "Mon, 07 Dec 2026 00:00:00 GMT",
  "content-type": "application/json",
  "accept": "application/json",
  "x-amz-user-agent": "aws-sdk-js/3.1178.0",
  "user-agent": "aws-sdk-js/3.1178.0 ua/2.1",
  "x-ongoingai-correlation-id": "corr-1",
};

interface Case {
  name: string;
  key: AwsKey;
  method: string;
  path: string;
  search: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
}

const cases: Case[] = [
  {
    name: "converse, model id with %3A, client SigV4 stripped",
    key: gatewayKey,
    method: "POST",
    path: `/model/${label(modelId)}/converse`,
    search: "",
    headers: clientSigned,
    body: body(modelId),
  },
  {
    name: "converse-stream, ARN with %3A and %2F, session token",
    key: sessionKey,
    method: "POST",
    path: `/model/${label(arn)}/converse-stream`,
    search: "",
    headers: clientSigned,
    body: body(arn),
  },
  {
    name: "a query, and a client Bedrock API key (replaced: configured credentials win)",
    key: gatewayKey,
    method: "POST",
    path: `/model/${label("amazon.nova-lite-v1:0")}/invoke`,
    search: "?trace=ENABLED&b=two%20words&a=1",
    headers: { "authorization": "Bearer ABSKclient-bedrock-api-key", "content-type": "text/plain" },
    body: new TextEncoder().encode("plain body bytes"),
  },
  {
    name: "without a body",
    key: gatewayKey,
    method: "POST",
    path: `/model/${label(modelId)}/count-tokens`,
    search: "?maxResults=5",
    headers: { accept: "application/json" },
    body: null,
  },
];

for (const c of cases) {
  Deno.test(`upstream auth, sigv4: ${c.name}`, async () => {
    const url = `https://${host}${c.path}${c.search}`;
    const draft: UpstreamDraft = { method: c.method, url, headers: { ...c.headers }, body: c.body };
    assert.equal(await applyUpstreamAuth(bedrock(c.key), draft, { now }), null);

    // Stripped: nothing of the client's credentials or its signature is left.
    assert.ok(!JSON.stringify(draft.headers).includes("client"), JSON.stringify(draft.headers));
    assert.equal(draft.headers["date"], undefined);
    // Kept: every other header, unchanged.
    for (const [name, value] of Object.entries(c.headers)) {
      if (!strippedForSigV4.includes(name)) assert.equal(draft.headers[name], value, name);
    }
    assert.match(
      draft.headers["authorization"]!,
      /^AWS4-HMAC-SHA256 Credential=AKIAGATEWAY|^AWS4-HMAC-SHA256 Credential=ASIAGATEWAY/,
    );
    assert.equal(draft.headers["x-amz-security-token"], c.key.sessionToken ?? undefined);

    // The same headers as smithy computes for the same request (signed: host, content-type,
    // x-amz-*; the rest of what is sent is left out of the signature).
    const signable: Record<string, string> = {};
    for (const [name, value] of Object.entries(c.headers)) {
      if (name === "content-type" || name === "x-amz-user-agent") signable[name] = value;
    }
    const theirs = await smithySign(
      { method: c.method, url, headers: signable, body: c.body },
      c.key,
      { region: "us-east-1", service: "bedrock" },
      now,
    );
    for (const h of ["authorization", "x-amz-date", "x-amz-content-sha256"]) {
      assert.equal(draft.headers[h], theirs[h], h);
    }

    // And it verifies as AWS checks it, from what the upstream receives.
    const verdict = await verifySigV4(
      {
        method: c.method,
        url,
        headers: new Headers({ ...draft.headers, host }),
        body: c.body ?? new Uint8Array(),
      },
      [c.key],
      { region: "us-east-1", service: "bedrock" },
      now.getTime(),
    );
    assert.deepEqual(verdict.ok, true, JSON.stringify(verdict));
  });
}

Deno.test("upstream auth, sigv4: a route's model rewrite is signed over the new path and body", async () => {
  const provider = bedrock(gatewayKey);
  const scope = { region: "us-east-1", service: "bedrock" };
  // The client asked for a route; the attempt goes to the target's model (path and body).
  const attempt = {
    method: "POST",
    url: `https://${host}/model/${label(arn)}/converse`,
    headers: { ...clientSigned },
    body: body(arn),
  };
  assert.equal(await applyUpstreamAuth(provider, attempt, { now }), null);
  const received = (url: string, bytes: Uint8Array) => ({
    method: "POST",
    url,
    headers: new Headers({ ...attempt.headers, host }),
    body: bytes,
  });
  assert.equal(
    (await verifySigV4(received(attempt.url, attempt.body), [gatewayKey], scope, now.getTime())).ok,
    true,
  );
  // The client's path or body would not verify: the signature is the attempt's own.
  const clientUrl = `https://${host}/model/${label(modelId)}/converse`;
  assert.equal(
    (await verifySigV4(received(clientUrl, attempt.body), [gatewayKey], scope, now.getTime())).ok,
    false,
  );
  assert.equal(
    (await verifySigV4(received(attempt.url, body(modelId)), [gatewayKey], scope, now.getTime()))
      .ok,
    false,
  );
  // A second attempt of the same exchange is signed anew.
  const retry = { ...attempt, headers: { ...clientSigned } };
  const later = new Date(now.getTime() + 1000);
  assert.equal(await applyUpstreamAuth(provider, retry, { now: later }), null);
  assert.notEqual(retry.headers["x-amz-date"], attempt.headers["x-amz-date"]);
  assert.equal(
    (await verifySigV4(
      { ...received(retry.url, retry.body), headers: new Headers({ ...retry.headers, host }) },
      [gatewayKey],
      scope,
      later.getTime(),
    )).ok,
    true,
  );
});

Deno.test("upstream auth, sigv4: region from the config when the upstream host names none", async () => {
  const provider = bedrock(gatewayKey, { upstream: "http://127.0.0.1:9", region: "eu-west-3" });
  assert.deepEqual(upstreamCredentialOf(provider), {
    kind: "sigv4",
    region: "eu-west-3",
    service: "bedrock",
    accessKeyId: gatewayKey.accessKeyId,
    secretAccessKey: gatewayKey.secretAccessKey,
    sessionToken: null,
  });
  const draft: UpstreamDraft = {
    method: "POST",
    url: "http://127.0.0.1:9/model/m/converse",
    headers: {},
    body: null,
  };
  assert.equal(await applyUpstreamAuth(provider, draft, { now }), null);
  assert.match(
    draft.headers["authorization"] ?? "",
    /\/20261207\/eu-west-3\/bedrock\/aws4_request, /,
  );
});

Deno.test("upstream auth: without configured credentials every client header passes unchanged", async () => {
  const table: [string, ResolvedProvider][] = [
    ["bedrock without aws", bedrock(null)],
    ["openai", {
      id: "openai",
      kind: "openai",
      prefix: "/openai",
      upstream: "https://api.openai.com",
      prices: {},
      stream_usage: true,
    }],
    ["vertex without gcp", {
      id: "vertex",
      kind: "vertex",
      prefix: "/vertex",
      upstream: "https://aiplatform.googleapis.com",
      prices: {},
      stream_usage: true,
    }],
  ];
  for (const [name, provider] of table) {
    assert.equal(upstreamCredentialOf(provider), null, name);
    for (const headers of [clientSigned, { authorization: "Bearer ABSKclient-bedrock-api-key" }]) {
      const draft = {
        method: "POST",
        url: `${provider.upstream}/x`,
        headers: { ...headers },
        body: null,
      };
      assert.equal(await applyUpstreamAuth(provider, draft, { now }), null, name);
      assert.deepEqual(draft.headers, headers, name);
    }
  }
});

Deno.test("upstream auth, sigv4: credentials the gateway cannot use are a clear error, nothing sent", async () => {
  const table: [string, ResolvedProvider, UpstreamDraft, string, RegExp][] = [
    [
      "no region anywhere",
      bedrock(gatewayKey, { upstream: "http://127.0.0.1:9" }),
      { method: "POST", url: "http://127.0.0.1:9/model/m/converse", headers: {}, body: null },
      "upstream_credentials_invalid",
      /^providers\.bedrock\.aws: the gateway's cloud credentials cannot be used, so nothing was sent; the operator should run ongoingai check/,
    ],
    [
      "secret unset",
      { ...bedrock(null), aws: { region: null, access_key_id: gatewayKey.accessKeyId } },
      { method: "POST", url: `https://${host}/model/m/converse`, headers: {}, body: null },
      "upstream_credentials_invalid",
      /^providers\.bedrock\.aws: the gateway's cloud credentials cannot be used/,
    ],
    [
      "a query with a malformed escape",
      bedrock(gatewayKey),
      { method: "POST", url: `https://${host}/model/m/converse?x=%zz`, headers: {}, body: null },
      "bad_request",
      /providers\.bedrock: the gateway cannot sign this request for AWS \(SigV4\)/,
    ],
  ];
  for (const [name, provider, draft, code, message] of table) {
    const before = JSON.stringify(draft.headers);
    const err = await applyUpstreamAuth(provider, draft, { now });
    assert.ok(err instanceof GatewayError, name);
    assert.equal(err.code, code, name);
    assert.match(err.message, message, name);
    assert.ok(!err.message.includes(gatewayKey.secretAccessKey), name);
    if (code !== "bad_request") assert.equal(JSON.stringify(draft.headers), before, name);
  }
});

Deno.test("routing: a target whose provider holds its own credentials is open to a client that sent its own", () => {
  const proxyRoute = (provider: ResolvedProvider): ProxyRoute => ({
    provider,
    adapter: providerAdapters[provider.kind],
    base: { origin: provider.upstream, basePath: "" },
    cost: () => ({ estimated_cost_usd: null, cost_status: "unknown_usage" }),
  });
  const east = bedrock(gatewayKey);
  const west = { ...bedrock(sessionKey), id: "bedrock-west", prefix: "/bedrock-west" };
  const bare = { ...bedrock(null), id: "bedrock-bare", prefix: "/bedrock-bare" };
  const deps: RoutingDeps = {
    table: { routes: new Map(), formats: new Map(), gatewayKeyHeader: "x-ongoingai-key" },
    staticRoutes: [],
    router: new Router(new MemoryRoutingState(), []),
    routes: new Map([east, west, bare].map((p) => [p.id, proxyRoute(p)])),
    secrets: new Map(),
    poolsAllowed: true,
  };
  const target = (provider: string) => ({
    provider,
    model: "m",
    weight: 1,
    onContextLength: false,
  });
  const route: RoutedRoute = {
    name: "claude",
    strategy: "fallback",
    targets: [target("bedrock"), target("bedrock-west"), target("bedrock-bare")],
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
  for (const headers of [clientSigned, { authorization: "Bearer ABSKkey" }, {}]) {
    const got = chooseTargets(deps, route, "bedrock", new Headers(headers));
    // The client's credential never reaches bedrock-west: the gateway signs there with its own.
    assert.deepEqual(got.route.targets.map((t) => t.provider), ["bedrock", "bedrock-west"]);
    assert.equal(got.skipped.length, 1);
    assert.match(got.skipped[0]!, /^bedrock-bare\/m: /);
  }
});
