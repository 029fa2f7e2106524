/**
 * The contract test: real traffic through the gateway to the upstream stub (OpenAI and Anthropic,
 * streamed and not, an upstream error and a cut stream), then every endpoint in the registry
 * called with valid and invalid parameters, each response validated against the served OpenAPI
 * document with a JSON Schema 2020-12 validator. A new registry entry is covered without editing
 * this file, unless it has a path parameter this file cannot fill (see `pathValues`).
 */
import { writerSnapshot } from "../testdata/writer_snapshot.ts";
import { routedHistory } from "../store/conformance_attempts.ts";
import assert from "node:assert/strict";
import { Ajv2020 } from "ajv/dist/2020.js";
import { configFor, startHarness, testSecret } from "../support/gateway_harness.ts";
import { createGateway } from "../../src/server/gateway.ts";
import type { AuditStore, KeyStore, TraceStore } from "../../src/store/mod.ts";
import { silentLogger } from "../../src/log/mod.ts";
import { allowedMethods, type Endpoint, endpoints } from "../../src/api/contract/mod.ts";

/** Routing with one pool key, for `/api/routes` and re-enabling it: the gateway builds it. */
const pooled = {
  // A pool serves only in team mode or on a loopback host.
  server: { host: "127.0.0.1" },
  providers: { openai: { keys: [{ id: "team-a", key: "sk-proj-pool-team-a-000000000000" }] } },
  routes: { "gpt-pool": { targets: [{ provider: "openai", model: "gpt-4o-mini" }] } },
};
const poolPathValues = { provider: ["openai"], id: ["team-a"] };
const isPoolEndpoint = (e: Endpoint) => e.path.startsWith("/api/routes/keys/");
const isReplayEndpoint = (e: Endpoint) => e.operationId === "replayTrace";

const post = (body: unknown, headers: Record<string, string>): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});
const openaiKey = { authorization: "Bearer sk-proj-TESTKEY0000000000000000wxyz" };
const anthropicKey = {
  "x-api-key": "sk-ant-api03-abcdefghijklmnop",
  "anthropic-version": "2023-06-01",
};

/** Proxied calls whose traces the API then serves: each kind of trace the gateway writes. */
const traffic: Array<[string, RequestInit]> = [
  ["/openai/v1/chat/completions", post({ model: "gpt-4o-mini" }, openaiKey)],
  ["/openai/v1/chat/completions", post({ model: "gpt-4o-mini", stream: true }, openaiKey)],
  ["/openai/v1/embeddings", post({ model: "text-embedding-3-small", input: "x" }, openaiKey)],
  ["/openai/v1/models", { headers: openaiKey }],
  [
    "/openai/v1/chat/completions",
    post({ model: "gpt-4o" }, { ...openaiKey, "x-stub-status": "429" }),
  ],
  [
    "/openai/v1/chat/completions",
    post({ model: "gpt-4o-mini", stream: true }, { ...openaiKey, "x-stub-cut": "1" }),
  ],
  [
    "/anthropic/v1/messages",
    post({ model: "claude-sonnet-4-5-20250929", max_tokens: 8 }, anthropicKey),
  ],
  [
    "/anthropic/v1/messages",
    post({ model: "claude-sonnet-4-5-20250929", max_tokens: 8, stream: true }, anthropicKey),
  ],
];

type Json = Record<string, unknown>;
interface Observed {
  endpoint: Endpoint;
  url: string;
  status: number;
}

/** JSON pointer into the document, e.g. `/paths/~1api~1traces/get/responses/200/...`. */
const pointer = (...parts: string[]) =>
  parts.map((p) => `/${p.replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");

const docId = "https://gateway.test/openapi.json";

/** Validates bodies against the document's own schemas, `$ref`s resolved inside it. */
function validatorFor(doc: Json) {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    allowUnionTypes: true,
    // `date-time` is also a `pattern` in the document; the pattern does the checking.
    formats: { "date-time": true },
  });
  ajv.addVocabulary(["openapi", "info", "servers", "tags", "paths", "components"]);
  ajv.addSchema({ ...doc, $id: docId });
  return (where: string, body: unknown, what: string) => {
    const validate = ajv.getSchema(`${docId}#${where}`);
    assert.ok(validate, `the document has no schema at ${where} (${what})`);
    if (!validate(body)) {
      const errors = JSON.stringify(validate.errors, null, 2);
      assert.fail(
        `${what}: body does not match ${where}:\n${errors}\nbody: ${JSON.stringify(body)}`,
      );
    }
  };
}

const responseSchema = (e: Endpoint, status: number, mediaType = "application/json") =>
  pointer("paths", e.path, e.method, "responses", String(status), "content", mediaType, "schema");

/** Fills `{name}` in a path; an unknown name fails and says where to add it. */
function fill(e: Endpoint, values: Record<string, string>): string {
  return e.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) {
      assert.fail(`${e.path}: no test value for path parameter ${name}; add it to pathValues`);
    }
    return encodeURIComponent(value);
  });
}

function withQuery(path: string, query: Record<string, string>): string {
  const qs = new URLSearchParams(query).toString();
  return qs ? `${path}?${qs}` : path;
}

type Call = [url: string, expected: number | null, body?: unknown];

/** The calls for one endpoint: each with the status it must get, or null for "any documented". */
function callsFor(
  e: Endpoint,
  pathValues: Record<string, string[]>,
): Call[] {
  const names = Object.keys(e.pathParams ?? {});
  const sets = Math.max(1, ...names.map((n) => pathValues[n]?.length ?? 1));
  const paths = Array.from(
    { length: sets },
    (_, i) =>
      fill(
        e,
        Object.fromEntries(names.map((n) => [n, pathValues[n]?.[i % pathValues[n].length]!])),
      ),
  );
  const ok = Object.keys(e.responses).map(Number).filter((s) => s < 300).sort()[0] ?? 200;
  const calls: Call[] = paths.map((p) => [p, ok]);
  const first = paths[0]!;
  if (e.body) calls.push([first, ok, e.body.valid], [first, 400, e.body.invalid]);
  if (e.example) calls.push([withQuery(first, e.example.query), ok]);
  if (e.query) {
    calls.push([withQuery(first, { no_such_parameter: "1" }), 400]);
    // Every parameter with a bad value: whatever the answer, it must be a documented one.
    for (const name of Object.keys(e.query.shape)) {
      calls.push([withQuery(first, { [name]: "not-valid!" }), null]);
    }
  }
  if (names.length > 0 && 404 in e.responses) {
    calls.push([fill(e, Object.fromEntries(names.map((n) => [n, "no-such-id-0000"]))), 404]);
  }
  return calls;
}

async function check(
  call: (url: string, init?: RequestInit) => Promise<Response>,
  validate: ReturnType<typeof validatorFor>,
  e: Endpoint,
  url: string,
  expected: number | null,
  body?: unknown,
): Promise<Observed> {
  const what = `${e.method.toUpperCase()} ${url}`;
  const res = await call(
    url,
    body === undefined ? { method: e.method.toUpperCase() } : {
      method: e.method.toUpperCase(),
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    },
  );
  const text = await res.text();
  if (expected !== null) assert.equal(res.status, expected, `${what}: ${text}`);
  assert.ok(res.status in e.responses, `${what}: status ${res.status} is not documented: ${text}`);
  if (e.responses[res.status]!.schema === undefined) {
    assert.equal(text, "", `${what}: ${res.status} has no body`);
    return { endpoint: e, url, status: res.status };
  }
  const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
  if (type === "application/x-ndjson") {
    // One document per line, each against the line schema.
    for (const line of text.split("\n").filter((l) => l !== "")) {
      validate(responseSchema(e, res.status, type), JSON.parse(line), what);
    }
  } else if (type === "text/csv") {
    validate(responseSchema(e, res.status, type), text, what);
  } else {
    assert.equal(type, "application/json", what);
    validate(responseSchema(e, res.status), JSON.parse(text), what);
  }
  return { endpoint: e, url, status: res.status };
}

const errorSchema = pointer("components", "schemas", "ErrorResponse");

/** A store that fails every call: the API's 500s. */
const brokenStore: TraceStore = {
  driver: "sqlite",
  writeBatch: () => Promise.reject(new Error("disk on fire")),
  listTraces: () => Promise.reject(new Error("disk on fire")),
  getTrace: () => Promise.reject(new Error("disk on fire")),
  countTraces: () => Promise.reject(new Error("disk on fire")),
  exportTraces: () => Promise.reject(new Error("disk on fire")),
  aggregate: () => Promise.reject(new Error("disk on fire")),
  percentiles: () => Promise.reject(new Error("disk on fire")),
  costLines: () => Promise.reject(new Error("disk on fire")),
  saveProviderReports: () => Promise.reject(new Error("disk on fire")),
  providerReports: () => Promise.reject(new Error("disk on fire")),
  sessions: () => Promise.reject(new Error("disk on fire")),
  failovers: () => Promise.reject(new Error("disk on fire")),
  stats: () => Promise.reject(new Error("disk on fire")),
  close: () => Promise.resolve(),
};
const brokenKeyStore: TraceStore & KeyStore & AuditStore = {
  ...brokenStore,
  createKey: () => Promise.reject(new Error("disk on fire")),
  listKeys: () => Promise.reject(new Error("disk on fire")),
  revokeKey: () => Promise.reject(new Error("disk on fire")),
  rotateKey: () => Promise.reject(new Error("disk on fire")),
  confirmKey: () => Promise.reject(new Error("disk on fire")),
  listKeyEvents: () => Promise.reject(new Error("disk on fire")),
  activeKeyDigests: () => Promise.reject(new Error("disk on fire")),
  appendAudit: () => Promise.reject(new Error("disk on fire")),
  listAudit: () => Promise.reject(new Error("disk on fire")),
  auditChain: () => Promise.reject(new Error("disk on fire")),
  auditHead: () => Promise.reject(new Error("disk on fire")),
};

/** Key management needs team mode: those endpoints are called on a team-mode gateway as owner. */
const ownerToken = "gw-contract-owner-0000000000000";
const opsToken = "gw-contract-ops-00000000000000000";
const teamMode = {
  auth: {
    enabled: true,
    keys: [
      { id: "owner", token: ownerToken, role: "owner" as const },
      {
        id: "ops",
        token: opsToken,
        role: "viewer" as const,
        permissions: ["diagnostics:read" as const],
      },
    ],
  },
};
const isKeyEndpoint = (e: Endpoint) => e.path.startsWith("/api/gateway-key");
function asOwner(call: (url: string, init?: RequestInit) => Promise<Response>) {
  return (url: string, init: RequestInit = {}) =>
    call(url, {
      ...init,
      headers: {
        ...Object.fromEntries(new Headers(init.headers)),
        "x-ongoingai-gateway-key": ownerToken,
      },
    });
}

Deno.test("contract: every documented endpoint answers as the OpenAPI document says", async (t) => {
  // Bodies captured, so that a stored request can be replayed.
  const h = await startHarness({ ...pooled, tracing: { capture_bodies: true } });
  const team = await startHarness({ ...teamMode, ...pooled });
  try {
    for (const [path, init] of traffic) {
      const res = await h.request(path, init);
      // Read to the end, as a client would; the cut stream ends with an error.
      await res.arrayBuffer().catch(() => {});
    }
    // Plus routed traces with attempt records (issue 19), so that the detail, the list, the
    // export and the failover view are checked against the document with them too.
    const traces = [...await h.tracesSettled(traffic.length), ...routedHistory()];
    await h.store.writeBatch(traces);
    assert.ok(traces.some((x) => x.provider === "anthropic" && x.streaming));
    assert.ok(traces.some((x) => x.provider === "openai" && x.streaming));
    assert.ok(traces.some((x) => x.usage_status === "unknown"), "a cut stream's trace");

    const served = await h.request("/api/openapi.json");
    const doc = await served.json() as Json;
    const validate = validatorFor(doc);
    const tracePathValues = { id: traces.map((x) => x.id) };
    const teamCall = asOwner(team.request);
    const callFor = (e: Endpoint) => isKeyEndpoint(e) ? teamCall : h.request;
    // Rotated, then revoked, in registry order.
    const created = await teamCall("/api/gateway-keys", { method: "POST" });
    assert.equal(created.status, 201);
    const keyPathValues = { id: [(await created.json() as { id: string }).id] };
    // Replayed: the first call's trace (a chat completion the stub answers with JSON).
    const replayPathValues = { id: [traces[0]!.id] };
    const valuesFor = (e: Endpoint) =>
      e.path.startsWith("/api/gateway-keys/")
        ? keyPathValues
        : isPoolEndpoint(e)
        ? poolPathValues
        : isReplayEndpoint(e)
        ? replayPathValues
        : tracePathValues;
    const observed: Observed[] = [];

    for (const e of endpoints) {
      await t.step(`${e.method.toUpperCase()} ${e.path}`, async () => {
        for (const [url, expected, body] of callsFor(e, valuesFor(e))) {
          observed.push(await check(callFor(e), validate, e, url, expected, body));
        }
      });
    }

    await t.step(
      "key endpoints: 403 without team mode; 415 and 403 grant_refused in it",
      async () => {
        for (const e of endpoints.filter(isKeyEndpoint)) {
          const [url] = callsFor(e, valuesFor(e))[0]!;
          observed.push(await check(h.request, validate, e, url, 403));
        }
        const create = endpoints.find((e) => e.operationId === "createGatewayKey")!;
        const textPlain = (url: string, init?: RequestInit) =>
          teamCall(url, { ...init, headers: { "content-type": "text/plain" }, body: "{}" });
        observed.push(await check(textPlain, validate, create, create.path, 415));
        const diagnostics = { role: "viewer", permissions: ["diagnostics:read"] };
        observed.push(await check(teamCall, validate, create, create.path, 403, diagnostics));
      },
    );

    await t.step("replay: 403, 409, 413 and 415 as documented", async () => {
      const e = endpoints.find(isReplayEndpoint)!;
      const url = (id: string) => e.path.replace("{id}", id);
      const asOps = (u: string, init: RequestInit = {}) =>
        team.request(u, { ...init, headers: { "x-ongoingai-gateway-key": opsToken } });
      observed.push(await check(asOps, validate, e, url(traces[0]!.id), 403));
      // A routed trace written without its body.
      const bodiless = traces.find((x) => x.request_body === null && x.request_bytes > 0)!;
      observed.push(await check(h.request, validate, e, url(bodiless.id), 409));
      const big = { set: { note: "x".repeat(70_000) } };
      observed.push(await check(h.request, validate, e, url(traces[0]!.id), 413, big));
      const textPlain = (u: string, init?: RequestInit) =>
        h.request(u, { ...init, headers: { "content-type": "text/plain" }, body: "{}" });
      observed.push(await check(textPlain, validate, e, url(traces[0]!.id), 415));
    });

    await t.step(
      "re-enabling a pool key: 403 for an operator key without keys:manage",
      async () => {
        const asOps = (url: string, init: RequestInit = {}) =>
          team.request(url, { ...init, headers: { "x-ongoingai-gateway-key": opsToken } });
        for (const e of endpoints.filter(isPoolEndpoint)) {
          const [url] = callsFor(e, valuesFor(e))[0]!;
          observed.push(await check(asOps, validate, e, url, 403));
        }
      },
    );

    await t.step("other methods: 405 with Allow and the error envelope", async () => {
      for (const [honoPath, allow] of allowedMethods(endpoints)) {
        const url = honoPath.replace(/:[^/]+/g, "x");
        const method = allow.includes("POST") ? "PUT" : "POST";
        const res = await h.request(url, { method });
        assert.equal(res.status, 405, `${method} ${url}`);
        assert.equal(res.headers.get("allow"), allow);
        validate(errorSchema, await res.json(), `${method} ${url}`);
      }
    });

    await t.step("a failing store: documented 500s, health still answers", async () => {
      const gateways = [
        configFor(h.stub.url, pooled),
        configFor(h.stub.url, { ...teamMode, ...pooled }),
      ].map((config) =>
        createGateway(config, {
          store: brokenKeyStore,
          writer: { enqueue: () => true, snapshot: () => stats },
          keyHashSecret: testSecret,
          log: silentLogger,
        })
      );
      const [open, closed] = gateways.map((gw) => (url: string, init?: RequestInit) =>
        gw.fetch(new Request(`http://gw.test${url}`, init))
      );
      for (const e of endpoints) {
        const [url] = callsFor(e, valuesFor(e))[0]!;
        const call = isKeyEndpoint(e) ? asOwner(closed!) : open!;
        observed.push(await check(call, validate, e, url, 500 in e.responses ? 500 : 200));
      }
      for (const gw of gateways) gw.close();
    });

    await t.step("every documented status was produced at least once", () => {
      for (const e of endpoints) {
        const seen = new Set(observed.filter((o) => o.endpoint === e).map((o) => o.status));
        for (const status of Object.keys(e.responses).map(Number)) {
          assert.ok(
            seen.has(status),
            `${e.method.toUpperCase()} ${e.path} documents ${status} but no call produced it; ` +
              "give it an example or drop the status",
          );
        }
      }
    });
  } finally {
    await h.close();
    await team.close();
  }
});

const stats = writerSnapshot();
