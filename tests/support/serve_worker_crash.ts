/**
 * A stand-in serving worker for the restart test: it speaks the main isolate's call protocol
 * (worker_rpc.ts) like src/server/serve_worker.ts, answers ready, and ends its isolate with an
 * uncaught error when told to reload, as a bug in a real worker would.
 */
import { createRpc } from "../../src/server/worker_rpc.ts";
import type { ServeWorkerInit } from "../../src/server/serve_worker_init.ts";

const scope = globalThis as unknown as {
  onmessage: ((ev: MessageEvent<ServeWorkerInit>) => void) | null;
};
scope.onmessage = (ev) => {
  scope.onmessage = null;
  const rpc = createRpc(ev.data.port, {
    collect: () => [],
    refreshKeys: () => {},
    routingSnapshot: () => {},
    shutdown: () => {},
    reload: () => {
      setTimeout(() => {
        throw new Error("a bug in the worker");
      }, 0);
    },
  });
  void rpc.call("ready", {});
};
