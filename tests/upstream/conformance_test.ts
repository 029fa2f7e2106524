/**
 * Both upstream clients against the same contract. The fetch client trusts a test CA through
 * a `Deno.HttpClient`, which its `close()` must release too.
 */
import { createFetchClient, createNativeClient } from "../../src/upstream/mod.ts";
import { runUpstreamConformance } from "./conformance.ts";
import { tlsMaterial } from "./tls.ts";

const tls = await tlsMaterial();

runUpstreamConformance({
  name: "native",
  make: (caCerts) => createNativeClient(caCerts ? { tls: { caCerts } } : {}),
}, tls);

runUpstreamConformance({
  name: "fetch",
  make(caCerts) {
    if (!caCerts) return createFetchClient();
    const httpClient = Deno.createHttpClient({ caCerts });
    const inner = createFetchClient((input, init) => fetch(input, { ...init, client: httpClient }));
    return {
      send: inner.send,
      close() {
        inner.close();
        httpClient.close();
      },
    };
  },
}, tls);
