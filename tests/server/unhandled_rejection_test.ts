/**
 * An in-process gateway fed a generated stream of odd requests (methods, paths, headers, bodies
 * that break off, clients that give up at any moment, upstreams that cut, hang, compress or
 * redirect): every request resolves to a Response, no promise is left to reject unhandled, and
 * nothing ends as the gateway's own `internal_error`.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { startHarness } from "../support/gateway_harness.ts";
import { poll } from "../support/process.ts";

const enc = new TextEncoder();

const methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND", "X-ODD"];
const paths = [
  "/openai/v1/chat/completions",
  "/openai/v1/chat/completions?stream=true",
  "/openai/v1/responses",
  "/openai/v1/completions",
  "/openai/v1/embeddings",
  "/openai/v1/models",
  "/openai/v1/chat/completions/chatcmpl-1",
  "/openai",
  "/anthropic/v1/messages",
  "/anthropic/v1/messages/count_tokens",
  "/api/health",
  "/api/traces",
  "/api/traces?limit=-1&cursor=%ff",
  "/api/traces/does-not-exist",
  "/api/analytics/usage?group_by=nonsense",
  "/api/diagnostics/trace-pipeline",
  "/",
  "/nope",
  "/openai/%2e%2e/anthropic/v1/messages",
  "/openai/v1%2fchat",
  "/openai//v1/models",
  "/openai/v1/chat/completions#frag",
  "/openai/v1/\u00e9?q=\u00e9",
];

const chat = (stream: boolean, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: "gpt-4o-mini",
    stream,
    messages: [{ role: "user", content: "hi" }],
    ...extra,
  });

type BodyPlan =
  | { kind: "none" }
  | { kind: "bytes"; bytes: Uint8Array; valid: boolean }
  | { kind: "breaks"; bytes: Uint8Array };

const body: fc.Arbitrary<BodyPlan> = fc.oneof(
  fc.constant({ kind: "none" as const }),
  // Weighted up: well-formed requests reach the upstream and exercise the streaming path.
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      chat(false),
      chat(true),
      chat(true, { stream_options: { include_usage: false } }),
      JSON.stringify({ model: "claude-sonnet-4", max_tokens: 5, stream: true, messages: [] }),
      JSON.stringify({ model: "m", input: "hi" }),
      "{}",
    ).map((s) => ({ kind: "bytes" as const, bytes: enc.encode(s), valid: true })),
  },
  fc.oneof(
    fc.constantFrom("", "{", "null", "[]", '{"model":', "\u0000", '{"stream":"yes"}'),
    fc.string({ unit: "binary", maxLength: 40 }),
  ).map((s) => ({ kind: "bytes" as const, bytes: enc.encode(s), valid: false })),
  // Above the configured request body limit.
  fc.nat(1).map((n) => ({
    kind: "bytes" as const,
    bytes: new Uint8Array(4096 + n * 1000).fill(0x20),
    valid: false,
  })),
  // A client whose body stream errors part way.
  fc.string({ maxLength: 20 }).map((s) => ({ kind: "breaks" as const, bytes: enc.encode(s) })),
);

const tchar = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz";
const headerValue = fc.string({ unit: fc.constantFrom(...' ,;=/"abc09xyz\t'), maxLength: 16 });
const extraHeader = fc.oneof(
  fc.tuple(
    fc.constantFrom(
      "content-type",
      "accept-encoding",
      "connection",
      "te",
      "upgrade",
      "transfer-encoding",
      "content-encoding",
      "x-ongoingai-gateway-key",
      "x-ongoingai-correlation-id",
      "authorization",
      "anthropic-version",
    ),
    fc.oneof(
      fc.constantFrom(
        "application/json",
        "text/event-stream",
        "gzip, br, zstd",
        "keep-alive, x-stub-gzip",
        "close",
        "gzip",
        "Bearer sk-proj-abc",
        "2023-06-01",
      ),
      headerValue,
    ),
  ),
  fc.tuple(fc.string({ unit: fc.constantFrom(...tchar), minLength: 1, maxLength: 8 }), headerValue),
);
/** The upstream stub's knobs; hanging ones only with a client that gives up (see `request`). */
const stubKnobs = fc.record({
  "x-stub-status": fc.constantFrom("200", "200", "200", "400", "429", "500", "503", "abc"),
  "x-stub-cut": fc.constantFrom("0", "1", "2", "x"),
  "x-stub-gzip": fc.constant("1"),
  "x-stub-delay-ms": fc.constantFrom("1", "5"),
  "x-stub-redirect": fc.constantFrom("http://evil.test/x", "/v1/other", ""),
  "x-stub-say": fc.string({ maxLength: 12 }),
}, { requiredKeys: [] });

type AbortPlan =
  | { kind: "never" }
  | { kind: "before" }
  | { kind: "after-ms"; ms: number; hang: "headers" | "body" | null }
  | { kind: "after-headers" };

const abort: fc.Arbitrary<AbortPlan> = fc.oneof(
  fc.constant({ kind: "never" as const }),
  fc.constant({ kind: "before" as const }),
  fc.record({
    kind: fc.constant("after-ms" as const),
    ms: fc.nat(15),
    hang: fc.constantFrom("headers" as const, "body" as const, null),
  }),
  fc.constant({ kind: "after-headers" as const }),
);

const readPlan = fc.constantFrom("all", "cancel", "first-chunk");

const oddRequest = fc.record({
  // Mostly POSTs to provider routes, so most requests reach the upstream and stream back.
  method: fc.oneof({ weight: 3, arbitrary: fc.constant("POST") }, fc.constantFrom(...methods)),
  path: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...paths.slice(0, 3), paths[8]!) },
    fc.constantFrom(...paths),
  ),
  headers: fc.array(extraHeader, { maxLength: 4 }),
  knobs: stubKnobs,
  body,
  abort,
  read: readPlan,
});
type OddRequest = typeof oddRequest extends fc.Arbitrary<infer T> ? T : never;

function bodyInit(plan: BodyPlan): BodyInit | null {
  if (plan.kind === "none") return null;
  if (plan.kind === "bytes") return plan.bytes.slice();
  let sent = false;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent) c.error(new Error("client body broke off"));
      else c.enqueue(plan.bytes.slice());
      sent = true;
    },
  });
}

Deno.test("an in-process gateway under odd requests: every request resolves, nothing rejects unhandled", async () => {
  const unhandled: unknown[] = [];
  const onRejection = (e: PromiseRejectionEvent) => {
    unhandled.push(e.reason);
    e.preventDefault();
  };
  const onError = (e: ErrorEvent) => {
    unhandled.push(e.error);
    e.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  globalThis.addEventListener("error", onError);
  const harness = await startHarness({
    proxy: { max_request_body_bytes: 4096, headers_timeout_ms: 5000, idle_timeout_ms: 5000 },
    tracing: { capture_bodies: true, body_max_size: 64 },
  });
  const rejected: unknown[] = [];
  const internalErrors: string[] = [];
  const statuses = new Map<number, number>();
  let sent = 0;
  let slowest: { ms: number; r: OddRequest | null } = { ms: 0, r: null };

  async function request(r: OddRequest): Promise<void> {
    const controller = new AbortController();
    const headers = new Headers();
    for (const [name, value] of r.headers) headers.append(name, value);
    for (const [name, value] of Object.entries(r.knobs)) headers.set(name, value);
    // A stub that never answers is only for clients that give up; a stub that cannot parse the
    // body answers with an error status rather than failing in its own handler.
    if (r.abort.kind === "after-ms" && r.abort.hang !== null) {
      headers.set("x-stub-hang", r.abort.hang);
    }
    if (r.body.kind === "bytes" && !r.body.valid) headers.set("x-stub-status", "500");
    const withBody = r.body.kind !== "none" && r.method !== "GET" && r.method !== "HEAD";
    const init: RequestInit = { method: r.method, headers, signal: controller.signal };
    if (withBody) init.body = bodyInit(r.body);
    if (r.abort.kind === "before") controller.abort();
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (r.abort.kind === "after-ms") timer = setTimeout(() => controller.abort(), r.abort.ms);
    sent++;
    const started = performance.now();
    try {
      let res: Response;
      try {
        res = await harness.request(r.path, init);
      } catch (error) {
        rejected.push(error);
        return;
      }
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (r.abort.kind === "after-headers") controller.abort();
      await readBody(res, r.read, controller.signal, internalErrors);
    } finally {
      const ms = performance.now() - started;
      if (ms > slowest.ms) slowest = { ms, r };
      clearTimeout(timer);
      // A hung upstream exchange ends once its client is gone.
      if (r.abort.kind === "after-ms" && r.abort.hang !== null) controller.abort();
    }
  }

  try {
    await fc.assert(
      fc.asyncProperty(fc.array(oddRequest, { minLength: 1, maxLength: 6 }), async (batch) => {
        await Promise.all(batch.map(request));
      }),
      { numRuns: 150 },
    );
    const drainStarted = performance.now();
    // Exchanges finish after their Response was returned (streams, aborts); wait for all of them.
    await poll(
      "every exchange to finish",
      () => Promise.resolve(harness.gateway.inflight.size === 0 ? true : undefined),
    );
    // Rejections are reported after the microtask queue drains; give them a turn of the loop.
    await new Promise((r) => setTimeout(r, 0));
    console.log(`sent ${sent} requests; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    console.log(
      `slowest request ${slowest.ms.toFixed(0)} ms: ${
        JSON.stringify({ ...slowest.r, body: slowest.r?.body.kind })
      }`,
    );
    console.log(`drained in ${(performance.now() - drainStarted).toFixed(0)} ms`);
    assert.deepEqual(rejected, [], "every request must resolve to a Response");
    assert.deepEqual(unhandled, [], "no unhandled rejection or uncaught error");
    assert.deepEqual(internalErrors, [], "no request may end as internal_error");
  } finally {
    globalThis.removeEventListener("unhandledrejection", onRejection);
    globalThis.removeEventListener("error", onError);
    await harness.close();
  }
});

/**
 * Reads the body as a client would. A client that leaves after the headers cancels the body, as
 * `Deno.serve` does for a closed connection; aborting the request signal alone tells nothing to
 * a response that has already been handed over.
 */
async function readBody(
  res: Response,
  plan: string,
  signal: AbortSignal,
  internalErrors: string[],
): Promise<void> {
  const reader = res.body?.getReader();
  if (reader === undefined) return;
  const leave = () => void reader.cancel().catch(() => {});
  if (signal.aborted) leave();
  else signal.addEventListener("abort", leave, { once: true });
  try {
    if (plan === "cancel") return await reader.cancel();
    const decoder = new TextDecoder();
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (plan === "first-chunk") return await reader.cancel();
    }
    if (res.status === 500 && text.includes('"internal_error"')) internalErrors.push(text);
  } catch {
    // The body of an aborted or cut exchange errors: that is the client's view of the fault.
  } finally {
    signal.removeEventListener("abort", leave);
  }
}
