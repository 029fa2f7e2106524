/**
 * The failover engine's decisions: which route a request asks for and what its attempts are.
 * Pure, time and randomness injected; the proxy does the I/O.
 */
export * from "./types.ts";
export * from "./routes.ts";
