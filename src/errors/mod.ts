/**
 * The gateway's own answers: one closed set of error codes with their HTTP status, log level and
 * trace code, the JSON error body, and the security headers every answer of ours carries. A leaf:
 * it imports nothing from the gateway, so every floor of the house may use it.
 */
export {
  answerCodes,
  errorBody,
  type ErrorCode,
  errorResponse,
  type ErrorRow,
  errorTable,
  failureTraceCodes,
  GatewayError,
  type LogLevel,
  traceCodeOf,
  type TraceErrorCode,
} from "./errors.ts";
export { applySecurityHeaders, securityHeaders } from "./security_headers.ts";
