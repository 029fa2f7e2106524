/**
 * The composition root: builds a gateway from a config and its dependencies (storage, writer,
 * telemetry) and runs it as a process. Only the CLI and `main.ts` import it; nothing below it
 * does, so the rest of the house never depends on how it is put together.
 */
export { type ConfigLoad, processReloadRequests } from "./reload.ts";
export { keyHashSecret, runServer } from "./serve.ts";
export { isServeWorker, runServeWorker } from "./serve_worker.ts";
