/**
 * The AWS Signature Version 4 test suite (awslabs/aws-c-auth's copy, tests/testdata/aws_sigv4):
 * every normalised case gives the suite's canonical request, string to sign and Authorization
 * header. The requests are raw HTTP text, parsed here the way a server reads them: a folded line
 * continues the previous value, and repeated fields join with "," (RFC 9110 5.3), which is what
 * AWS signs.
 */
import assert from "node:assert/strict";
import { sigV4Signature } from "../../src/cloud_auth/mod.ts";

interface SuiteCase {
  name: string;
  request: string;
  sessionToken: string | null;
  omitSessionToken: boolean;
  signBody: boolean;
  canonicalRequest: string;
  stringToSign: string;
  authorization: string;
}

const suite = JSON.parse(
  await Deno.readTextFile(new URL("../testdata/aws_sigv4/suite.json", import.meta.url)),
) as {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service: string;
  timestamp: string;
  cases: SuiteCase[];
};

interface RawRequest {
  method: string;
  target: string;
  host: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
}

function parseRaw(text: string): RawRequest {
  const blank = text.indexOf("\n\n");
  const head = blank < 0 ? text : text.slice(0, blank);
  const body = blank < 0 ? "" : text.slice(blank + 2);
  const [requestLine, ...fieldLines] = head.split("\n").filter((l, i) => i === 0 || l !== "");
  const firstSpace = requestLine!.indexOf(" ");
  const method = requestLine!.slice(0, firstSpace);
  const target = requestLine!.slice(firstSpace + 1, requestLine!.lastIndexOf(" HTTP/"));
  const fields: [string, string][] = [];
  for (const line of fieldLines) {
    if (/^\s/.test(line)) fields[fields.length - 1]![1] += " " + line.trim();
    else {
      const colon = line.indexOf(":");
      fields.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1)]);
    }
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of fields) {
    headers[name] = name in headers ? `${headers[name]},${value.trim()}` : value;
  }
  const host = headers.host!.trim();
  delete headers.host;
  return {
    method,
    target,
    host,
    headers,
    body: body === "" ? null : new TextEncoder().encode(body),
  };
}

Deno.test("the parser reads folded and repeated fields as a server does", () => {
  const raw = parseRaw("GET /a b/ HTTP/1.1\nHost:h\nX:1\n  2\nY:a\nY:b\n\nbody");
  assert.deepEqual(raw.target, "/a b/");
  assert.deepEqual(raw.headers, { x: "1 2", y: "a,b" });
  assert.equal(new TextDecoder().decode(raw.body!), "body");
});

for (const c of suite.cases) {
  Deno.test(`AWS SigV4 suite: ${c.name}`, async () => {
    const raw = parseRaw(c.request);
    const signed = await sigV4Signature(
      {
        method: raw.method,
        url: `https://${raw.host}${raw.target}`,
        headers: raw.headers,
        body: raw.body,
      },
      {
        accessKeyId: suite.accessKeyId,
        secretAccessKey: suite.secretAccessKey,
        // "omit_session_token": the token is added after signing; the gateway always signs its own.
        sessionToken: c.omitSessionToken ? null : c.sessionToken,
      },
      { region: suite.region, service: suite.service },
      new Date(suite.timestamp),
      { headerSet: "all", contentSha256Header: c.signBody },
    );
    assert.equal(signed.canonicalRequest, c.canonicalRequest);
    assert.equal(signed.stringToSign, c.stringToSign);
    assert.equal(signed.headers.get("authorization"), c.authorization);
    assert.equal(signed.headers.get("x-amz-date"), "20150830T123600Z");
    assert.equal(
      signed.headers.get("x-amz-security-token"),
      c.omitSessionToken ? null : c.sessionToken,
    );
  });
}

Deno.test("the suite file holds the cases it claims (no silent loss when it is regenerated)", () => {
  const names = new Set(suite.cases.map((c) => c.name));
  for (
    const expected of [
      "get-vanilla",
      "get-utf8",
      "get-space-normalized",
      "get-relative-relative-normalized",
      "get-vanilla-query-order-encoded",
      "post-sts-header-before",
      "post-x-www-form-urlencoded",
    ]
  ) assert.ok(names.has(expected), expected);
  assert.equal(suite.cases.length, 31);
});
