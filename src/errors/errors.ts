/**
 * One error vocabulary for the whole gateway. The table below is the only place that maps a code
 * to the HTTP status it is answered with, the level it is logged at, and the code a trace records
 * for it (traces store that column, so its strings never change meaning). `errorResponse` is the
 * only place that turns a `GatewayError` into a response. There is no single `app.onError`: the
 * API app's handler rethrows to the gateway's request handler, which calls `errorResponse`, and the
 * proxy path and the CORS check call it themselves.
 */
import { applySecurityHeaders } from "./security_headers.ts";

export type LogLevel = "info" | "warn" | "error";

export interface ErrorRow {
  /** The HTTP status of the answer (499 for a client that left: recorded, never sent). */
  readonly status: number;
  /** The level the gateway logs this failure at, where it logs it. */
  readonly level: LogLevel;
  /** The trace's `error_code` for it; null when such a request is never traced. */
  readonly trace: string | null;
  /** A failure of the gateway or the upstream (span status error), not a refusal or the client. */
  readonly failure?: true;
  /**
   * The upstream did not take the request (never reached, or it answered with a redirect): what
   * it sent is not an answer to read usage from.
   */
  readonly notTaken?: true;
  /**
   * Codes that only exist once the upstream answered: the code a client reads in the error body
   * when it can still be answered (a body that broke before any of it was sent); null: nobody is
   * left to answer. Absent: the row's own code.
   */
  readonly answer?: string | null;
}

export const errorTable = {
  bad_request: { status: 400, level: "info", trace: "bad_request" },
  invalid_parameter: { status: 400, level: "info", trace: null },
  invalid_path: { status: 400, level: "warn", trace: null },
  /** A path the provider's kind has no form of (Azure: none of its three path forms). */
  invalid_provider_path: { status: 400, level: "info", trace: "bad_request" },
  invalid_json: { status: 400, level: "info", trace: null },
  /** A routed request a target's protocol cannot carry (issue 21): the field and why. */
  translation_unsupported: { status: 400, level: "info", trace: "bad_request" },
  unauthorized: { status: 401, level: "warn", trace: null },
  missing_gateway_key: { status: 401, level: "info", trace: null },
  invalid_gateway_key: { status: 401, level: "warn", trace: null },
  forbidden: { status: 403, level: "warn", trace: null },
  permission_denied: { status: 403, level: "info", trace: null },
  pii_blocked: { status: 403, level: "warn", trace: "pii_blocked" },
  team_mode_required: { status: 403, level: "info", trace: null },
  unconfirmed_gateway_key: { status: 403, level: "warn", trace: null },
  grant_refused: { status: 403, level: "warn", trace: null },
  not_found: { status: 404, level: "info", trace: null },
  route_not_found: { status: 404, level: "info", trace: null },
  /** A translated Responses request names a turn the gateway's store does not hold (issue 21). */
  previous_response_not_found: { status: 404, level: "info", trace: "bad_request" },
  method_not_allowed: { status: 405, level: "info", trace: null },
  // A stored request that cannot be sent again as it was (api/replay_plan.ts says why).
  not_replayable: { status: 409, level: "info", trace: null },
  request_timeout: { status: 408, level: "info", trace: "request_timeout", failure: true },
  request_too_large: { status: 413, level: "warn", trace: "request_too_large" },
  pii_scan_budget_exceeded: {
    status: 413,
    level: "warn",
    trace: "pii_uninspectable",
    failure: true,
  },
  pii_uninspectable: { status: 415, level: "warn", trace: "pii_uninspectable", failure: true },
  unsupported_media_type: { status: 415, level: "info", trace: null },
  misdirected_request: { status: 421, level: "warn", trace: null },
  websocket_not_relayed: { status: 426, level: "info", trace: null },
  // The WebSocket relay dialed the upstream first and could not open it: 426, the answer Codex
  // falls back to HTTPS on at once (ws_relay/). Nothing was asked of the model: not traced.
  websocket_upstream_refused: { status: 426, level: "warn", trace: null },
  websocket_upstream_unreachable: { status: 426, level: "warn", trace: null },
  headers_too_large: { status: 431, level: "warn", trace: null },
  rate_limited: { status: 429, level: "info", trace: "rate_limited" },
  internal_error: { status: 500, level: "error", trace: "internal_error", failure: true },
  // A route function of gateway.config.ts threw or returned what is not a route: the operator's
  // code failed, not the gateway; the request is answered 500 and nothing is forwarded.
  route_function_failed: {
    status: 500,
    level: "error",
    trace: "internal_error",
    failure: true,
  },
  // A route's targets are all out of this request's reach (its key is for another provider, no
  // pool key serves it): nothing was forwarded.
  route_no_target: {
    status: 503,
    level: "warn",
    trace: "upstream_unreachable",
    failure: true,
    notTaken: true,
  },
  // A `response.create` on a relayed WebSocket names a route none of whose targets this socket's
  // upstream can serve (another provider, breakers open): answered in the socket with the
  // protocol's error event, which tells the client to use HTTP. A 4xx: the same create on the
  // same socket cannot succeed, so a client must not retry it there.
  websocket_route_unavailable: {
    status: 400,
    level: "info",
    trace: "upstream_unreachable",
    failure: true,
    notTaken: true,
  },
  upstream_unreachable: {
    status: 502,
    level: "warn",
    trace: "upstream_unreachable",
    failure: true,
    notTaken: true,
  },
  // The gateway's own cloud credentials for the provider could not be had: the OAuth token
  // endpoint was unreachable or refused the service account. Nothing was sent upstream.
  upstream_credentials_unavailable: {
    status: 502,
    level: "error",
    trace: "upstream_unreachable",
    failure: true,
    notTaken: true,
  },
  // The gateway's own cloud credentials cannot be used as configured (no region to sign for, a
  // service-account key Web Crypto cannot read): `ongoingai check` says what to change.
  upstream_credentials_invalid: {
    status: 500,
    level: "error",
    trace: "internal_error",
    failure: true,
    notTaken: true,
  },
  upstream_redirect: {
    status: 502,
    level: "warn",
    trace: "upstream_redirect",
    failure: true,
    notTaken: true,
  },
  upstream_uninspectable: {
    status: 502,
    level: "warn",
    trace: "pii_uninspectable",
    failure: true,
  },
  store_unavailable: { status: 503, level: "error", trace: "internal_error", failure: true },
  shutting_down: { status: 503, level: "info", trace: "shutdown", failure: true },
  upstream_timeout: { status: 504, level: "warn", trace: "upstream_timeout", failure: true },
  // After the upstream's headers: the exchange usually ends mid-stream, with nobody to answer.
  upstream_idle_timeout: {
    status: 504,
    level: "warn",
    trace: "upstream_idle_timeout",
    failure: true,
    answer: "upstream_timeout",
  },
  upstream_truncated: {
    status: 502,
    level: "warn",
    trace: "upstream_truncated",
    failure: true,
    answer: "upstream_unreachable",
  },
  // A routed stream, after its commit point, sent an event that is not its protocol's: the
  // client's stream ends before that event with the protocol's error event, which the SDKs raise.
  // The client holds an incomplete answer: traced as cut short, like a break.
  upstream_malformed_stream: {
    status: 502,
    level: "warn",
    trace: "upstream_truncated",
    failure: true,
    answer: "upstream_unreachable",
  },
  // A translated answer the gateway could not read in the upstream's protocol: the client holds
  // no answer it can use, traced like a broken stream.
  upstream_untranslatable: {
    status: 502,
    level: "warn",
    trace: "upstream_truncated",
    failure: true,
  },
  // 499 (nginx's "client closed request"): the trace keeps it, nobody reads it.
  client_aborted: { status: 499, level: "info", trace: "client_aborted", answer: null },
} as const satisfies Record<string, ErrorRow>;

export type ErrorCode = keyof typeof errorTable;

/** Why a request did not end as a normal, complete upstream exchange: the table's trace column. */
export type TraceErrorCode = NonNullable<(typeof errorTable)[ErrorCode]["trace"]>;

type Row = (typeof errorTable)[ErrorCode];
const rows = Object.entries(errorTable) as [ErrorCode, Row & ErrorRow][];

/** The codes a client can read in an error body (the OpenAPI document's list), in table order. */
export const answerCodes = rows.filter(([, row]) => row.answer === undefined).map(([code]) =>
  code
) as [ErrorCode, ...ErrorCode[]];

/** Trace codes that record a failure of the gateway or the upstream (span status error). */
export const failureTraceCodes: ReadonlySet<TraceErrorCode> = new Set(
  rows.flatMap(([, row]) => row.failure === true && row.trace !== null ? [row.trace] : []),
);

export class GatewayError extends Error {
  readonly code: ErrorCode;
  /** Extra JSON fields for the error body, e.g. `{ parameter: "limit" }`. Never secrets. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "GatewayError";
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return errorTable[this.code].status;
  }

  /** What a trace records for this error. */
  get trace(): TraceErrorCode {
    return traceCodeOf(this.code);
  }
}

/**
 * The trace code for an error the proxy path meets. Codes the table never traces (auth and API
 * refusals, answered before the forwarder) record as an internal error should one get there.
 */
export function traceCodeOf(code: ErrorCode): TraceErrorCode {
  return errorTable[code].trace ?? "internal_error";
}

export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>) {
  const row: ErrorRow = errorTable[code];
  return { error: { code: (row.answer ?? code) as ErrorCode, message, ...details } };
}

/**
 * The JSON error response. It is the gateway's own answer on every route, so it carries the
 * security headers.
 */
export function errorResponse(err: GatewayError, headers?: HeadersInit): Response {
  const h = applySecurityHeaders(new Headers(headers));
  h.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(errorBody(err.code, err.message, err.details)), {
    status: err.status,
    headers: h,
  });
}
