/**
 * The gateway's Google service account applied to a `vertex` provider's requests
 * (proxy/upstream_auth.ts): `Authorization: Bearer <access token>` replacing the client's token
 * and express-mode key, one token exchange for many requests, and the token endpoint's failures
 * answered with `upstream_credentials_unavailable` naming the config key. The token endpoint is a
 * loopback server speaking Google's OAuth wire format that verifies the RS256 assertion with the
 * public half of a key pair made here; the key file's `token_uri` points at it.
 */
import assert from "node:assert/strict";
import { providerSchema, type ResolvedProvider, resolveProviders } from "../../src/config/mod.ts";
import { join } from "node:path";
import { GatewayError } from "../../src/errors/mod.ts";
import {
  applyUpstreamAuth,
  upstreamAnswered,
  type UpstreamDraft,
} from "../../src/proxy/upstream_auth.ts";
import { collectSecrets } from "../../src/secrets/mod.ts";
import { configFor } from "../support/gateway_harness.ts";
import { servedOnLoopback } from "../support/loopback_server.ts";

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
const fromB64Url = (text: string) =>
  Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

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
const pem = `-----BEGIN PRIVATE KEY-----\n${
  b64(der).match(/.{1,64}/g)!.join("\n")
}\n-----END PRIVATE KEY-----\n`;
const email = "gateway@project-123.iam.gserviceaccount.com";

const keyFile = (tokenUri: string) =>
  JSON.stringify({
    type: "service_account",
    project_id: "project-123",
    private_key_id: "kid-1",
    private_key: pem,
    client_email: email,
    token_uri: tokenUri,
  });

function vertex(json: string | undefined): ResolvedProvider {
  const source = "providers.vertex.gcp.service_account_json";
  return {
    id: "vertex",
    kind: "vertex",
    prefix: "/vertex",
    upstream: "https://aiplatform.googleapis.com",
    prices: {},
    stream_usage: true,
    gcp: json === undefined ? { source } : { source, service_account_json: json },
  };
}

/** Google's token endpoint: checks the JWT-bearer grant and the assertion's RS256 signature. */
function tokenEndpoint(answer: () => Response) {
  const state = { exchanges: 0, refused: 0 };
  const handler = async (req: Request): Promise<Response> => {
    const form = new URLSearchParams(await req.text());
    const [header, claims, signature] = (form.get("assertion") ?? "").split(".");
    const valid = form.get("grant_type") === "urn:ietf:params:oauth:grant-type:jwt-bearer" &&
      req.headers.get("content-type") === "application/x-www-form-urlencoded" &&
      signature !== undefined &&
      await crypto.subtle.verify(
        "RSASSA-PKCS1-v1_5",
        pair.publicKey,
        fromB64Url(signature),
        new TextEncoder().encode(`${header}.${claims}`),
      ) &&
      JSON.parse(new TextDecoder().decode(fromB64Url(claims!))).iss === email;
    if (!valid) {
      state.refused++;
      return Response.json({ error: "invalid_grant", error_description: "Invalid JWT" }, {
        status: 400,
      });
    }
    state.exchanges++;
    return answer();
  };
  return { state, handler };
}

const vertexUrl = "https://aiplatform.googleapis.com/v1/projects/project-123/locations/global/" +
  "publishers/google/models/gemini-2.5-flash:generateContent";
const draftOf = (headers: Record<string, string>): UpstreamDraft => ({
  method: "POST",
  url: vertexUrl,
  headers: { ...headers },
  body: new TextEncoder().encode('{"contents":[]}'),
});

Deno.test("upstream auth, gcp: the gateway's token replaces the client's, one exchange for many requests", async () => {
  const { state, handler } = tokenEndpoint(() =>
    Response.json({ access_token: "ya29.gateway-token-1", expires_in: 3599, token_type: "Bearer" })
  );
  await servedOnLoopback(handler, async (url) => {
    const provider = vertex(keyFile(`${url}/token`));
    const table: Record<string, string>[] = [
      { authorization: "Bearer ya29.client-own-token", "x-goog-user-project": "p" },
      { "x-goog-api-key": "AIzaSyClientExpressKey000000000", "content-type": "application/json" },
      {},
    ];
    for (const headers of table) {
      const draft = draftOf(headers);
      assert.equal(await applyUpstreamAuth(provider, draft), null);
      assert.equal(draft.headers["authorization"], "Bearer ya29.gateway-token-1");
      assert.equal(draft.headers["x-goog-api-key"], undefined);
      for (const [name, value] of Object.entries(headers)) {
        if (name !== "authorization" && name !== "x-goog-api-key") {
          assert.equal(draft.headers[name], value);
        }
      }
    }
    // Concurrent requests share one refresh too.
    await Promise.all([1, 2, 3].map(() => applyUpstreamAuth(provider, draftOf({}))));
    assert.equal(state.exchanges, 1);
    // Answers other than 401 keep the token; a 401 drops it: the next request gets a new one.
    const sent = { authorization: "Bearer ya29.gateway-token-1" };
    for (const status of [200, 403, 429, 500]) upstreamAnswered(provider, status, sent);
    await applyUpstreamAuth(provider, draftOf({}));
    assert.equal(state.exchanges, 1);
    upstreamAnswered(provider, 401, sent);
    await applyUpstreamAuth(provider, draftOf({}));
    assert.equal(state.exchanges, 2);
    // A late 401 for the old token, and a burst of them, keep the new one.
    for (let i = 0; i < 5; i++) {
      upstreamAnswered(provider, 401, sent);
      await applyUpstreamAuth(provider, draftOf({}));
    }
    assert.equal(state.exchanges, 2);
    assert.equal(state.refused, 0);
  });
});

Deno.test("upstream auth, gcp: from the config as written (a key file, a key in a variable)", async () => {
  const { state, handler } = tokenEndpoint(() =>
    Response.json({ access_token: "ya29.from-config", expires_in: 3599, token_type: "Bearer" })
  );
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-gcp-auth-" });
  try {
    await servedOnLoopback(handler, async (url) => {
      const file = join(dir, "sa.json");
      await Deno.writeTextFile(file, keyFile(`${url}/token`));
      // The provider keys are parsed and resolved as `serve` would, without loading a config.
      const parsed = {
        fromFile: providerSchema.parse({ kind: "vertex", gcp: { service_account_file: file } }),
        fromEnv: providerSchema.parse({
          kind: "vertex",
          gcp: { service_account_json: { env: "SA" } },
        }),
      };
      const providers = resolveProviders(parsed, { SA: keyFile(`${url}/token`) });
      for (const id of ["fromFile", "fromEnv"]) {
        const provider = providers.find((p) => p.id === id)!;
        const draft = draftOf({ authorization: "Bearer ya29.client" });
        assert.equal(await applyUpstreamAuth(provider, draft), null, id);
        assert.equal(draft.headers["authorization"], "Bearer ya29.from-config", id);
      }
      // One token source per provider.
      assert.equal(state.exchanges, 2);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("upstream auth, gcp: a token endpoint that fails is upstream_credentials_unavailable", async () => {
  const table: [string, () => Response, RegExp][] = [
    [
      "refused",
      () =>
        Response.json({ error: "invalid_grant", error_description: "account not found" }, {
          status: 400,
        }),
      /answered HTTP 400: invalid_grant: account not found/,
    ],
    ["an error page", () => new Response("<html>502</html>", { status: 502 }), /HTTP 502/],
    ["no token", () => Response.json({ expires_in: 3599 }), /without a usable "access_token"/],
  ];
  // The client is told the config key and what the operator checks; the detail goes to the log.
  const toClient =
    /^providers\.vertex\.gcp: the gateway could not get an access token for its service account, so nothing was sent; the operator should check the gateway's log for the token endpoint's answer, that the endpoint is reachable, and that the service account and its key are enabled$/;
  for (const [name, answer, message] of table) {
    const { handler } = tokenEndpoint(answer);
    await servedOnLoopback(handler, async (url) => {
      const { log, lines } = capturingLog();
      const provider = vertex(keyFile(`${url}/token`));
      const err = await applyUpstreamAuth(provider, draftOf({}), { log });
      assert.ok(err instanceof GatewayError, name);
      assert.equal(err.code, "upstream_credentials_unavailable", name);
      assert.equal(err.status, 502, name);
      assert.match(err.message, toClient, name);
      assert.equal(lines.length, 1, name);
      assert.match(lines[0]!.detail, /providers\.vertex\.gcp\.service_account_json/, name);
      assert.match(lines[0]!.detail, message, name);
      // The same failure (held for a second) is logged once.
      await applyUpstreamAuth(provider, draftOf({}), { log });
      assert.equal(lines.length, 1, name);
    });
  }
  // Nobody listening: unreachable, the same code.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const { log, lines } = capturingLog();
  const err = await applyUpstreamAuth(
    vertex(keyFile(`http://127.0.0.1:${closedPort}/token`)),
    draftOf({}),
    { log },
  );
  assert.ok(err instanceof GatewayError);
  assert.equal(err.code, "upstream_credentials_unavailable");
  assert.match(err.message, toClient);
  assert.match(lines[0]!.detail, /could not be reached/);
});

function capturingLog() {
  const lines: { msg: string; detail: string }[] = [];
  const log = {
    debug() {},
    info() {},
    warn() {},
    error(msg: string, fields?: Record<string, unknown>) {
      lines.push({ msg, detail: String(fields?.detail) });
    },
  };
  return { log, lines };
}

Deno.test("upstream auth, gcp: a key the gateway cannot read is upstream_credentials_invalid", async () => {
  const table: [string, string | undefined, RegExp][] = [
    ["unset", undefined, /service_account_json: is not set/],
    ["not JSON", "/etc/keys/sa.json", /is not JSON/],
    [
      "no private key",
      JSON.stringify({ type: "service_account", client_email: email }),
      /lacks "private_key"/,
    ],
    [
      "a PEM Web Crypto cannot read",
      JSON.stringify({
        client_email: email,
        private_key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
      }),
      /not an RSA private key/,
    ],
  ];
  for (const [name, json, message] of table) {
    const { log, lines } = capturingLog();
    const err = await applyUpstreamAuth(vertex(json), draftOf({ authorization: "Bearer c" }), {
      log,
    });
    assert.ok(err instanceof GatewayError, name);
    // A PEM is only found unreadable when a token is first asked for.
    assert.equal(err.code, "upstream_credentials_invalid", name);
    assert.equal(
      err.message,
      "providers.vertex.gcp: the gateway's cloud credentials cannot be used, so nothing was " +
        "sent; the operator should run ongoingai check for what to change (the detail is in " +
        "the gateway's log)",
      name,
    );
    assert.match(lines[0]!.detail, message, name);
    assert.ok(!lines[0]!.detail.includes("AAAA"), name);
  }
});

Deno.test("secrets: the gateway's cloud secrets are scrubbed, the access key id is not", () => {
  const json = keyFile("https://oauth2.googleapis.com/token");
  const config = configFor("http://127.0.0.1:9");
  config.providers.push(
    {
      ...vertex(json),
    },
    {
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
        session_token: "IQoJb3JpZ2luX2VjEXAMPLEsessiontoken==",
      },
    },
  );
  const secrets = collectSecrets(config);
  for (
    const s of [
      json,
      pem,
      "gW7x/Kq2+secret/of+the+gateway+EXAMPLEKEY",
      "IQoJb3JpZ2luX2VjEXAMPLEsessiontoken==",
    ]
  ) {
    assert.ok(secrets.includes(s), s.slice(0, 30));
  }
  // The key's base64 body on one line, as a reflowed PEM would print it.
  assert.ok(secrets.includes(b64(der)));
  assert.ok(!secrets.includes("AKIAGATEWAY000000001"));
});

Deno.test("upstream auth, gcp: a client's key or token in the query is not sent next to the gateway's", async () => {
  const { handler } = tokenEndpoint(() =>
    Response.json({ access_token: "ya29.gateway-token-q", expires_in: 3599 })
  );
  await servedOnLoopback(handler, async (url) => {
    const provider = vertex(keyFile(`${url}/token`));
    const key = "AIzaSyCLIENTKEY0000000000000000000000";
    const table: [string, string][] = [
      [`?key=${key}`, ""],
      [`?alt=sse&key=${key}`, "?alt=sse"],
      [`?access_token=ya29.client&alt=sse`, "?alt=sse"],
      [`?%6Bey=${key}&a=%20b+c`, "?a=%20b+c"],
      [`?alt=sse&keys=kept&key`, "?alt=sse&keys=kept"],
      ["?alt=sse", "?alt=sse"],
      ["", ""],
    ];
    for (const [search, want] of table) {
      const draft = { ...draftOf({ "x-goog-api-key": key }), url: vertexUrl + search };
      assert.equal(await applyUpstreamAuth(provider, draft), null, search);
      assert.equal(draft.url, vertexUrl + want, search);
      assert.equal(draft.headers["authorization"], "Bearer ya29.gateway-token-q");
      assert.equal(draft.headers["x-goog-api-key"], undefined);
    }
  });
});
