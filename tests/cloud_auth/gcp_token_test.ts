/**
 * The Vertex token source against a local token endpoint that speaks Google's OAuth wire format
 * and checks the assertion as Google does: form-encoded JWT-bearer grant, RS256 signature verified
 * with the public half of a key pair made here, claims checked against the fake clock. The cache,
 * the shared refresh and the failure hold are driven by that clock: no timed assertions.
 */
import assert from "node:assert/strict";
import {
  CloudAuthError,
  type GcpServiceAccount,
  GcpTokenSource,
  parseServiceAccountJson,
} from "../../src/cloud_auth/mod.ts";
import { servedOnLoopback } from "../support/loopback_server.ts";

const decoder = new TextDecoder();

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromB64Url(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

async function keyPair(): Promise<{ pem: string; publicKey: CryptoKey }> {
  const pair = await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  );
  const der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const lines = b64(der).match(/.{1,64}/g)!.join("\n");
  return {
    pem: `-----BEGIN PRIVATE KEY-----\n${lines}\n-----END PRIVATE KEY-----\n`,
    publicKey: pair.publicKey,
  };
}

const { pem, publicKey } = await keyPair();
const other = await keyPair();
const email = "gateway@project-123.iam.gserviceaccount.com";

function keyFile(tokenUri: string, privateKey = pem): string {
  return JSON.stringify({
    type: "service_account",
    project_id: "project-123",
    private_key_id: "kid-1",
    private_key: privateKey,
    client_email: email,
    client_id: "1234567890",
    token_uri: tokenUri,
  });
}

type Answer = { status: number; body: string; contentType?: string };

/** Google's token endpoint as far as the gateway uses it; `answer` scripts each reply. */
class TokenEndpoint {
  requests = 0;
  nowMs: number;
  issued = 0;
  answer: (() => Answer) | null = null;
  /** Set, the endpoint waits for it before answering (callers pile up on one refresh). */
  gate: Promise<void> | null = null;
  received: PromiseWithResolvers<void> = Promise.withResolvers();

  constructor(nowMs: number) {
    this.nowMs = nowMs;
  }

  handler = async (req: Request): Promise<Response> => {
    this.requests++;
    this.received.resolve();
    if (this.gate !== null) await this.gate;
    const scripted = this.answer?.();
    if (scripted !== undefined) {
      return new Response(scripted.body, {
        status: scripted.status,
        headers: { "content-type": scripted.contentType ?? "application/json" },
      });
    }
    const problem = await this.#check(req);
    if (problem !== null) {
      return Response.json({ error: "invalid_grant", error_description: problem }, {
        status: 400,
      });
    }
    this.issued++;
    return Response.json({
      access_token: `ya29.token-${this.issued}`,
      expires_in: 3599,
      token_type: "Bearer",
    });
  };

  async #check(req: Request): Promise<string | null> {
    if (req.method !== "POST" || new URL(req.url).pathname !== "/token") return "wrong endpoint";
    if (req.headers.get("content-type") !== "application/x-www-form-urlencoded") {
      return "wrong content type";
    }
    const form = new URLSearchParams(await req.text());
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") {
      return "Invalid grant_type";
    }
    const [h, c, s] = (form.get("assertion") ?? "").split(".");
    if (s === undefined) return "Invalid JWT";
    const valid = await crypto.subtle.verify(
      "RSASSA-PKCS1-v1_5",
      publicKey,
      fromB64Url(s),
      new TextEncoder().encode(`${h}.${c}`),
    );
    if (!valid) return "Invalid JWT Signature.";
    const header = JSON.parse(decoder.decode(fromB64Url(h!)));
    const claims = JSON.parse(decoder.decode(fromB64Url(c!)));
    const iat = Math.floor(this.nowMs / 1000);
    assert.deepEqual(header, { alg: "RS256", typ: "JWT", kid: "kid-1" });
    assert.deepEqual(claims, {
      iss: email,
      scope: "https://www.googleapis.com/auth/cloud-platform",
      aud: "https://oauth2.googleapis.com/token",
      iat,
      exp: iat + 3600,
    });
    return null;
  }
}

const start = Date.UTC(2026, 11, 6, 23, 0, 0);

async function withEndpoint(
  fn: (endpoint: TokenEndpoint, source: (extra?: Partial<Opts>) => GcpTokenSource) => Promise<void>,
): Promise<void> {
  const endpoint = new TokenEndpoint(start);
  await servedOnLoopback(endpoint.handler, async (base) => {
    const account = parseServiceAccountJson(keyFile(`${base}/token`));
    await fn(endpoint, (extra = {}) =>
      new GcpTokenSource({
        account,
        source: "providers.vertex.gcp.service_account_json",
        now: () => endpoint.nowMs,
        ...extra,
      }));
  });
}

type Opts = ConstructorParameters<typeof GcpTokenSource>[0];

async function refusal(p: Promise<unknown>): Promise<CloudAuthError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CloudAuthError, String(e));
    return e;
  }
  assert.fail("expected a CloudAuthError");
}

Deno.test("a token from the endpoint: signed assertion accepted, expiry from expires_in", async () => {
  await withEndpoint(async (endpoint, source) => {
    const s = source();
    const t = await s.token();
    assert.deepEqual(t, { token: "ya29.token-1", expiresAtMs: start + 3599_000 });
    assert.equal(endpoint.requests, 1);
    assert.equal(s.exchanges, 1);
  });
});

Deno.test("cache: the token is reused until 5 minutes before expiry, then refreshed", async () => {
  await withEndpoint(async (endpoint, source) => {
    const s = source();
    await s.token();
    const expiresAt = start + 3599_000;
    endpoint.nowMs = expiresAt - 300_000 - 1;
    assert.equal((await s.token()).token, "ya29.token-1");
    assert.equal(endpoint.requests, 1);
    // Inside the margin (60 s) the caller waits for the new token.
    endpoint.nowMs = expiresAt - 60_000;
    assert.deepEqual(await s.token(), { token: "ya29.token-2", expiresAtMs: expiresAt + 3539_000 });
    assert.equal(endpoint.requests, 2);
    assert.equal(s.invalidate("ya29.token-2"), true);
    assert.equal((await s.token()).token, "ya29.token-3");
  });
});

Deno.test("near expiry a valid token is answered at once, the refresh runs in the background", async () => {
  await withEndpoint(async (endpoint, source) => {
    // A refresh that waited would fail here (timeout) and a later caller would start another.
    const s = source({ timeoutMs: 2_000 });
    await s.token();
    const release = Promise.withResolvers<void>();
    endpoint.gate = release.promise;
    endpoint.received = Promise.withResolvers();
    endpoint.answer = () => ({
      status: 200,
      body: JSON.stringify({ access_token: "ya29.background", expires_in: 3599 }),
    });
    endpoint.nowMs = start + 3599_000 - 200_000; // 200 s left: due, but valid past the margin
    assert.equal((await s.token()).token, "ya29.token-1");
    assert.equal((await s.token()).token, "ya29.token-1");
    await endpoint.received.promise;
    assert.equal(endpoint.requests, 2, "one background refresh for both callers");
    // Still under way (the endpoint is held): a caller inside the margin shares it.
    endpoint.nowMs = start + 3599_000 - 30_000;
    const waiting = s.token();
    release.resolve();
    assert.equal((await waiting).token, "ya29.background");
    assert.equal(endpoint.requests, 2);
  });
});

Deno.test("a caller that must wait stops waiting when its signal aborts; the refresh goes on", async () => {
  await withEndpoint(async (endpoint, source) => {
    const s = source();
    const release = Promise.withResolvers<void>();
    endpoint.gate = release.promise;
    const gone = new AbortController();
    const first = s.token(gone.signal);
    await endpoint.received.promise;
    gone.abort();
    const e = await refusal(first);
    assert.equal(e.reason, "gcp_token_wait_aborted");
    assert.match(e.message, /^providers\.vertex\.gcp\.service_account_json: the request ended/);
    const already = new AbortController();
    already.abort();
    assert.equal((await refusal(s.token(already.signal))).reason, "gcp_token_wait_aborted");
    const next = s.token();
    release.resolve();
    assert.equal((await next).token, "ya29.token-1");
    assert.equal(endpoint.requests, 1);
  });
});

Deno.test("invalidate: only the cached token, at most once per hold", async () => {
  await withEndpoint(async (endpoint, source) => {
    const s = source();
    await s.token();
    const table: [string, number, string, boolean, string][] = [
      ["another (older) token", 0, "ya29.token-0", false, "ya29.token-1"],
      ["the cached token", 0, "ya29.token-1", true, "ya29.token-2"],
      ["again within 5 s", 4_999, "ya29.token-2", false, "ya29.token-2"],
      ["after 5 s", 5_000, "ya29.token-2", true, "ya29.token-3"],
    ];
    for (const [name, at, refused, dropped, next] of table) {
      endpoint.nowMs = start + at;
      assert.equal(s.invalidate(refused), dropped, name);
      assert.equal((await s.token()).token, next, name);
    }
  });
});

Deno.test("a token shorter-lived than the refresh lead is used for half its life", async () => {
  await withEndpoint(async (endpoint, source) => {
    let n = 0;
    endpoint.answer = () => ({
      status: 200,
      body: JSON.stringify({ access_token: `short-${++n}`, expires_in: 120 }),
    });
    const s = source();
    await s.token();
    endpoint.nowMs = start + 59_999;
    assert.equal((await s.token()).token, "short-1");
    endpoint.nowMs = start + 60_000;
    assert.equal((await s.token()).token, "short-2");
  });
});

Deno.test("single flight: callers arriving while a refresh is under way share it", async () => {
  await withEndpoint(async (endpoint, source) => {
    const s = source();
    const release = Promise.withResolvers<void>();
    endpoint.gate = release.promise;
    const first = s.token();
    await endpoint.received.promise;
    const more = [s.token(), s.token(), s.token(), s.token()];
    release.resolve();
    const all = await Promise.all([first, ...more]);
    assert.deepEqual(new Set(all.map((t) => t.token)), new Set(["ya29.token-1"]));
    assert.equal(endpoint.requests, 1);
    assert.equal(s.exchanges, 1);
  });
});

Deno.test("a failed refresh: the cached token while valid, the error after, one retry per hold", async () => {
  await withEndpoint(async (endpoint, source) => {
    const s = source();
    await s.token();
    endpoint.answer = () => ({
      status: 503,
      body: "<html>Service Unavailable</html>",
      contentType: "text/html",
    });
    endpoint.nowMs = start + 3599_000 - 60_000; // inside the refresh lead, not expired
    assert.equal((await s.token()).token, "ya29.token-1");
    assert.equal(endpoint.requests, 2);
    endpoint.nowMs = start + 3599_000; // expired
    const e = await refusal(s.token());
    assert.equal(e.reason, "gcp_token_refused");
    assert.equal(endpoint.requests, 3);
    // Within the hold the same error comes back without a request.
    endpoint.nowMs += 999;
    assert.equal(await refusal(s.token()), e);
    assert.equal(endpoint.requests, 3);
    endpoint.nowMs += 1;
    endpoint.answer = null;
    assert.equal((await s.token()).token, "ya29.token-2");
    assert.equal(endpoint.requests, 4);
  });
});

Deno.test("token endpoint errors: status and Google's message, never the token or the key", async () => {
  const cases: [string, Answer, string, RegExp][] = [
    [
      "OAuth error",
      {
        status: 400,
        body: JSON.stringify({
          error: "invalid_grant",
          error_description: "Invalid JWT Signature.",
        }),
      },
      "gcp_token_refused",
      /HTTP 400: invalid_grant: Invalid JWT Signature\./,
    ],
    [
      "Google API error",
      {
        status: 403,
        body: JSON.stringify({
          error: { code: 403, message: "IAM permission denied", status: "PERMISSION_DENIED" },
        }),
      },
      "gcp_token_refused",
      /HTTP 403: IAM permission denied/,
    ],
    [
      "HTML from a proxy",
      { status: 502, body: "<html>\r\nBad\tGateway</html>", contentType: "text/html" },
      "gcp_token_refused",
      /HTTP 502: <html> Bad Gateway<\/html>/,
    ],
    ["empty error", { status: 500, body: "" }, "gcp_token_refused", /HTTP 500: \(empty answer\)/],
    [
      "no access_token",
      { status: 200, body: JSON.stringify({ token_type: "Bearer", expires_in: 3599 }) },
      "gcp_token_response_invalid",
      /without a usable "access_token"/,
    ],
    [
      "token with a space",
      { status: 200, body: JSON.stringify({ access_token: "a b", expires_in: 3599 }) },
      "gcp_token_response_invalid",
      /access_token/,
    ],
    [
      "no expires_in",
      { status: 200, body: JSON.stringify({ access_token: "ya29.secret-token" }) },
      "gcp_token_response_invalid",
      /expires_in/,
    ],
    [
      "not JSON",
      { status: 200, body: "ya29.secret-token", contentType: "text/plain" },
      "gcp_token_response_invalid",
      /access_token/,
    ],
    [
      "too large",
      {
        status: 200,
        body: JSON.stringify({ access_token: "ya29.secret-token", pad: "x".repeat(5000) }),
      },
      "gcp_token_response_invalid",
      /over 1 KiB/,
    ],
  ];
  for (const [name, answer, reason, message] of cases) {
    await withEndpoint(async (endpoint, source) => {
      endpoint.answer = () => answer;
      const e = await refusal(source({ maxResponseBytes: 1024 }).token());
      assert.equal(e.reason, reason, name);
      assert.match(e.message, message, name);
      assert.match(e.message, /^providers\.vertex\.gcp\.service_account_json: /, name);
      assert.equal(e.status, reason === "gcp_token_refused" ? answer.status : null, name);
      assert.doesNotMatch(e.message, /secret-token|PRIVATE KEY/, name);
    });
  }
});

Deno.test("an unreachable token endpoint is named, with the reason", async () => {
  let closed = "";
  await servedOnLoopback(() => new Response(null), (base) => {
    closed = base;
    return Promise.resolve();
  });
  const s = new GcpTokenSource({
    account: parseServiceAccountJson(keyFile(`${closed}/token?x=secret`)),
    now: () => start,
  });
  const e = await refusal(s.token());
  assert.equal(e.reason, "gcp_token_unreachable");
  assert.match(e.message, new RegExp(`token endpoint ${closed}/token could not be reached`));
  assert.doesNotMatch(e.message, /x=secret/);
});

Deno.test("an injected fetch is used, and a timeout aborts it", async () => {
  const account = parseServiceAccountJson(keyFile("https://oauth2.googleapis.com/token"));
  let seen: Request | null = null;
  const s = new GcpTokenSource({
    account,
    now: () => start,
    timeoutMs: 1,
    fetch: (input, init) => {
      seen = new Request(input, init);
      const signal = init!.signal!;
      return new Promise<Response>((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason))
      );
    },
  });
  const e = await refusal(s.token());
  assert.equal(e.reason, "gcp_token_unreachable");
  assert.match(e.message, /no answer within 1 ms/);
  assert.equal(seen!.url, "https://oauth2.googleapis.com/token");
});

Deno.test("a key the endpoint cannot verify is refused by it (the stub really checks)", async () => {
  const endpoint = new TokenEndpoint(start);
  await servedOnLoopback(endpoint.handler, async (base) => {
    const s = new GcpTokenSource({
      account: parseServiceAccountJson(keyFile(`${base}/token`, other.pem)),
      now: () => start,
    });
    const e = await refusal(s.token());
    assert.equal(e.status, 400);
    assert.match(e.message, /invalid_grant: Invalid JWT Signature\./);
  });
});

Deno.test("key files: clear errors for what is not a usable service-account key", async () => {
  const good = JSON.parse(keyFile("https://oauth2.googleapis.com/token"));
  const text = (patch: Record<string, unknown>) => JSON.stringify({ ...good, ...patch });
  const cases: [string, string, RegExp][] = [
    ["not JSON", "{type: service_account", /is not JSON/],
    ["array", "[]", /not a JSON object/],
    ["user credentials", text({ type: "authorized_user" }), /"authorized_user" credential/],
    ["no email", text({ client_email: undefined }), /lacks "client_email"/],
    ["no key", text({ private_key: "" }), /lacks "private_key"/],
    ["key not a string", text({ private_key: 42 }), /"private_key" must be a string/],
    ["plain http", text({ token_uri: "http://oauth2.googleapis.com/token" }), /https URL/],
    ["no URL", text({ token_uri: "token" }), /not an absolute URL/],
    ["huge", " ".repeat(70_000), /over 64 KiB/],
  ];
  for (const [name, json, message] of cases) {
    assert.throws(() => parseServiceAccountJson(json, "providers.v.gcp"), (e: unknown) => {
      assert.ok(e instanceof CloudAuthError, name);
      assert.equal(e.reason, "gcp_service_account_invalid", name);
      assert.match(e.message, message, name);
      assert.match(e.message, /^providers\.v\.gcp: /, name);
      assert.doesNotMatch(e.message, /PRIVATE KEY|MII/, name);
      return true;
    });
  }
  const account: GcpServiceAccount = parseServiceAccountJson(
    text({ token_uri: undefined, private_key_id: undefined }),
  );
  assert.equal(account.tokenUri, "https://oauth2.googleapis.com/token");
  assert.equal(account.privateKeyId, null);
  assert.equal(account.projectId, "project-123");

  const badKeys: [string, string, RegExp][] = [
    ["PKCS#1", pem.replace(/PRIVATE KEY/g, "RSA PRIVATE KEY"), /PKCS#1 key; convert it/],
    ["no PEM", "MIIEvQIBADANBg", /not a PEM "BEGIN PRIVATE KEY" block/],
    [
      "not a key",
      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
      /not an RSA private key/,
    ],
  ];
  for (const [name, key, message] of badKeys) {
    const s = new GcpTokenSource({
      account: parseServiceAccountJson(text({ private_key: key })),
      now: () => start,
      fetch: () => Promise.reject(new Error("no request expected")),
    });
    const e = await refusal(s.token());
    assert.equal(e.reason, "gcp_service_account_invalid", name);
    assert.match(e.message, message, name);
    assert.equal(s.exchanges, 0, name);
  }
});

Deno.test("a key pasted through an environment variable with literal \\n still signs", async () => {
  const endpoint = new TokenEndpoint(start);
  await servedOnLoopback(endpoint.handler, async (base) => {
    const flattened = keyFile(`${base}/token`, pem.replace(/\n/g, "\\n"));
    const s = new GcpTokenSource({ account: parseServiceAccountJson(flattened), now: () => start });
    assert.equal((await s.token()).token, "ya29.token-1");
  });
});
