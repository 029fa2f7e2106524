/**
 * A stand-in serving worker for the restart tests: it speaks the main isolate's call protocol
 * (worker_rpc.ts) like src/server/serve_worker.ts, reports drops and a counter as a worker that
 * served would, answers ready, and then misbehaves on command as a bug would: told to reload, it
 * ends its isolate with an uncaught error; told to reload keys, it blocks its event loop forever.
 */
import { createRpc } from "../../src/server/worker_rpc.ts";
import type { ServeWorkerInit } from "../../src/server/serve_worker_init.ts";
import type { MetricFamily } from "../../src/telemetry/mod.ts";
import { droppedByEach, servedByEach } from "./serve_worker_crash_figures.ts";

const served: MetricFamily = {
  type: "counter",
  name: "stub_requests_total",
  help: "Requests this stand-in served.",
  labelNames: ["isolate"],
  points: [{ labelValues: ["1"], value: servedByEach }],
};

const scope = globalThis as unknown as {
  onmessage: ((ev: MessageEvent<ServeWorkerInit>) => void) | null;
};
scope.onmessage = async (ev) => {
  scope.onmessage = null;
  const rpc = createRpc(ev.data.port, {
    ping: () => true,
    collect: () => [served],
    refreshKeys: () => {
      for (;;) { /* a bug that never yields */ }
    },
    routingSnapshot: () => {},
    shutdown: () => {},
    reload: () => {
      setTimeout(() => {
        throw new Error("a bug in the worker");
      }, 0);
    },
  });
  await rpc.call("writer", droppedByEach);
  void rpc.call("ready", {});
};
