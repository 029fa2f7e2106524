/**
 * The one error table: every code has a status and a level, and every trace code is recorded for
 * exactly the gateway errors it was recorded for before the table had a trace column (traces in
 * databases keep their meaning).
 */
import assert from "node:assert/strict";
import {
  answerCodes,
  errorBody,
  type ErrorCode,
  errorTable,
  failureTraceCodes,
  GatewayError,
  traceCodeOf,
  type TraceErrorCode,
} from "../../src/errors/mod.ts";

/** Trace code -> the error codes that record it; written out by hand, on purpose. */
const expectedTrace: Record<TraceErrorCode, ErrorCode[]> = {
  upstream_unreachable: [
    "route_no_target",
    "upstream_credentials_unavailable",
    "upstream_unreachable",
    "websocket_route_unavailable",
  ],
  upstream_timeout: ["upstream_timeout"],
  upstream_idle_timeout: ["upstream_idle_timeout"],
  upstream_truncated: [
    "upstream_malformed_stream",
    "upstream_truncated",
    "upstream_untranslatable",
  ],
  upstream_redirect: ["upstream_redirect"],
  client_aborted: ["client_aborted"],
  request_too_large: ["request_too_large"],
  request_timeout: ["request_timeout"],
  bad_request: [
    "bad_request",
    "invalid_provider_path",
    "previous_response_not_found",
    "translation_unsupported",
  ],
  rate_limited: ["rate_limited"],
  pii_blocked: ["pii_blocked"],
  pii_uninspectable: ["pii_scan_budget_exceeded", "pii_uninspectable", "upstream_uninspectable"],
  shutdown: ["shutting_down"],
  internal_error: [
    "internal_error",
    "route_function_failed",
    "store_unavailable",
    "upstream_credentials_invalid",
  ],
};

/** What telemetry marks as a failed span (it was a hand-written set in telemetry/spans.ts). */
const expectedFailures: TraceErrorCode[] = [
  "upstream_unreachable",
  "upstream_timeout",
  "upstream_idle_timeout",
  "upstream_truncated",
  "upstream_redirect",
  "request_timeout",
  "pii_uninspectable",
  "shutdown",
  "internal_error",
];

/** The statuses clients get, unchanged since before the table had a trace column. */
const expectedStatus: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_parameter: 400,
  invalid_path: 400,
  invalid_provider_path: 400,
  translation_unsupported: 400,
  previous_response_not_found: 404,
  invalid_json: 400,
  unauthorized: 401,
  missing_gateway_key: 401,
  invalid_gateway_key: 401,
  forbidden: 403,
  permission_denied: 403,
  pii_blocked: 403,
  team_mode_required: 403,
  unconfirmed_gateway_key: 403,
  grant_refused: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  not_replayable: 409,
  request_timeout: 408,
  request_too_large: 413,
  pii_scan_budget_exceeded: 413,
  pii_uninspectable: 415,
  unsupported_media_type: 415,
  misdirected_request: 421,
  websocket_not_relayed: 426,
  websocket_upstream_refused: 426,
  websocket_upstream_unreachable: 426,
  headers_too_large: 431,
  rate_limited: 429,
  internal_error: 500,
  route_function_failed: 500,
  route_no_target: 503,
  websocket_route_unavailable: 400,
  upstream_unreachable: 502,
  upstream_redirect: 502,
  upstream_credentials_unavailable: 502,
  upstream_credentials_invalid: 500,
  upstream_uninspectable: 502,
  store_unavailable: 503,
  shutting_down: 503,
  upstream_timeout: 504,
  upstream_idle_timeout: 504,
  upstream_truncated: 502,
  upstream_untranslatable: 502,
  upstream_malformed_stream: 502,
  client_aborted: 499,
};

const codes = Object.keys(errorTable) as ErrorCode[];

Deno.test("error table: every code has its status and a log level", () => {
  for (const code of codes) {
    const row = errorTable[code];
    assert.equal(row.status, expectedStatus[code], code);
    assert.ok(["info", "warn", "error"].includes(row.level), code);
  }
  assert.deepEqual(codes.toSorted(), Object.keys(expectedStatus).toSorted());
});

Deno.test("error table: each trace code is recorded for exactly the codes it was before", () => {
  const actual: Record<string, ErrorCode[]> = {};
  for (const code of codes) {
    const trace = errorTable[code].trace;
    if (trace !== null) (actual[trace] ??= []).push(code);
  }
  for (const list of Object.values(actual)) list.sort();
  const want = Object.fromEntries(
    Object.entries(expectedTrace).map(([k, v]) => [k, v.toSorted()]),
  );
  assert.deepEqual(actual, want);
});

Deno.test("error table: an untraced code reaching the proxy path records internal_error", () => {
  for (const code of codes) {
    const want = errorTable[code].trace ?? "internal_error";
    assert.equal(traceCodeOf(code), want, code);
    assert.equal(new GatewayError(code, "m").trace, want, code);
  }
});

Deno.test("error table: failed spans are the same trace codes as before", () => {
  assert.deepEqual([...failureTraceCodes].toSorted(), expectedFailures.toSorted());
  // Rows sharing a trace code agree on whether it is a failure.
  for (const code of codes) {
    const row: { trace: string | null; failure?: true } = errorTable[code];
    if (row.trace === null) continue;
    assert.equal(row.failure === true, failureTraceCodes.has(row.trace as TraceErrorCode), code);
  }
});

Deno.test("error table: codes known only after the upstream answered are answered as before", () => {
  const cases: [ErrorCode, string | null][] = [
    ["upstream_idle_timeout", "upstream_timeout"],
    ["upstream_truncated", "upstream_unreachable"],
    ["upstream_malformed_stream", "upstream_unreachable"],
    ["client_aborted", null],
  ];
  for (const [code, answer] of cases) {
    assert.ok(!answerCodes.includes(code), code);
    const row: { answer?: string | null; status: number } = errorTable[code];
    assert.equal(row.answer, answer, code);
    if (answer !== null) {
      assert.equal(errorBody(code, "m").error.code, answer);
      assert.equal(errorTable[answer as ErrorCode].status, row.status, code);
    }
  }
  assert.deepEqual(answerCodes, codes.filter((c) => !cases.some(([k]) => k === c)));
});
