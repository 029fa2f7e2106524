/**
 * The one error type of this folder. It imports nothing of the gateway, so the caller (the proxy's
 * upstream-auth step) turns a `CloudAuthError` into a row of the gateway's error table; `reason`
 * says which, without parsing messages. Messages never hold a secret, a token or a signature.
 */

export type CloudAuthErrorReason =
  /** A SigV4 input the signer cannot read: malformed percent-escape, bad date, bad credentials. */
  | "sigv4_invalid_request"
  /** No signing region: none configured and the upstream host names none. */
  | "sigv4_no_region"
  /** The configured AWS credentials are unset or unusable (the caller found them so). */
  | "sigv4_credentials_invalid"
  /** The service-account JSON is no JSON, is not a service-account key, or lacks a field. */
  | "gcp_service_account_invalid"
  /** The token endpoint could not be reached (connection refused, DNS, timeout). */
  | "gcp_token_unreachable"
  /** The token endpoint answered with an error status (Google's `error` and description kept). */
  | "gcp_token_refused"
  /** The token endpoint answered 2xx with something that is no usable token. */
  | "gcp_token_response_invalid"
  /** The request waiting for a token ended first (its client left, a time limit passed). */
  | "gcp_token_wait_aborted";

export class CloudAuthError extends Error {
  readonly reason: CloudAuthErrorReason;
  /** The token endpoint's HTTP status, for `gcp_token_refused`; null otherwise. */
  readonly status: number | null;

  constructor(reason: CloudAuthErrorReason, message: string, status: number | null = null) {
    super(message);
    this.name = "CloudAuthError";
    this.reason = reason;
    this.status = status;
  }
}
