/**
 * How the gateway talks to providers: one `UpstreamClient` contract with two implementations,
 * a native keep-alive HTTP/1.1 client (the default: about twice the throughput of `fetch` for
 * small exchanges) and an adapter over `fetch` (HTTP/2, proxies, anything unusual).
 */
export type { UpstreamClient, UpstreamRequest, UpstreamResponse } from "./types.ts";
export {
  createNativeClient,
  type NativeClient,
  type NativeClientOptions,
} from "./native_client.ts";
export { createFetchClient } from "./fetch_client.ts";
export { ConnectTimeout } from "./connect.ts";
