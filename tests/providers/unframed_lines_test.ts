/**
 * `UsageReader.unframed`: lines of an SSE body that are no SSE field (Gemini's raw JSON error
 * object mid-stream) reach the reader whole and in order with the events, however the body is
 * split; readers without the hook see exactly what they saw before.
 */
import assert from "node:assert/strict";
import { createResponseParser, type UsageReader } from "../../src/providers/response_parser.ts";
import type { ResponseInfo } from "../../src/providers/mod.ts";

const info: ResponseInfo = {
  path: "/v1beta/models/m:streamGenerateContent",
  status: 200,
  contentType: "text/event-stream",
  requestedStreaming: true,
  requestModel: "m",
};

const body = 'data: {"n":1}\r\n\r\n' +
  ": a comment\n" +
  "{\n" +
  '  "error": {\n' +
  '    "code": 429,\n' +
  '    "status": "RESOURCE_EXHAUSTED"\n' +
  "  }\n" +
  "}\n" +
  'event: x\ndata: {"n":2}\n\n' +
  "retry: 10\n" +
  'data: {"n":3}\r\r';

function run(chunks: Uint8Array[], withHook: boolean): string[] {
  const seen: string[] = [];
  const reader: UsageReader = {
    documentMembers: [],
    event(data) {
      seen.push(`event ${JSON.stringify(data)}`);
    },
    document() {},
    result: () => ({ model: null, usage: null, final: false }),
  };
  if (withHook) reader.unframed = (line) => void seen.push(`line ${line}`);
  const p = createResponseParser(info, "expected", reader);
  for (const c of chunks) p.push(c);
  p.finish(true);
  return seen;
}

const bytes = new TextEncoder().encode(body);

Deno.test("unframed: non-field lines in order with the events", () => {
  assert.deepEqual(run([bytes], true), [
    'event {"n":1}',
    "line {",
    'line   "error": {',
    'line     "code": 429,',
    'line     "status": "RESOURCE_EXHAUSTED"',
    "line   }",
    "line }",
    'event {"n":2}',
    'event {"n":3}',
  ]);
  assert.deepEqual(run([bytes], false), ['event {"n":1}', 'event {"n":2}', 'event {"n":3}']);
});

Deno.test("unframed: the same at every split offset, and one byte at a time", () => {
  const want = run([bytes], true);
  for (let i = 1; i < bytes.length; i++) {
    assert.deepEqual(run([bytes.subarray(0, i), bytes.subarray(i)], true), want, `split at ${i}`);
  }
  assert.deepEqual(run([...bytes].map((b) => new Uint8Array([b])), true), want);
});
