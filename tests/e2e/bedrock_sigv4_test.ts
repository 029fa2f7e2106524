/**
 * Bedrock SigV4 end to end, as a user runs it: `src/main.ts serve` as a subprocess with a provider
 * of kind `bedrock` holding AWS credentials from `env()` (temporary ones: a session token), and a
 * loopback Bedrock runtime (tests/support/sigv4_stub.ts) that VERIFIES every request's signature
 * by recomputing it with `@smithy/signature-v4` and refuses a wrong one with 403
 * `InvalidSignatureException`, as AWS does. Clients: raw requests signed by the client for the
 * gateway's host (a model id with `%3A`, an ARN with `%2F`, a query), a Bedrock API key, a route
 * whose target puts another model in the path (signed over the new path), a body redacted by PII
 * before it is signed, and the official `@aws-sdk/client-bedrock-runtime` signing with made-up
 * credentials (Converse, InvokeModel, ConverseStream) while the gateway re-signs with its own.
 * Then the traces (usage, the client's access key id as the fingerprint) and the logs and data
 * files searched for the gateway's secrets.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
} from "@aws-sdk/client-bedrock-runtime";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { freePort, type ServerProcess, startServer } from "../support/process.ts";
import {
  type AwsKey,
  converseAnswer,
  type SigV4Stub,
  smithySign,
  startSigV4Stub,
} from "../support/sigv4_stub.ts";

const gatewayKey: AwsKey = {
  accessKeyId: "ASIAGATEWAYE2E000001",
  secretAccessKey: "e2eGatewaySecret/Key+0123456789abcdefEXAMPLE",
  sessionToken: "IQoJb3JpZ2luX2VjE2Egateway//////////SessionToken+0123456789==",
};
const clientKey: AwsKey = {
  accessKeyId: "AKIACLIENTE2E0000042",
  secretAccessKey: "clientSecretNeverSeenUpstream0123456789",
  sessionToken: null,
};
const modelId = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123xyz";
const label = (v: string) =>
  encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);

/** An Anthropic Messages body, as Claude on Bedrock answers InvokeModel. */
function invokeAnswer(): Response {
  return Response.json({
    id: "msg_bdrk_01",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5-20250929",
    content: [{ type: "text", text: "Hi." }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 6 },
  }, {
    headers: {
      "x-amzn-requestid": crypto.randomUUID(),
      "x-amzn-bedrock-input-token-count": "12",
      "x-amzn-bedrock-output-token-count": "6",
    },
  });
}

/**
 * A ConverseStream answer: the recorded events (tests/testdata/bedrock/), each one AWS
 * event-stream message encoded by smithy's codec (the one the SDK decodes with).
 */
async function converseStreamAnswer(): Promise<Response> {
  const events: [string, unknown][] = JSON.parse(
    await Deno.readTextFile(
      new URL("../testdata/bedrock/converse_stream_tool_reasoning.json", import.meta.url),
    ),
  );
  const codec = new EventStreamCodec(
    (b: Uint8Array) => new TextDecoder().decode(b),
    (t: string) => new TextEncoder().encode(t),
  );
  const frames = events.map(([type, payload]) =>
    codec.encode({
      headers: {
        ":event-type": { type: "string", value: type },
        ":content-type": { type: "string", value: "application/json" },
        ":message-type": { type: "string", value: "event" },
      },
      body: new TextEncoder().encode(JSON.stringify(payload)),
    })
  );
  return new Response(new Blob(frames.map((f) => new Uint8Array(f))), {
    headers: {
      "content-type": "application/vnd.amazon.eventstream",
      "x-amzn-requestid": crypto.randomUUID(),
    },
  });
}

const config = (port: number, upstream: string) =>
  `import { defineConfig, env } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { path: "./data/ongoingai.db" },
  providers: {
    bedrock: {
      kind: "bedrock",
      upstream: "${upstream}",
      aws: {
        region: "us-east-1",
        access_key_id: env("GW_AWS_ACCESS_KEY_ID"),
        secret_access_key: env("GW_AWS_SECRET_ACCESS_KEY"),
        session_token: env("GW_AWS_SESSION_TOKEN"),
      },
    },
    "bedrock-pii": {
      kind: "bedrock",
      upstream: "${upstream}",
      aws: {
        region: "us-east-1",
        access_key_id: env("GW_AWS_ACCESS_KEY_ID"),
        secret_access_key: env("GW_AWS_SECRET_ACCESS_KEY"),
        session_token: env("GW_AWS_SESSION_TOKEN"),
      },
    },
    "bedrock-wrong": {
      kind: "bedrock",
      upstream: "${upstream}",
      aws: {
        region: "us-east-1",
        access_key_id: env("GW_AWS_ACCESS_KEY_ID"),
        secret_access_key: env("GW_WRONG_SECRET"),
        session_token: env("GW_AWS_SESSION_TOKEN"),
      },
    },
  },
  pii: {
    mode: "off",
    replacement: { hash_salt: "e2e-salt-0123456789abcdef" },
    scopes: [{ match: { provider: "bedrock-pii" }, mode: "redact_upstream" }],
  },
  routes: {
    "claude-profile": { targets: [{ provider: "bedrock", model: "${arn}" }] },
  },
  tracing: { flush_interval_ms: 10 },
});
`;

async function withGateway(
  fn: (server: ServerProcess, stub: SigV4Stub, dir: string) => Promise<void>,
) {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-sigv4-" }));
  const stub = startSigV4Stub({
    keys: [gatewayKey],
    region: "us-east-1",
    answer: (req) =>
      req.path.endsWith("/invoke")
        ? invokeAnswer()
        : req.path.endsWith("/converse-stream")
        ? converseStreamAnswer()
        : converseAnswer(),
  });
  const port = freePort();
  await Deno.writeTextFile(join(dir, "gateway.config.ts"), config(port, stub.url));
  const server = await startServer([], {
    cwd: dir,
    port,
    env: {
      GW_AWS_ACCESS_KEY_ID: gatewayKey.accessKeyId,
      GW_AWS_SECRET_ACCESS_KEY: gatewayKey.secretAccessKey,
      GW_AWS_SESSION_TOKEN: gatewayKey.sessionToken!,
      GW_WRONG_SECRET: "not/the+gateway+secret+0123456789EXAMPLE",
    },
  });
  try {
    await fn(server, stub, dir);
  } finally {
    await server.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** A request the client signed itself, for the gateway's host (as any SigV4 client does). */
async function clientSigned(origin: string, path: string, body: string): Promise<Response> {
  const url = `${origin}${path}`;
  const headers = await smithySign(
    { method: "POST", url, headers: { "content-type": "application/json" }, body },
    clientKey,
    { region: "us-east-1", service: "bedrock" },
    new Date(),
  );
  delete headers["host"];
  return await fetch(url, { method: "POST", headers, body });
}

const converseBody = JSON.stringify({
  messages: [{ role: "user", content: [{ text: "Hello" }] }],
  inferenceConfig: { maxTokens: 64 },
});

Deno.test("e2e bedrock sigv4: the gateway re-signs every request; the stub verifies it as AWS does", async () => {
  await withGateway(async (server, stub, dir) => {
    const origin = server.origin;
    // 1. A client signed for the gateway's host: model id with %3A, an ARN with %2F, a query.
    const paths = [
      `/bedrock/model/${label(modelId)}/converse`,
      `/bedrock/model/${label(arn)}/converse`,
      `/bedrock/model/${label(modelId)}/converse?trace=ENABLED`,
    ];
    for (const path of paths) {
      const res = await clientSigned(origin, path, converseBody);
      assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
      assert.equal((await res.json()).usage.outputTokens, 5);
    }
    // 2. A Bedrock API key: configured credentials win, the key is never sent upstream.
    const bearer = await fetch(`${origin}/bedrock/model/${label(modelId)}/converse`, {
      method: "POST",
      headers: {
        authorization: "Bearer ABSKclientBedrockApiKey0123456789",
        "content-type": "application/json",
      },
      body: converseBody,
    });
    assert.equal(bearer.status, 200, await bearer.clone().text());
    await bearer.body?.cancel();
    // 3. A route: the attempt's path names the target's model (the ARN), signed as sent.
    const routed = await clientSigned(
      origin,
      "/bedrock/model/claude-profile/converse",
      converseBody,
    );
    assert.equal(routed.status, 200, await routed.clone().text());
    await routed.body?.cancel();
    // 4. PII redacted before signing: the body hashed is the body sent, the address gone.
    const email = "jane.doe@example.com";
    const redacted = await clientSigned(
      origin,
      `/bedrock-pii/model/${label(modelId)}/converse`,
      JSON.stringify({ messages: [{ role: "user", content: [{ text: `Mail ${email} now` }] }] }),
    );
    assert.equal(redacted.status, 200, await redacted.clone().text());
    await redacted.body?.cancel();
    // 5. Wrong gateway credentials: AWS's 403 reaches the client unchanged.
    const wrong = await clientSigned(
      origin,
      `/bedrock-wrong/model/${label(modelId)}/converse`,
      converseBody,
    );
    assert.equal(wrong.status, 403);
    assert.match(wrong.headers.get("x-amzn-errortype") ?? "", /^InvalidSignatureException/);
    assert.match((await wrong.json()).message, /signature we calculated does not match/);

    // What the upstream received: the gateway's signature, never the client's credentials.
    assert.equal(stub.seen.length, 7);
    const expectedPaths = [
      `/model/${label(modelId)}/converse`,
      `/model/${label(arn)}/converse`,
      `/model/${label(modelId)}/converse`,
      `/model/${label(modelId)}/converse`,
      `/model/${label(arn)}/converse`,
      `/model/${label(modelId)}/converse`,
      `/model/${label(modelId)}/converse`,
    ];
    assert.deepEqual(stub.seen.map((s) => s.path), expectedPaths);
    assert.equal(stub.seen[2]!.search, "?trace=ENABLED");
    for (const [i, seen] of stub.seen.entries()) {
      const auth = seen.headers.get("authorization") ?? "";
      assert.match(
        auth,
        /^AWS4-HMAC-SHA256 Credential=ASIAGATEWAYE2E000001\/\d{8}\/us-east-1\/bedrock\//,
        `${i}`,
      );
      assert.equal(seen.headers.get("x-amz-security-token"), gatewayKey.sessionToken, `${i}`);
      assert.ok(!auth.includes(clientKey.accessKeyId) && !auth.includes("ABSK"), `${i}`);
      assert.equal(seen.verdict.ok, i < 6, `${i}: ${JSON.stringify(seen.verdict)}`);
    }
    const sentBody = new TextDecoder().decode(stub.seen[5]!.body);
    assert.ok(!sentBody.includes(email), sentBody);
    assert.match(sentBody, /Mail \S+ now/);

    // Traces: usage read, the client's access key id fingerprinted (never the gateway's).
    const traces = await allTraces(origin, 7);
    const ok = traces.filter((t) => t.response_status === 200);
    assert.equal(ok.length, 6);
    for (const t of ok) {
      assert.match(t.provider, /^bedrock(-pii)?$/);
      assert.equal(t.usage_status, "exact");
      assert.equal(t.input_tokens, 10);
      assert.equal(t.output_tokens, 5);
    }
    const signed = ok.find((t) => t.request_path === paths[1]);
    const detail = await (await fetch(`${origin}/api/traces/${signed.id}`)).json();
    assert.equal(detail.api_key_last4, clientKey.accessKeyId.slice(-4));
    assert.deepEqual(detail.request_headers["authorization"], ["[REDACTED]"]);
    const routedTrace = ok.find((t) => t.request_path === "/bedrock/model/claude-profile/converse");
    assert.equal(routedTrace.model, arn);

    await assertNoSecrets(server, dir);
  });
});

Deno.test("e2e bedrock sigv4: @aws-sdk/client-bedrock-runtime with made-up credentials (Converse, InvokeModel, ConverseStream direct and routed), re-signed by the gateway", async () => {
  await withGateway(async (server, stub, dir) => {
    const client = new BedrockRuntimeClient({
      region: "us-east-1",
      endpoint: `${server.origin}/bedrock`,
      credentials: {
        accessKeyId: clientKey.accessKeyId,
        secretAccessKey: clientKey.secretAccessKey,
      },
      maxAttempts: 1,
    });
    try {
      const converse = await client.send(
        new ConverseCommand({
          modelId,
          messages: [{ role: "user", content: [{ text: "Hello" }] }],
          inferenceConfig: { maxTokens: 64 },
        }),
      );
      assert.equal(converse.usage?.inputTokens, 10);
      assert.equal(converse.usage?.outputTokens, 5);
      const invoked = await client.send(
        new InvokeModelCommand({
          modelId: arn,
          contentType: "application/json",
          accept: "application/json",
          body: new TextEncoder().encode(JSON.stringify({
            anthropic_version: "bedrock-2023-05-31",
            max_tokens: 64,
            messages: [{ role: "user", content: "Hello" }],
          })),
        }),
      );
      const answer = JSON.parse(new TextDecoder().decode(invoked.body));
      assert.equal(answer.usage.output_tokens, 6);
      // Streamed, to the model id and to a route (its target's ARN in the signed path).
      for (const id of [modelId, "claude-profile"]) {
        const streamed = await client.send(
          new ConverseStreamCommand({
            modelId: id,
            messages: [{ role: "user", content: [{ text: "Weather in Berlin?" }] }],
          }),
        );
        let text = "";
        let usage: unknown = null;
        for await (const event of streamed.stream!) {
          text += event.contentBlockDelta?.delta?.text ?? "";
          if (event.metadata !== undefined) usage = event.metadata.usage;
        }
        assert.equal(text, "Hello German", id);
        assert.deepEqual(usage, { inputTokens: 16, outputTokens: 311, totalTokens: 327 }, id);
      }
    } finally {
      client.destroy();
    }
    assert.equal(stub.seen.length, 4);
    assert.deepEqual(stub.seen.map((s) => s.path), [
      `/model/${label(modelId)}/converse`,
      `/model/${label(arn)}/invoke`,
      `/model/${label(modelId)}/converse-stream`,
      `/model/${label(arn)}/converse-stream`,
    ]);
    for (const seen of stub.seen) {
      assert.ok(seen.verdict.ok, JSON.stringify(seen.verdict));
      assert.equal(seen.verdict.ok && seen.verdict.accessKeyId, gatewayKey.accessKeyId);
    }
    const traces = await allTraces(server.origin, 4);
    const invoke = traces.find((t) => t.request_path.endsWith("/invoke"));
    assert.equal(invoke.input_tokens, 12);
    assert.equal(invoke.output_tokens, 6);
    const streams = traces.filter((t) => t.request_path.endsWith("/converse-stream"));
    assert.equal(streams.length, 2);
    for (const t of streams) {
      assert.equal(t.streaming, true);
      assert.equal(t.usage_status, "exact");
      assert.equal(t.input_tokens, 16);
      assert.equal(t.output_tokens, 311);
    }
    await assertNoSecrets(server, dir);
  });
});

/** Stopped gracefully: no log line and no data file holds a secret of the gateway's. */
async function assertNoSecrets(server: ServerProcess, dir: string): Promise<void> {
  const stopped = await server.stop("SIGTERM");
  assert.equal(stopped.code, 0, stopped.logs);
  const secrets = [gatewayKey.secretAccessKey, gatewayKey.sessionToken!, clientKey.secretAccessKey];
  for (const s of secrets) assert.ok(!stopped.logs.includes(s), "a secret in the logs");
  for await (const entry of Deno.readDir(join(dir, "data"))) {
    const bytes = new TextDecoder("latin1").decode(
      await Deno.readFile(join(dir, "data", entry.name)),
    );
    for (const s of secrets) assert.ok(!bytes.includes(s), `${entry.name} holds a secret`);
  }
}

// deno-lint-ignore no-explicit-any
async function allTraces(origin: string, n: number): Promise<any[]> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const page = await (await fetch(`${origin}/api/traces?limit=200`)).json();
    if (page.items.length >= n) return page.items;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`fewer than ${n} traces appeared`);
}
