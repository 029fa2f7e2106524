/**
 * Binding the port: the serving workers of `server.workers` > 1 first (each binds it with
 * `reusePort`), then the main isolate; and the line that says where the gateway listens.
 */
import { resolve } from "node:path";
import type { Logger } from "../log/mod.ts";
import { VERSION } from "../version.ts";
import type { Generations } from "./generations.ts";
import { describeProviders } from "./reload.ts";
import { serveErrorHandler } from "./serve_errors.ts";
import {
  type MainState,
  type ServeWorkers,
  startServeWorkers,
  workerShutdownLimitMs,
} from "./serve_workers.ts";
import { countedByIsolate } from "./worker_deps.ts";
import type { ServeOptions } from "./serve.ts";

/**
 * `server.workers` > 1 needs `reusePort`, which the runtime only offers under `--unstable-net`
 * (without it the first listen ends the process), and the entry module to start workers from.
 */
export function workersPossible(opts: ServeOptions, log: Logger): boolean {
  const workers = opts.config.server.workers;
  // A config built in code without the field (tests) is one isolate too.
  if (!(workers > 1)) return true;
  if (typeof (Deno as unknown as { listenDatagram?: unknown }).listenDatagram !== "function") {
    log.error(
      `server.workers is ${workers}, which needs the runtime's --unstable-net (reusePort): run ` +
        "`deno run -A --unstable-net ...`, or set server.workers to 1",
    );
    return false;
  }
  if (opts.workerModule === undefined || opts.config.server.port === 0) {
    log.error("server.workers > 1 needs a fixed server.port and the program's entry module");
    return false;
  }
  const cores = navigator.hardwareConcurrency;
  if (workers > cores) {
    log.warn(
      "server.workers is more than the cores this machine has; the extra isolates only " +
        "add memory and switching",
      { workers, cores },
    );
  }
  return true;
}

/**
 * The serving workers first (they bind the configured port themselves), so that every isolate
 * takes connections from the moment this one answers; then this isolate. Null (logged) when
 * either fails.
 */
export async function listenAll(
  opts: ServeOptions,
  generations: Generations,
  shared: MainState,
  secret: string,
  log: Logger,
): Promise<{ server: Deno.HttpServer<Deno.NetAddr>; workers: ServeWorkers | null } | null> {
  if (opts.config.server.workers > 1 && !portIsFree(opts, log)) return null;
  const workers = await startWorkers(opts, shared, secret, log);
  if (workers === false) return null;
  const handle = workers === null
    ? generations.handle
    : countedByIsolate(shared.metrics, 0, generations.handle);
  const server = listen(opts, handle, log);
  if (server === null) {
    await workers?.shutdown(workerShutdownLimitMs(opts.config));
    workers?.terminate();
    return null;
  }
  return { server, workers };
}

/**
 * The serving workers (`server.workers` - 1 of them); null for one isolate, false (logged) when
 * they failed.
 */
async function startWorkers(
  opts: ServeOptions,
  shared: MainState,
  secret: string,
  log: Logger,
): Promise<ServeWorkers | null | false> {
  const { config } = opts;
  if (!(config.server.workers > 1) || opts.workerModule === undefined) return null;
  try {
    const workers = await startServeWorkers({
      count: config.server.workers - 1,
      moduleUrl: opts.workerModule,
      config,
      port: config.server.port,
      configSource: opts.configSource,
      cwd: opts.cwd,
      env: opts.env ?? {},
      keyHashSecret: secret,
      startedAt: Date.now(),
      log,
    }, shared);
    log.info("serving workers listening", { workers: config.server.workers - 1 });
    return workers;
  } catch (err) {
    log.error("serving workers failed to start", { error: message(err) });
    return false;
  }
}

/**
 * `reusePort` lets any process of the same user that sets it too bind the port beside this one
 * (another gateway started twice would silently take half the connections): a plain bind first
 * fails, as one isolate's would, when anything listens there already.
 */
function portIsFree(opts: ServeOptions, log: Logger): boolean {
  const { host, port } = opts.config.server;
  try {
    Deno.listen({ hostname: host, port }).close();
    return true;
  } catch (err) {
    logListenFailure(opts, err, log);
    return false;
  }
}

function logListenFailure(opts: ServeOptions, err: unknown, log: Logger): void {
  const { config } = opts;
  log.error(
    err instanceof Deno.errors.AddrInUse
      ? `port ${config.server.port} is already in use on ${config.server.host}; stop the other process or set server.port (ONGOINGAI_PORT)`
      : "failed to listen",
    { error: message(err) },
  );
}

/** Listens; null (logged) when the address cannot be bound. */
function listen(
  opts: ServeOptions,
  handle: Generations["handle"],
  log: Logger,
): Deno.HttpServer<Deno.NetAddr> | null {
  const { config } = opts;
  try {
    return Deno.serve({
      hostname: config.server.host,
      port: config.server.port,
      // Serving workers listen on the same port; the kernel spreads connections over them.
      ...(config.server.workers > 1 ? { reusePort: true } : {}),
      onListen: (addr) => {
        log.info("ongoingai gateway listening", listeningFields(opts, addr));
        opts.onListen?.({ hostname: addr.hostname, port: addr.port });
      },
      // Without it the runtime prints a response body's error with its stack on stderr.
      onError: serveErrorHandler(log),
    }, handle);
  } catch (err) {
    logListenFailure(opts, err, log);
    return null;
  }
}

function listeningFields(opts: ServeOptions, addr: Deno.NetAddr): Record<string, unknown> {
  const { config } = opts;
  return {
    version: VERSION,
    address: `http://${
      addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname
    }:${addr.port}`,
    config: opts.configSource ?? "(built-in defaults)",
    storage: config.storage.driver === "sqlite"
      ? `sqlite ${resolve(opts.cwd, config.storage.path)}`
      : "postgres",
    providers: describeProviders(config),
    auth: config.auth.enabled ? "on" : "off",
    capture_bodies: config.tracing.capture_bodies,
    pii: config.pii.scopes.length > 0
      ? `${config.pii_mode} (${config.pii.scopes.length} scopes)`
      : config.pii_mode,
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
