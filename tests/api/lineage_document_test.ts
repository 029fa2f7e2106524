/**
 * The diffs between checkpoints (reference section 1.6's fields) as a table: changes by SHA-256,
 * byte counts, metadata key lists sorted; and ours: unknown stays null (usage, a body not
 * captured, a body cut at the cap whose kept part matches, bodies the caller may not read).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  canonicalJson,
  type CheckpointDiff,
  checkpointDiffs,
  sha256Hex,
} from "../../src/api/mod.ts";
import type { Trace } from "../../src/traces/trace.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const pair = (a: Partial<Trace>, b: Partial<Trace>, bodiesKnown = true) =>
  checkpointDiffs([makeTrace({ id: "a", ...a }), makeTrace({ id: "b", ...b })], bodiesKnown)[0]!;

const bytes = (s: string) => new TextEncoder().encode(s).byteLength;

const table: Array<[string, Partial<Trace>, Partial<Trace>, Partial<CheckpointDiff>, boolean?]> = [
  ["identical but ids", {}, {}, {
    provider_changed: false,
    model_changed: false,
    request_method_changed: false,
    request_path_changed: false,
    response_status_changed: false,
    input_tokens_delta: 0,
    total_tokens_delta: 0,
    latency_delta_ms: 0,
    estimated_cost_delta_usd: 0,
    request_headers_changed: false,
    response_headers_changed: false,
    request_body_changed: null,
    response_body_changed: null,
    request_body_bytes_from: null,
    metadata_keys_added: [],
    metadata_keys_removed: [],
    metadata_keys_changed: [],
  }],
  ["provider, model, method, path, status", {}, {
    provider: "anthropic",
    model: "claude",
    request_method: "GET",
    request_path: "/x",
    response_status: 500,
  }, {
    provider_changed: true,
    model_changed: true,
    request_method_changed: true,
    request_path_changed: true,
    response_status_changed: true,
  }],
  ["deltas", { input_tokens: 10, output_tokens: 5, total_tokens: 15, latency_ms: 100 }, {
    input_tokens: 7,
    output_tokens: 9,
    total_tokens: 16,
    latency_ms: 40,
  }, {
    input_tokens_delta: -3,
    output_tokens_delta: 4,
    total_tokens_delta: 1,
    latency_delta_ms: -60,
  }],
  ["unknown usage: null deltas", { total_tokens: null, estimated_cost_usd: null }, {}, {
    total_tokens_delta: null,
    estimated_cost_delta_usd: null,
  }],
  ["bodies: changed and sizes", { request_body: "héllo", response_body: "same" }, {
    request_body: "hello",
    response_body: "same",
  }, {
    request_body_changed: true,
    response_body_changed: false,
    request_body_bytes_from: 6,
    request_body_bytes_to: 5,
    response_body_bytes_from: 4,
  }],
  ["one body not captured: unknown", { request_body: "x" }, { request_body: null }, {
    request_body_changed: null,
    request_body_bytes_from: 1,
    request_body_bytes_to: null,
  }],
  [
    "cut at the cap, kept parts equal: unknown",
    {
      request_body: "abc",
      request_body_truncated: true,
    },
    { request_body: "abc" },
    { request_body_changed: null },
  ],
  [
    "cut at the cap, kept parts differ: changed",
    {
      request_body: "abc",
      request_body_truncated: true,
    },
    { request_body: "abd", request_body_truncated: true },
    { request_body_changed: true },
  ],
  ["bodies the caller may not read: all null", { request_body: "a" }, { request_body: "b" }, {
    request_body_changed: null,
    request_body_bytes_from: null,
    request_body_bytes_to: null,
  }, false],
  ["headers: by hash, sizes of the stored JSON", {}, {
    request_headers: { "Content-Type": ["text/plain"] },
  }, {
    request_headers_changed: true,
    request_headers_bytes_to: bytes('{"Content-Type":["text/plain"]}'),
  }],
  ["metadata keys: added, removed, changed (nested key order does not count)", {
    metadata: { a: 1, gone: true, nested: { x: 1, y: 2 }, same: "s", moved: [1] },
  }, {
    metadata: { a: 2, nested: { y: 2, x: 1 }, same: "s", zz: null, moved: [2], b: 0 },
  }, {
    metadata_keys_added: ["b", "zz"],
    metadata_keys_removed: ["gone"],
    metadata_keys_changed: ["a", "moved"],
  }],
];

for (const [name, a, b, want, bodiesKnown] of table) {
  Deno.test(`checkpointDiffs: ${name}`, () => {
    const d = pair(a, b, bodiesKnown ?? true);
    assert.equal(d.from_checkpoint_id, "a");
    assert.equal(d.to_checkpoint_id, "b");
    for (const [k, v] of Object.entries(want)) {
      assert.deepEqual(d[k as keyof CheckpointDiff], v, k);
    }
  });
}

Deno.test("checkpointDiffs: every field of section 1.6, n-1 diffs, none for one trace", () => {
  const d = pair({}, {});
  assert.deepEqual(Object.keys(d).sort(), [
    "estimated_cost_delta_usd",
    "from_checkpoint_id",
    "input_tokens_delta",
    "latency_delta_ms",
    "metadata_keys_added",
    "metadata_keys_changed",
    "metadata_keys_removed",
    "model_changed",
    "output_tokens_delta",
    "provider_changed",
    "request_body_bytes_from",
    "request_body_bytes_to",
    "request_body_changed",
    "request_headers_bytes_from",
    "request_headers_bytes_to",
    "request_headers_changed",
    "request_method_changed",
    "request_path_changed",
    "response_body_bytes_from",
    "response_body_bytes_to",
    "response_body_changed",
    "response_headers_bytes_from",
    "response_headers_bytes_to",
    "response_headers_changed",
    "response_status_changed",
    "to_checkpoint_id",
    "total_tokens_delta",
  ]);
  assert.equal(checkpointDiffs([makeTrace(), makeTrace(), makeTrace()]).length, 2);
  assert.deepEqual(checkpointDiffs([makeTrace()]), []);
});

Deno.test("canonicalJson and sha256Hex", () => {
  assert.equal(canonicalJson({ b: [{ d: 1, c: 2 }], a: null }), '{"a":null,"b":[{"c":2,"d":1}]}');
  assert.equal(sha256Hex("abc"), createHash("sha256").update("abc").digest("hex"));
});
