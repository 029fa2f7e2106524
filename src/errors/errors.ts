/**
 * One error type for everything the gateway itself answers. The table below is the only place
 * that maps a code to an HTTP status and a log level, and `errorResponse` the only place that turns
 * a `GatewayError` into a response (the API's error handler and the proxy path both call it).
 */
import { applySecurityHeaders } from "./security_headers.ts";

export const errorTable = {
  bad_request: { status: 400, level: "info" },
  invalid_parameter: { status: 400, level: "info" },
  invalid_path: { status: 400, level: "warn" },
  invalid_json: { status: 400, level: "info" },
  unauthorized: { status: 401, level: "warn" },
  missing_gateway_key: { status: 401, level: "info" },
  invalid_gateway_key: { status: 401, level: "warn" },
  forbidden: { status: 403, level: "warn" },
  permission_denied: { status: 403, level: "info" },
  pii_blocked: { status: 403, level: "warn" },
  team_mode_required: { status: 403, level: "info" },
  unconfirmed_gateway_key: { status: 403, level: "warn" },
  grant_refused: { status: 403, level: "warn" },
  not_found: { status: 404, level: "info" },
  route_not_found: { status: 404, level: "info" },
  method_not_allowed: { status: 405, level: "info" },
  request_timeout: { status: 408, level: "info" },
  request_too_large: { status: 413, level: "warn" },
  pii_scan_budget_exceeded: { status: 413, level: "warn" },
  pii_uninspectable: { status: 415, level: "warn" },
  unsupported_media_type: { status: 415, level: "info" },
  misdirected_request: { status: 421, level: "warn" },
  headers_too_large: { status: 431, level: "warn" },
  rate_limited: { status: 429, level: "info" },
  internal_error: { status: 500, level: "error" },
  upstream_unreachable: { status: 502, level: "warn" },
  upstream_redirect: { status: 502, level: "warn" },
  upstream_uninspectable: { status: 502, level: "warn" },
  store_unavailable: { status: 503, level: "error" },
  shutting_down: { status: 503, level: "info" },
  upstream_timeout: { status: 504, level: "warn" },
} as const satisfies Record<string, { status: number; level: "info" | "warn" | "error" }>;

export type ErrorCode = keyof typeof errorTable;

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
}

export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...details } };
}

/**
 * JSON error response, for the few places outside Hono's `onError` (the hot proxy path). It is
 * the gateway's own answer on every route, so it carries the security headers.
 */
export function errorResponse(err: GatewayError, headers?: HeadersInit): Response {
  const h = applySecurityHeaders(new Headers(headers));
  h.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(errorBody(err.code, err.message, err.details)), {
    status: err.status,
    headers: h,
  });
}
