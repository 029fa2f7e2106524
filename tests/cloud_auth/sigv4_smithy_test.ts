/**
 * The gateway's signer against the one every AWS JavaScript SDK uses, `@smithy/signature-v4`
 * (test-only dependency, hashing through node:crypto so neither side shares the other's crypto):
 * Bedrock requests whose model id carries `:` and whose ARN carries `/`, both percent-encoded as
 * the SDK's label encoding sends them, with and without a session token; then random paths,
 * queries and header values.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { SignatureV4 } from "@smithy/signature-v4";
import { NodeSha256 } from "../support/sigv4_stub.ts";
import {
  bedrockScope,
  signV4,
  type SigV4Credentials,
  sigV4Signature,
} from "../../src/cloud_auth/mod.ts";

/** The SDK's label encoding (smithy `extendedEncodeURIComponent`). */
function labelEncoded(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

interface Case {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

async function smithySigned(
  c: Case,
  creds: SigV4Credentials,
  region: string,
  service: string,
  date: Date,
  unsignable?: Set<string>,
): Promise<Record<string, string>> {
  const url = new URL(c.url);
  const query: Record<string, string | string[]> = Object.create(null);
  for (const [k, v] of url.searchParams) {
    // Own keys only: a parameter named `toString` must not meet Object.prototype's.
    const prior = Object.hasOwn(query, k) ? query[k] : undefined;
    query[k] = prior === undefined ? v : Array.isArray(prior) ? [...prior, v] : [prior, v];
  }
  const signer = new SignatureV4({
    service,
    region,
    credentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      ...(creds.sessionToken == null ? {} : { sessionToken: creds.sessionToken }),
    },
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: c.method,
    protocol: url.protocol,
    hostname: url.hostname,
    path: c.url.slice(c.url.indexOf("/", "https://".length)).split("?")[0]!,
    query,
    headers: { host: url.host, ...c.headers },
    body: c.body ?? undefined,
  }, { signingDate: date, ...(unsignable ? { unsignableHeaders: unsignable } : {}) });
  return signed.headers;
}

const creds: SigV4Credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: null,
};
const sessionCreds: SigV4Credentials = {
  accessKeyId: "ASIAEXAMPLE0SESSION",
  secretAccessKey: "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token==",
};
const host = "bedrock-runtime.us-east-1.amazonaws.com";
const date = new Date("2026-12-06T23:04:05.678Z");
const converseBody = JSON.stringify({
  messages: [{ role: "user", content: [{ text: "Hello, Bedrock" }] }],
  inferenceConfig: { maxTokens: 64 },
});
const modelId = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123xyz";

const bedrockCases: [string, Case][] = [
  ["converse, model id with ':'", {
    method: "POST",
    url: `https://${host}/model/${labelEncoded(modelId)}/converse`,
    headers: { "content-type": "application/json" },
    body: converseBody,
  }],
  ["converse-stream, ARN with ':' and '/'", {
    method: "POST",
    url: `https://${host}/model/${labelEncoded(arn)}/converse-stream`,
    headers: { "content-type": "application/json" },
    body: converseBody,
  }],
  ["invoke, no body", {
    method: "POST",
    url: `https://${host}/model/${labelEncoded("amazon.titan-embed-text-v2:0")}/invoke`,
    headers: { "content-type": "application/json" },
    body: null,
  }],
];

for (const [name, c] of bedrockCases) {
  for (
    const [credsName, cr] of [["long-term keys", creds], ["session token", sessionCreds]] as const
  ) {
    Deno.test(`Bedrock ${name}, ${credsName}: the same headers as @smithy/signature-v4`, async () => {
      const scope = bedrockScope(host, null);
      assert.deepEqual(scope, { region: "us-east-1", service: "bedrock" });
      const body = c.body === null ? null : new TextEncoder().encode(c.body);
      const ours = await signV4(
        { method: c.method, url: c.url, headers: c.headers, body },
        cr,
        scope,
        date,
      );
      const theirs = await smithySigned(c, cr, scope.region, scope.service, date);
      for (const h of ["authorization", "x-amz-date", "x-amz-content-sha256"]) {
        assert.equal(ours.get(h), theirs[h], h);
      }
      assert.equal(ours.get("x-amz-security-token"), theirs["x-amz-security-token"] ?? null);
      assert.deepEqual(
        [...ours.keys()].sort(),
        ["authorization", "x-amz-content-sha256", "x-amz-date"].concat(
          cr.sessionToken == null ? [] : ["x-amz-security-token"],
        ).sort(),
      );
      // The same request as a URL object (what `fetch` sends) signs the same.
      const viaUrl = await signV4(
        { method: c.method, url: new URL(c.url), headers: new Headers(c.headers), body },
        cr,
        scope,
        date,
      );
      assert.equal(viaUrl.get("authorization"), ours.get("authorization"));
    });
  }
}

Deno.test("Bedrock paths are escaped twice: %3A signs as %253A, an ARN's %2F as %252F", async () => {
  const [, c] = bedrockCases[1]!;
  const signed = await sigV4Signature(
    { method: c.method, url: c.url, headers: c.headers, body: null },
    creds,
    bedrockScope(host, null),
    date,
  );
  const path = signed.canonicalRequest.split("\n")[1];
  assert.equal(
    path,
    "/model/arn%253Aaws%253Abedrock%253Aus-east-1%253A123456789012%253A" +
      "application-inference-profile%252Fabc123xyz/converse-stream",
  );
  const [, plain] = bedrockCases[0]!;
  const plainSigned = await sigV4Signature(
    { method: "POST", url: plain.url, headers: plain.headers, body: null },
    creds,
    bedrockScope(host, null),
    date,
  );
  assert.equal(
    plainSigned.canonicalRequest.split("\n")[1],
    "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%253A0/converse",
  );
});

Deno.test("minimal set: headers the HTTP client may add or rewrite stay unsigned, as smithy's unsignableHeaders", async () => {
  const c: Case = {
    method: "POST",
    url: `https://${host}/model/${labelEncoded(modelId)}/invoke`,
    headers: {
      "content-type": "application/json",
      accept: "application/json",
      "x-amzn-bedrock-trace": "ENABLED",
      "accept-encoding": "gzip",
      "x-amz-user-agent": "aws-sdk-js/3.1178.0",
      "user-agent": "aws-sdk-js/3.1178.0 ua/2.1",
    },
    body: converseBody,
  };
  const body = new TextEncoder().encode(c.body!);
  const ours = await sigV4Signature({ ...c, body }, sessionCreds, bedrockScope(host, null), date);
  assert.match(
    ours.headers.get("authorization")!,
    /SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-user-agent,/,
  );
  const theirs = await smithySigned(
    c,
    sessionCreds,
    "us-east-1",
    "bedrock",
    date,
    new Set(["accept", "x-amzn-bedrock-trace", "accept-encoding"]),
  );
  assert.equal(ours.headers.get("authorization"), theirs.authorization);
  const all = await signV4({ ...c, body }, sessionCreds, bedrockScope(host, null), date, {
    headerSet: "all",
  });
  const theirsAll = await smithySigned(c, sessionCreds, "us-east-1", "bedrock", date);
  assert.equal(all.get("authorization"), theirsAll.authorization);
});

/** Cases of smithy's suite.fixture.ts (smithy-typescript @ 6815d3e) absent from aws-c-auth's. */
const smithyFixtureCases: { name: string; query: Record<string, string>; signature: string }[] = [
  {
    name: "post-vanilla-query-nonunreserved",
    query: { "@#$%^": "", "+": '/,?><`";:\\|][{}' },
    signature: "66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e",
  },
  {
    name: "post-vanilla-query-space",
    query: { p: "" },
    signature: "e71688addb58a26418614085fb730ba3faa623b461c17f48f2fbdb9361b94a9b",
  },
];

for (const f of smithyFixtureCases) {
  Deno.test(`smithy fixture: ${f.name}`, async () => {
    const query = Object.entries(f.query).map(([k, v]) => `${labelEncoded(k)}=${labelEncoded(v)}`)
      .join("&");
    const headers = await signV4(
      {
        method: "POST",
        url: `https://example.amazonaws.com/?${query}`,
        headers: {},
        body: null,
      },
      creds,
      { region: "us-east-1", service: "service" },
      new Date("2015-08-30T12:36:00Z"),
      { contentSha256Header: false },
    );
    assert.equal(
      headers.get("authorization"),
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, " +
        `SignedHeaders=host;x-amz-date, Signature=${f.signature}`,
    );
  });
}

const segment = fc.oneof(
  fc.constantFrom(".", "..", "", "model", "%3A", "%2F", "%25", "a:b", "!'()*", "~-_.", "%E2%82%AC"),
  fc.stringMatching(/^[A-Za-z0-9:@$&+,;=%!'()*~._-]{1,12}$/).filter((s) =>
    !/%(?![0-9A-F]{2})/.test(s)
  ),
);
const queryPart = fc.stringMatching(/^[A-Za-z0-9 :/@$&+,;=!'()*~._?#%-]{0,10}$/);

Deno.test("random paths, queries and header values sign as @smithy/signature-v4 does (all headers)", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(segment, { maxLength: 6 }),
      fc.boolean(),
      fc.dictionary(
        fc.oneof(queryPart, fc.constantFrom("toString", "__proto__", "constructor"))
          .filter((k) => k.toLowerCase() !== "x-amz-signature"),
        queryPart,
        { maxKeys: 4 },
      ),
      fc.stringMatching(/^[ !-~]{0,30}$/),
      fc.boolean(),
      async (segments, trailing, query, value, session) => {
        const path = "/" + segments.join("/") + (trailing ? "/" : "");
        const q = Object.entries(query).map(([k, v]) => `${labelEncoded(k)}=${labelEncoded(v)}`);
        const c: Case = {
          method: "POST",
          url: `https://${host}${path}${q.length > 0 ? "?" + q.join("&") : ""}`,
          headers: { "content-type": "application/json", "x-custom": value },
          body: "{}",
        };
        const cr = session ? sessionCreds : creds;
        const ours = await signV4(
          { ...c, body: new TextEncoder().encode(c.body!) },
          cr,
          { region: "eu-west-3", service: "bedrock" },
          date,
          { headerSet: "all" },
        );
        const theirs = await smithySigned(c, cr, "eu-west-3", "bedrock", date);
        assert.equal(ours.get("authorization"), theirs.authorization, c.url);
      },
    ),
    { numRuns: 300 },
  );
});
