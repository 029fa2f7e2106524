/**
 * The signer's pieces, table-driven: what is read from the URL as sent, the canonical path and
 * query, which client headers are stripped, which region and service a Bedrock host signs with,
 * and the clear errors for inputs that cannot be signed.
 */
import assert from "node:assert/strict";
import {
  bedrockScope,
  clientSigV4HeaderNames,
  CloudAuthError,
  payloadHash,
  regionOfBedrockHost,
  signV4,
  sigV4Signature,
  stripClientSigV4Headers,
} from "../../src/cloud_auth/mod.ts";
import {
  amzDate,
  canonicalPath,
  canonicalQuery,
  targetOf,
} from "../../src/cloud_auth/sigv4_canonical.ts";

Deno.test("targetOf: a string is read as sent, a URL as fetch serialises it", () => {
  const cases: [URL | string, { host: string; path: string; query: string }][] = [
    ["https://h.example/a/b?x=1#frag", { host: "h.example", path: "/a/b", query: "x=1" }],
    ["https://h.example", { host: "h.example", path: "/", query: "" }],
    ["https://h.example?x", { host: "h.example", path: "/", query: "x" }],
    ["https://H.Example:443/p", { host: "h.example", path: "/p", query: "" }],
    ["http://127.0.0.1:8080/p/", { host: "127.0.0.1:8080", path: "/p/", query: "" }],
    // The native client sends `{` raw; fetch would send `%7B`: each is signed as it goes out.
    ["https://h.example/a{b}", { host: "h.example", path: "/a{b}", query: "" }],
    [new URL("https://h.example/a{b}"), { host: "h.example", path: "/a%7Bb%7D", query: "" }],
    ["https://h.example/m/v1%3A0/converse", {
      host: "h.example",
      path: "/m/v1%3A0/converse",
      query: "",
    }],
  ];
  for (const [url, want] of cases) assert.deepEqual(targetOf(url), want, String(url));
});

Deno.test("canonicalPath: normalised, then escaped once more", () => {
  const cases: [string, string][] = [
    ["/", "/"],
    ["", ""],
    ["//", "/"],
    ["/a/./b/../c/", "/a/c/"],
    ["/../..", "/"],
    ["/model/x-v1%3A0/converse", "/model/x-v1%253A0/converse"],
    ["/model/arn%3Aa%2Fb/invoke", "/model/arn%253Aa%252Fb/invoke"],
    ["/sp ace/!'()*", "/sp%20ace/%21%27%28%29%2A"],
    ["/~-._", "/~-._"],
  ];
  for (const [path, want] of cases) assert.equal(canonicalPath(path), want, path);
});

Deno.test("canonicalQuery: decoded, escaped, sorted by name then value, signature left out", () => {
  const cases: [string, string][] = [
    ["", ""],
    ["b=2&a=1", "a=1&b=2"],
    ["a=2&a=1", "a=1&a=2"],
    ["flag", "flag="],
    ["&&a=1&", "a=1"],
    ["a+b=c+d", "a%2Bb=c%2Bd"],
    ["k=%7e%41", "k=~A"],
    ["X-Amz-Signature=abc&x-amz-signature=d&z=1", "z=1"],
    ["e=a%3Db", "e=a%3Db"],
  ];
  for (const [query, want] of cases) assert.equal(canonicalQuery(query), want, query);
});

Deno.test("unsignable input: a clear CloudAuthError, never a silent wrong signature", async () => {
  const ok = { accessKeyId: "AKID", secretAccessKey: "s", sessionToken: null };
  const scope = { region: "us-east-1", service: "bedrock" };
  const req = { method: "POST", url: "https://h.example/", headers: {}, body: null };
  const now = new Date("2026-01-01T00:00:00Z");
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    [
      "malformed escape in the query",
      () => signV4({ ...req, url: "https://h.example/?a=%zz" }, ok, scope, now),
      /malformed percent-escape/,
    ],
    [
      "lone surrogate",
      () => signV4({ ...req, url: "https://h.example/\ud800" }, ok, scope, now),
      /surrogate/,
    ],
    ["relative URL", () => signV4({ ...req, url: "/model/x" }, ok, scope, now), /absolute/],
    ["invalid date", () => signV4(req, ok, scope, new Date(NaN)), /valid date/],
    [
      "access key with '/'",
      () => signV4(req, { ...ok, accessKeyId: "A/B" }, scope, now),
      /access key id/,
    ],
    ["empty secret", () => signV4(req, { ...ok, secretAccessKey: "" }, scope, now), /secret/],
    [
      "token with a newline",
      () => signV4(req, { ...ok, sessionToken: "a\nb" }, scope, now),
      /session token/,
    ],
    ["region", () => signV4(req, ok, { ...scope, region: "US East" }, now), /region/],
    ["service", () => signV4(req, ok, { ...scope, service: "" }, now), /service/],
  ];
  for (const [name, run, message] of cases) {
    await assert.rejects(run, (e: unknown) => {
      assert.ok(e instanceof CloudAuthError, name);
      assert.equal(e.reason, "sigv4_invalid_request", name);
      assert.match(e.message, message, name);
      assert.doesNotMatch(e.message, /wJalr|secret-value/);
      return true;
    });
  }
});

Deno.test("the signer replaces what it generates and ignores a caller's host", async () => {
  const creds = { accessKeyId: "AKID", secretAccessKey: "secret-value", sessionToken: "tok" };
  const scope = { region: "us-east-1", service: "bedrock" };
  const now = new Date("2026-01-01T00:00:00Z");
  const base = await sigV4Signature(
    { method: "POST", url: "https://h.example/p", headers: {}, body: null },
    creds,
    scope,
    now,
  );
  const noisy = await sigV4Signature(
    {
      method: "POST",
      url: "https://h.example/p",
      headers: {
        host: "gateway.local:8080",
        authorization: "AWS4-HMAC-SHA256 Credential=CLIENT/...",
        "x-amz-date": "20000101T000000Z",
        "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
        "x-amz-security-token": "client-token",
        date: "Sat, 01 Jan 2000 00:00:00 GMT",
      },
      body: null,
    },
    creds,
    scope,
    now,
  );
  assert.equal(noisy.canonicalRequest, base.canonicalRequest);
  assert.equal(noisy.headers.get("authorization"), base.headers.get("authorization"));
  assert.equal(noisy.headers.get("x-amz-security-token"), "tok");
  assert.equal(
    base.headers.get("x-amz-content-sha256"),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assert.equal(base.headers.get("x-amz-date"), "20260101T000000Z");
  assert.match(base.canonicalRequest, /^host:h\.example$/m);
});

Deno.test("a missing session token signs like a null one", async () => {
  const req = { method: "GET", url: "https://h.example/", headers: {}, body: null };
  const scope = { region: "us-east-1", service: "bedrock" };
  const now = new Date("2026-01-01T00:00:00Z");
  const omitted = await signV4(req, { accessKeyId: "AKID", secretAccessKey: "s" }, scope, now);
  const nulled = await signV4(
    req,
    { accessKeyId: "AKID", secretAccessKey: "s", sessionToken: null },
    scope,
    now,
  );
  assert.deepEqual([...omitted], [...nulled]);
  assert.equal(omitted.get("x-amz-security-token"), null);
});

Deno.test("payloadHash: the exact bytes, subarrays of a larger buffer included", async () => {
  const whole = new TextEncoder().encode("xxhelloxx");
  assert.equal(
    await payloadHash(whole.subarray(2, 7)),
    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
  );
  const shared = new Uint8Array(new SharedArrayBuffer(5));
  shared.set(new TextEncoder().encode("hello"));
  assert.equal(
    await payloadHash(shared),
    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
  );
});

Deno.test("amzDate: whole seconds in UTC", () => {
  assert.equal(amzDate(new Date("2015-08-30T12:36:00.999Z")), "20150830T123600Z");
  assert.equal(amzDate(new Date("2026-12-31T23:59:59+02:00")), "20261231T215959Z");
});

Deno.test("stripClientSigV4Headers: a copy without the client's SigV4 headers, any case", () => {
  const headers = new Headers({
    Authorization: "AWS4-HMAC-SHA256 Credential=AKIA/x",
    "X-Amz-Date": "20260101T000000Z",
    "X-Amz-Security-Token": "t",
    "X-Amz-Content-Sha256": "abc",
    "Content-Type": "application/json",
    "X-Amzn-Bedrock-Trace": "ENABLED",
  });
  const out = stripClientSigV4Headers(headers);
  assert.deepEqual([...out], [["content-type", "application/json"], [
    "x-amzn-bedrock-trace",
    "ENABLED",
  ]]);
  assert.equal(headers.get("authorization"), "AWS4-HMAC-SHA256 Credential=AKIA/x", "a copy");
  const record = stripClientSigV4Headers({
    Authorization: "Bearer x",
    "x-amz-date": "d",
    accept: "application/json",
  });
  assert.deepEqual(record, { accept: "application/json" });
  assert.deepEqual(clientSigV4HeaderNames, [
    "authorization",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-content-sha256",
  ]);
});

Deno.test("regionOfBedrockHost: the runtime client's endpoint shapes, nothing else", () => {
  const cases: [string, string | null][] = [
    ["bedrock-runtime.us-east-1.amazonaws.com", "us-east-1"],
    ["BEDROCK-RUNTIME.eu-central-1.amazonaws.com", "eu-central-1"],
    ["bedrock-runtime.us-west-2.amazonaws.com:443", "us-west-2"],
    ["bedrock-runtime-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"],
    ["bedrock-runtime.ap-southeast-2.api.aws", "ap-southeast-2"],
    ["bedrock-runtime.cn-north-1.amazonaws.com.cn", "cn-north-1"],
    ["vpce-0abc-1xyz.bedrock-runtime.us-east-1.vpce.amazonaws.com", "us-east-1"],
    ["bedrock-runtime.us-east-1.amazonaws.com.", "us-east-1"],
    ["bedrock.us-east-1.amazonaws.com", null],
    ["bedrock-runtime.amazonaws.com", null],
    ["bedrock-runtime.us-east-1.evil.example", null],
    ["evil.bedrock-runtime.us-east-1.amazonaws.com", null],
    ["bedrock-runtime.not_a_region.amazonaws.com", null],
    ["127.0.0.1:8080", null],
    ["[::1]:443", null],
  ];
  for (const [host, want] of cases) assert.equal(regionOfBedrockHost(host), want, host);
});

Deno.test("bedrockScope: config wins, else the host; signing name always bedrock", () => {
  assert.deepEqual(bedrockScope("bedrock-runtime.us-east-1.amazonaws.com", null), {
    region: "us-east-1",
    service: "bedrock",
  });
  assert.deepEqual(bedrockScope("127.0.0.1:9000", "eu-west-1"), {
    region: "eu-west-1",
    service: "bedrock",
  });
  assert.deepEqual(
    bedrockScope("bedrock-runtime.us-east-1.amazonaws.com", "us-west-2").region,
    "us-west-2",
  );
  assert.throws(() => bedrockScope("127.0.0.1:9000", null), (e: unknown) => {
    assert.ok(e instanceof CloudAuthError);
    assert.equal(e.reason, "sigv4_no_region");
    assert.match(e.message, /aws\.region/);
    return true;
  });
});
