/**
 * The `ongoingai` executable: `deno run -A src/main.ts <command>` and the compiled binary are
 * the same program. The same module also serves as the trace store's worker thread (see
 * src/store/worker_store.ts) and as each serving worker of `server.workers`
 * (src/server/serve_worker.ts), so a bundle or binary carries no second entry point.
 */
import { processIo, runCli } from "./cli/mod.ts";
import { isServeWorker, processReloadRequests, runServeWorker } from "./server/mod.ts";
import { isStoreWorker, runStoreWorker } from "./store/mod.ts";

async function main(): Promise<never> {
  const stop = new AbortController();
  const signals: Deno.Signal[] = Deno.build.os === "windows"
    ? ["SIGINT", "SIGBREAK"]
    : ["SIGINT", "SIGTERM"];
  const onSignal = () => {
    // The second signal means "now": skip the graceful drain.
    if (stop.signal.aborted) Deno.exit(130);
    stop.abort();
  };
  const wantsSignals = Deno.args.length === 0 || Deno.args[0] === "serve" ||
    Deno.args[0]?.startsWith("--");
  if (wantsSignals) {
    for (const s of signals) Deno.addSignalListener(s, onSignal);
    // SIGHUP's default action ends the process; here it asks for a config reload instead.
    // Registered before the config is read, so a SIGHUP during startup cannot kill the gateway.
    // Windows has no SIGHUP.
    if (Deno.build.os !== "windows") {
      Deno.addSignalListener("SIGHUP", () => processReloadRequests.request());
    }
  }
  Deno.exit(await runCli(Deno.args, processIo(stop.signal)));
}

if (isStoreWorker()) runStoreWorker();
else if (isServeWorker()) runServeWorker();
else await main();
