/**
 * Property tests for the usage parsers every provider adapter creates: whatever bytes an
 * upstream sends, in whatever pieces, `push` and `finish` never throw, parse errors are a count,
 * and usage is either an exact report of non-negative safe integers or null.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { providerAdapters, type ResponseInfo, type UsageReport } from "../../src/providers/mod.ts";
import { cut } from "./replay.ts";

const enc = new TextEncoder();
const kinds = Object.keys(providerAdapters) as (keyof typeof providerAdapters)[];

const info: fc.Arbitrary<ResponseInfo> = fc.record({
  path: fc.oneof(
    fc.constantFrom(
      "/v1/chat/completions",
      "/v1/responses",
      "/v1/messages",
      "/v1/completions",
      "/v1/embeddings",
      "/v1/models",
      "/v1/messages/count_tokens",
      "/openai/v1/chat/completions/",
      "/v1/responses/resp_1?x=1",
      "/",
    ),
    fc.string({ unit: "binary", maxLength: 20 }),
  ),
  method: fc.constantFrom("POST", "GET", "get", "DELETE", "PATCH"),
  status: fc.constantFrom(200, 201, 299, 304, 400, 429, 500),
  contentType: fc.constantFrom(
    "text/event-stream",
    "TEXT/EVENT-STREAM; charset=utf-8",
    "application/json",
    "application/json; charset=utf-8",
    "application/problem+json",
    "text/plain",
    null,
  ),
  requestedStreaming: fc.boolean(),
  requestModel: fc.option(fc.string({ maxLength: 10 }), { nil: null }),
}, { requiredKeys: ["path", "status", "contentType", "requestedStreaming", "requestModel"] });

/** Token figures as a confused or hostile upstream might send them. */
const count = fc.oneof(
  fc.nat(100_000),
  fc.constantFrom(-1, 0.5, 1e300, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2),
  fc.constantFrom("12", null, true, [], {}),
);
const usageFields = [
  "prompt_tokens",
  "completion_tokens",
  "total_tokens",
  "input_tokens",
  "output_tokens",
  "cache_read_input_tokens",
  "cache_creation_input_tokens",
];
const usage = fc.record({
  ...Object.fromEntries(usageFields.map((f) => [f, count])),
  prompt_tokens_details: fc.record({ cached_tokens: count }),
  completion_tokens_details: fc.record({ reasoning_tokens: count }),
  input_tokens_details: fc.record({ cached_tokens: count }),
  output_tokens_details: fc.record({ reasoning_tokens: count }),
}, { requiredKeys: [] });
const model = fc.oneof(fc.string({ maxLength: 8 }), fc.constant(null), fc.nat());
/** Documents shaped like the events and bodies the readers look for, plus any JSON at all. */
const payload = fc.oneof(
  fc.record({ usage, model }, { requiredKeys: [] }),
  fc.record({
    choices: fc.constantFrom([], [{ finish_reason: "stop" }], [{ finish_reason: null }], "x"),
    usage: fc.oneof(usage, fc.constant(null)),
    model,
  }),
  fc.record({
    type: fc.constantFrom("response.completed", "response.incomplete", "response.failed"),
    response: fc.record({ usage, model }, { requiredKeys: [] }),
  }),
  fc.record({ type: fc.constant("message_start"), message: fc.record({ usage, model }) }),
  fc.record({ type: fc.constant("message_delta"), usage }),
  fc.jsonValue({ maxDepth: 3 }),
);
const eventName = fc.option(
  fc.constantFrom("message_start", "message_delta", "response.completed", "error", "ping", "x"),
  { nil: undefined },
);
const line = fc.constantFrom("\n", "\r\n", "\r");
/** One SSE event, sometimes with odd framing: comments, unknown fields, raw text as data. */
const sseEvent = fc
  .tuple(
    eventName,
    fc.oneof(payload.map((p) => JSON.stringify(p)), fc.string({ unit: "binary", maxLength: 20 })),
    fc.constantFrom("", ": keep-alive", "id: 7", "retry: x", "bogus"),
    line,
  )
  .map(([name, data, extra, nl]) =>
    `${extra === "" ? "" : extra + nl}${name === undefined ? "" : `event: ${name}${nl}`}` +
    `data: ${data.replace(/[\r\n]/g, " ")}${nl}${nl}`
  );
const sseBody = fc.array(sseEvent, { maxLength: 8 }).map((events) => events.join(""));
const body = fc.oneof(
  sseBody.map((s) => enc.encode(s)),
  payload.map((p) => enc.encode(JSON.stringify(p))),
  fc.uint8Array({ maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 200 }).map((s) => enc.encode(s)),
);

function assertSaneReport(report: UsageReport): void {
  assert.ok(Number.isSafeInteger(report.parseErrors) && report.parseErrors >= 0);
  assert.ok(["exact", "unknown", "none"].includes(report.status), report.status);
  if (report.usage === null) {
    assert.notEqual(report.status, "exact");
    return;
  }
  assert.equal(report.status, "exact");
  for (const [field, value] of Object.entries(report.usage)) {
    assert.ok(Number.isSafeInteger(value) && value >= 0, `${field} = ${value}`);
  }
  assert.ok(
    report.model === null || typeof report.model === "string",
    `model ${JSON.stringify(report.model)}`,
  );
}

for (const kind of kinds) {
  Deno.test(`property: the ${kind} usage parser survives any bytes in any pieces`, () => {
    fc.assert(
      fc.property(
        info,
        body,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        (responseInfo, bytes, offsets, complete) => {
          const parser = providerAdapters[kind].createUsageParser(responseInfo);
          for (const piece of cut(bytes, offsets)) parser.push(piece);
          const report = parser.finish(complete);
          assertSaneReport(report);
          // A second finish (a late abort after the end) gives the same report, not a throw.
          assert.deepEqual(parser.finish(!complete), report);
        },
      ),
      { numRuns: 800 },
    );
  });
}

// Found by the property above: each figure was a safe integer, but their sum was not, so the
// trace would have stored an inexact total. Such usage is now unknown rather than wrong.
Deno.test("usage whose sums leave the safe-integer range is reported unknown, not inexact", () => {
  const max = Number.MAX_SAFE_INTEGER;
  const cases = [
    {
      kind: "openai" as const,
      path: "/v1/chat/completions",
      doc: { usage: { prompt_tokens: max, completion_tokens: 1 } },
    },
    {
      kind: "anthropic" as const,
      path: "/v1/messages",
      doc: { usage: { input_tokens: 1, output_tokens: 1, cache_read_input_tokens: max } },
    },
  ];
  for (const c of cases) {
    const parser = providerAdapters[c.kind].createUsageParser({
      path: c.path,
      status: 200,
      contentType: "application/json",
      requestedStreaming: false,
      requestModel: null,
    });
    parser.push(enc.encode(JSON.stringify(c.doc)));
    const report = parser.finish(true);
    assert.equal(report.usage, null, c.kind);
    assert.equal(report.status, "unknown", c.kind);
  }
});
