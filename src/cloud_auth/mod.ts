/**
 * Credentials the gateway adds itself when it talks to cloud providers: AWS Signature Version 4
 * for Bedrock (a client's signature names the gateway's host and cannot be forwarded) and Google
 * OAuth access tokens from a service account for Vertex AI. Pure over Web Crypto, with the clock
 * and `fetch` injected; imports nothing of the gateway, so the proxy maps `CloudAuthError`
 * reasons onto its error table.
 */
export { CloudAuthError, type CloudAuthErrorReason } from "./cloud_auth_error.ts";
export {
  clientSigV4HeaderNames,
  payloadHash,
  signV4,
  type SigV4Credentials,
  type SigV4Options,
  type SigV4Request,
  type SigV4Scope,
  type SigV4Signature,
  sigV4Signature,
  stripClientSigV4Headers,
} from "./sigv4.ts";
export { bedrockScope, bedrockSigningService, regionOfBedrockHost } from "./bedrock_scope.ts";
export {
  cloudPlatformScope,
  type GcpServiceAccount,
  googleTokenUri,
  parseServiceAccountJson,
} from "./gcp_jwt.ts";
export { type GcpAccessToken, GcpTokenSource, type GcpTokenSourceOptions } from "./gcp_token.ts";
