/**
 * `ongoingai top`: a live view of a running gateway (issue 25), built only on `GET /api/live`.
 * On a terminal it draws a screen (`top_screen.ts`); otherwise it writes one plain line per
 * interval, for a log or a pipe, until interrupted or `--count` intervals.
 *
 * The gateway is found as `routes` finds it (`--url`, else the config's address and
 * `auth.header`); the gateway key comes from ONGOINGAI_GATEWAY_KEY (`--gateway-key` is accepted
 * with a warning, as `diagnostics` does: `ps` shows flags). It needs `analytics:read`; the queue
 * figures also `diagnostics:read`.
 */
import {
  colorWanted,
  errorLineOf,
  initialState,
  lineOf,
  liveQuery,
  maxFilterChars,
  type SortKey,
  sortKeys,
} from "../top/mod.ts";
import { parseFlags, UsageError } from "./args.ts";
import { shownUrl } from "./direct_request.ts";
import { type CliCommand, type CliIo, exitCode } from "./io.ts";
import { gatewayKeyEnv, gatewayTarget, warnKeyFlag } from "./routes.ts";
import { fetchLive, type LiveSource } from "./top_fetch.ts";
import { runScreen } from "./top_screen.ts";

const minInterval = 0.2;
const maxInterval = 60;

export const topSpec = {
  name: "top",
  summary: "Watch a running gateway live: rates, cost, streams, queue, busiest, latest requests",
  usage: "ongoingai top [--url URL] [--config PATH] [--interval SECONDS] [--count N] " +
    "[--sort requests|tokens|cost|errors] [--filter TEXT] [--gateway-key TOKEN]",
  flags: [
    ["--url URL", "Gateway base URL, e.g. http://127.0.0.1:8080; default: from the config"],
    ["--config PATH", "Config whose server address and auth.header to use; default: discovered"],
    ["--interval SECONDS", `Seconds between updates, ${minInterval} to ${maxInterval} (default 1)`],
    ["--count N", "Stop after N updates (default: until q, Ctrl-C or a signal)"],
    ["--sort KEY", "Busiest tables by requests (default), tokens, cost or errors"],
    [
      "--filter TEXT",
      "Only requests whose provider, model, key, agent, session or developer holds TEXT (any case)",
    ],
    [
      "--gateway-key TOKEN",
      `Team mode key; prefer ${gatewayKeyEnv} (read when this is absent): ps shows flags`,
    ],
  ],
} as const;

export interface TopArgs {
  url: string | undefined;
  config: string | undefined;
  intervalMs: number;
  count: number | null;
  sort: SortKey;
  filter: string;
  flagKey: string | undefined;
}

export function parseTopArgs(args: string[]): TopArgs {
  const { values } = parseFlags("top", args, {
    url: { type: "string" },
    config: { type: "string" },
    interval: { type: "string" },
    count: { type: "string" },
    sort: { type: "string" },
    filter: { type: "string" },
    "gateway-key": { type: "string" },
  });
  if (values.url !== undefined && values.config !== undefined) {
    throw new UsageError("top: give --url or --config, not both");
  }
  const filter = (values.filter ?? "").trim();
  if ([...filter].length > maxFilterChars) {
    throw new UsageError(`top: --filter is at most ${maxFilterChars} characters`);
  }
  return {
    url: values.url,
    config: values.config,
    intervalMs: Math.round(intervalOf(values.interval) * 1000),
    count: countOf(values.count),
    sort: sortOf(values.sort),
    filter,
    flagKey: values["gateway-key"],
  };
}

function intervalOf(raw: string | undefined): number {
  if (raw === undefined) return 1;
  const n = Number(raw.trim());
  if (raw.trim() === "" || !Number.isFinite(n) || n < minInterval || n > maxInterval) {
    throw new UsageError(
      `top: --interval must be seconds from ${minInterval} to ${maxInterval}, e.g. 1 or 0.5 ` +
        `(got ${JSON.stringify(raw)})`,
    );
  }
  return n;
}

function countOf(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const n = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(
      `top: --count must be a positive whole number (got ${JSON.stringify(raw)})`,
    );
  }
  return n;
}

function sortOf(raw: string | undefined): SortKey {
  if (raw === undefined) return "requests";
  const v = raw.trim().toLowerCase();
  const found = sortKeys.find((k) => k === v);
  if (found === undefined) {
    throw new UsageError(
      `top: --sort must be one of ${sortKeys.join(", ")} (got ${JSON.stringify(raw)})`,
    );
  }
  return found;
}

export const top: CliCommand = async (args, io) => {
  const o = parseTopArgs(args);
  warnKeyFlag(o.flagKey, io);
  const target = await gatewayTarget("top", { url: o.url, config: o.config }, io);
  if (target === null) return exitCode.failure;
  const source: LiveSource = {
    base: target.base,
    header: target.header,
    token: (o.flagKey ?? io.env[gatewayKeyEnv] ?? "").trim(),
    keyFrom: o.flagKey !== undefined ? "--gateway-key" : gatewayKeyEnv,
    // Shorter than the interval, so one request at most is ever in flight.
    timeoutMs: Math.max(100, Math.floor(o.intervalMs * 0.8)),
  };
  if (io.stdoutIsTerminal === true) {
    return await runScreen({
      source,
      shownUrl: shownUrl(target.base),
      intervalMs: o.intervalMs,
      count: o.count,
      sort: o.sort,
      filter: o.filter,
      color: colorWanted(io.env, true),
    });
  }
  return await runLines(o, source, io);
};

/**
 * Line mode: one line per interval on standard output, a failed interval on standard error.
 * Exit 0 when every interval got an answer (or on SIGINT/SIGTERM), 1 when one did not.
 */
async function runLines(o: TopArgs, source: LiveSource, io: CliIo): Promise<number> {
  const stop = stopOnSignals(io.stopSignal);
  const state = initialState({ sort: o.sort, filter: o.filter });
  let failed = false;
  try {
    for (let i = 0; o.count === null || i < o.count; i++) {
      const started = Date.now();
      const outcome = await fetchLive(source, liveQuery(state, null));
      if (outcome.ok) io.stdout(`${lineOf(outcome.doc)}\n`);
      else {
        failed = true;
        io.stderr(`${errorLineOf(new Date(), outcome.message)}\n`);
      }
      if (o.count !== null && i + 1 >= o.count) break;
      if (await stop.sleep(started + o.intervalMs - Date.now())) return exitCode.ok;
    }
  } finally {
    stop.dispose();
  }
  return failed ? exitCode.failure : exitCode.ok;
}

/** SIGINT/SIGTERM (or the caller's signal) end the wait; `sleep` resolves true when stopped. */
function stopOnSignals(outer: AbortSignal | undefined) {
  const controller = new AbortController();
  const onStop = () => controller.abort();
  outer?.addEventListener("abort", onStop);
  const signals: Deno.Signal[] = [];
  for (const s of ["SIGINT", "SIGTERM"] as const) {
    try {
      Deno.addSignalListener(s, onStop);
      signals.push(s);
    } catch {
      // Not on this platform.
    }
  }
  return {
    sleep(ms: number): Promise<boolean> {
      const signal = controller.signal;
      if (signal.aborted) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          signal.removeEventListener("abort", done);
          resolve(false);
        }, Math.max(0, ms));
        const done = () => {
          clearTimeout(timer);
          resolve(true);
        };
        signal.addEventListener("abort", done, { once: true });
      });
    },
    dispose() {
      outer?.removeEventListener("abort", onStop);
      for (const s of signals) Deno.removeSignalListener(s, onStop);
    },
  };
}
