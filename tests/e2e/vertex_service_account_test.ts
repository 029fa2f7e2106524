/**
 * Vertex with the gateway's own service account, end to end as a user runs it: `src/main.ts
 * serve` as a subprocess with a `vertex` provider whose `gcp.service_account_file` is a key made
 * here (RS256, a fresh key pair) and whose `token_uri` is a loopback token endpoint that verifies
 * the JWT-bearer assertion with the public half, and a loopback Vertex AI
 * (tests/support/vertex_stub.ts) that accepts only the gateway's access token (anything else gets
 * Google's 401).
 *
 * Both official clients send their own token, which is wrong for this upstream:
 * `@google/genai` in Vertex mode (generateContent, generateContentStream) and
 * `@anthropic-ai/vertex-sdk` (messages.create, streamed and not). Every call succeeds, the
 * upstream sees the gateway's token only, one token exchange serves them all, the traces are
 * exact, and neither the gateway's access token nor the private key is in a log line or a data
 * file once the gateway stopped.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { GoogleGenAI } from "@google/genai";
import { AnthropicVertex } from "@anthropic-ai/vertex-sdk";
import type { ModelPrice } from "../../src/config/mod.ts";
import { vertexPrices } from "../../src/pricing/builtin_cloud_prices.ts";
import { tracesAt } from "../support/trace_poll.ts";
import { freePort, startServer } from "../support/process.ts";
import { startVertexStub } from "../support/vertex_stub.ts";

const clientToken = "ya29.a0ClientOwnTokenNotValidUpstream0123456789abcdQRST";
const gatewayToken = "ya29.c.b0GatewayServiceAccountToken0123456789abcdefWXYZ";
const project = "my-proj";
const email = "gateway@my-proj.iam.gserviceaccount.com";
const perM = (tokens: number, usd: number) => (tokens * usd) / 1e6;

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
const keyBody = b64(der);
const pem = `-----BEGIN PRIVATE KEY-----\n${
  keyBody.match(/.{1,64}/g)!.join("\n")
}\n-----END PRIVATE KEY-----\n`;

/** Google's token endpoint: the JWT-bearer grant with an assertion signed by the key above. */
function tokenEndpoint() {
  const state = { exchanges: 0, refused: 0, scopes: [] as string[] };
  const handler = async (req: Request): Promise<Response> => {
    const form = new URLSearchParams(await req.text());
    const [header, claims, signature] = (form.get("assertion") ?? "").split(".");
    const valid = form.get("grant_type") === "urn:ietf:params:oauth:grant-type:jwt-bearer" &&
      signature !== undefined &&
      await crypto.subtle.verify(
        "RSASSA-PKCS1-v1_5",
        pair.publicKey,
        fromB64Url(signature),
        new TextEncoder().encode(`${header}.${claims}`),
      );
    const body = valid ? JSON.parse(new TextDecoder().decode(fromB64Url(claims!))) : null;
    if (body === null || body.iss !== email) {
      state.refused++;
      return Response.json({ error: "invalid_grant", error_description: "Invalid JWT" }, {
        status: 400,
      });
    }
    state.exchanges++;
    state.scopes.push(body.scope);
    return Response.json({ access_token: gatewayToken, expires_in: 3599, token_type: "Bearer" });
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  return {
    state,
    url: `http://127.0.0.1:${server.addr.port}/token`,
    close: () => server.shutdown(),
  };
}

/** Both SDKs ask a google-auth-library client for headers: this one answers the client's token. */
const authClient = {
  projectId: project,
  getRequestHeaders: () => Promise.resolve(new Headers({ authorization: `Bearer ${clientToken}` })),
} as never;

const config = (port: number, upstream: string, keyFile: string) =>
  `import { defineConfig } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { path: "./data/ongoingai.db" },
  providers: {
    vertex: {
      kind: "vertex",
      upstream: "${upstream}",
      gcp: { service_account_file: ${JSON.stringify(keyFile)} },
    },
  },
  tracing: { flush_interval_ms: 10, capture_bodies: true },
});
`;

// deno-lint-ignore no-explicit-any
type Trace = any;

function near(got: number | null, want: number, what: string) {
  assert.ok(got !== null && Math.abs(got - want) < 1e-10, `${what}: got ${got}, want ${want}`);
}

function regional(model: string): number {
  const row = vertexPrices.models[model];
  assert.ok(row !== undefined && row !== null && !Array.isArray(row), model);
  return (row as ModelPrice).scope_multipliers?.regional ?? 1;
}

interface Expected {
  model: string;
  input: number;
  cached: number;
  write: number;
  output: number;
  cost: number;
}

function assertTraces(traces: Trace[], want: Expected) {
  for (const [i, t] of traces.entries()) {
    const where = `${t.request_path} #${i}`;
    assert.equal(t.provider, "vertex", where);
    assert.equal(t.streaming, i === 1, where);
    assert.equal(t.response_status, 200, where);
    assert.equal(t.usage_status, "exact", where);
    assert.equal(t.model, want.model, where);
    assert.equal(t.input_tokens, want.input, where);
    assert.equal(t.cached_input_tokens, want.cached, where);
    assert.equal(t.cache_write_tokens, want.write, where);
    assert.equal(t.output_tokens, want.output, where);
    assert.equal(t.total_tokens, want.input + want.output, where);
    assert.equal(t.cost_status, "priced", where);
    near(t.estimated_cost_usd, want.cost, where);
    // The client's credential is what identifies it: fingerprinted, never the gateway's.
    assert.equal(t.api_key_last4, clientToken.slice(-4), where);
  }
}

Deno.test("e2e vertex: the gateway's service account replaces the SDKs' tokens", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-vertex-sa-" }));
  const tokens = tokenEndpoint();
  const stub = startVertexStub({ token: gatewayToken });
  const keyFile = join(dir, "service-account.json");
  await Deno.writeTextFile(
    keyFile,
    JSON.stringify({
      type: "service_account",
      project_id: project,
      private_key_id: "kid-e2e",
      private_key: pem,
      client_email: email,
      token_uri: tokens.url,
    }),
  );
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, stub.url, keyFile));
  const server = await startServer([], { cwd: dir, port });
  try {
    const ai = new GoogleGenAI({
      vertexai: true,
      project,
      location: "us-central1",
      googleAuthOptions: { authClient },
      httpOptions: { baseUrl: `${server.origin}/vertex` },
    });
    const model = "gemini-2.5-flash";
    const contents = "What is the answer?";
    const whole = await ai.models.generateContent({ model, contents });
    assert.equal(whole.text, 'The answer is "finishReason": 42.');
    let streamed = "";
    for await (const chunk of await ai.models.generateContentStream({ model, contents })) {
      streamed += chunk.text ?? "";
    }
    assert.equal(streamed, whole.text);

    const claude = new AnthropicVertex({
      region: "us-east5",
      projectId: project,
      authClient,
      baseURL: `${server.origin}/vertex/v1`,
      maxRetries: 0,
    });
    const claudeModel = "claude-sonnet-4-5@20250929";
    const messages = [{ role: "user" as const, content: "Summarise the termination clause." }];
    const doc = await claude.messages.create({ model: claudeModel, max_tokens: 256, messages });
    assert.equal(doc.usage.cache_read_input_tokens, 10240);
    const final = await claude.messages.stream({ model: claudeModel, max_tokens: 256, messages })
      .finalMessage();
    assert.equal(final.usage.cache_read_input_tokens, 10240);

    // The upstream saw the gateway's token on every request and the client's on none.
    assert.equal(stub.seen.length, 4);
    for (const s of stub.seen) assert.equal(s.authorization, `Bearer ${gatewayToken}`, s.path);
    assert.deepEqual(stub.seen.map((s) => s.path.split(":").pop()), [
      "generateContent",
      "streamGenerateContent",
      "rawPredict",
      "streamRawPredict",
    ]);
    // One exchange for all four, with the scope Vertex needs.
    assert.deepEqual(tokens.state, {
      exchanges: 1,
      refused: 0,
      scopes: ["https://www.googleapis.com/auth/cloud-platform"],
    });

    // usageMetadata (tests/testdata/vertex): prompt 1844 + tool-use prompt 1934 in, 901 cached;
    // candidates 432 + thoughts 91 out; gemini-2.5-flash 0.30 in, 0.03 cached, 2.50 out.
    const gIn = 1844 + 1934, gCached = 901, gOut = 432 + 91;
    assertTraces(await tracesAt(server.origin, "/publishers/google/", 2), {
      model,
      input: gIn,
      cached: gCached,
      write: 0,
      output: gOut,
      cost: (perM(gIn - gCached, 0.3) + perM(gCached, 0.03) + perM(gOut, 2.5)) * regional(model),
    });
    // Claude, regional us-east5 (cache_read recording): 12 in + 10240 cache reads, 45 out;
    // claude-sonnet-4-5 at 3 in, 0.30 cache read, 15 out, times the regional multiplier.
    assertTraces(await tracesAt(server.origin, "/publishers/anthropic/", 2), {
      model: "claude-sonnet-4-5-20250929",
      input: 12 + 10240,
      cached: 10240,
      write: 0,
      output: 45,
      cost: (perM(12, 3) + perM(10240, 0.3) + perM(45, 15)) * regional("claude-sonnet-4-5"),
    });

    const stopped = await server.stop("SIGTERM");
    assert.equal(stopped.code, 0, stopped.logs);
    const secrets = [
      gatewayToken.slice(0, -4),
      clientToken.slice(0, -4),
      keyBody.slice(0, 64),
      keyBody.slice(64, 128),
    ];
    for (const s of secrets) assert.ok(!stopped.logs.includes(s), "a secret in the logs");
    for await (const entry of Deno.readDir(join(dir, "data"))) {
      const bytes = new TextDecoder("latin1").decode(
        await Deno.readFile(join(dir, "data", entry.name)),
      );
      for (const s of secrets) assert.ok(!bytes.includes(s), `${entry.name} holds a secret`);
    }
  } finally {
    await server.kill();
    await stub.close();
    await tokens.close();
    await Deno.remove(dir, { recursive: true });
  }
});
