/**
 * Keeping the serving workers (`server.workers` > 1) going: a worker that fails is started
 * again a bounded number of times, one that stops answering is found by a heartbeat, and the
 * routing snapshots they are sent go out one at a time, the latest.
 */
import type { Logger } from "../log/mod.ts";
import { type Rpc, RpcTimeoutError } from "./worker_rpc.ts";

/**
 * A worker is asked every `everyMs` whether it still answers; one that has not for
 * `hungAfterMs` (its event loop blocked: the kernel still hands it connections) is stopped and
 * started again. Long, as a busy machine can delay an answer by seconds.
 */
export const heartbeat = { everyMs: 5_000, hungAfterMs: 30_000 };

/** At most this many restarts of one worker within `restartWindowMs`; then it stays down. */
const maxRestarts = 3;
const restartWindowMs = 60_000;

/**
 * A serving worker that fails once serving (an uncaught error ends its isolate, and the kernel
 * stops handing it connections when its socket closes) is started again, a bounded number of
 * times, so the process keeps its cores. Failures during startup fail the startup instead.
 */
export function restarter(log: Logger, launch: (index: number) => Promise<void>) {
  let armed = false;
  const times = new Map<number, number[]>();
  return {
    arm: () => void (armed = true),
    stop: () => void (armed = false),
    failed(index: number): void {
      if (!armed) return;
      const now = Date.now();
      const recent = (times.get(index) ?? []).filter((t) => now - t < restartWindowMs);
      if (recent.length >= maxRestarts) {
        log.error("a serving worker failed again; it is not started again", {
          worker: index,
          restarts: recent.length,
        });
        return;
      }
      times.set(index, [...recent, now]);
      launch(index).then(
        () => log.info("serving worker started again", { worker: index }),
        (err) =>
          log.error("a serving worker could not be started again", {
            worker: index,
            error: String(err),
          }),
      );
    },
  };
}

/** Asks the worker every `everyMs`; `hung` when an answer has not come in `hungAfterMs`. */
export function heartbeatOf(rpc: Rpc, beat: typeof heartbeat, hung: () => void) {
  let timer: ReturnType<typeof setInterval> | null = null;
  let asking = false;
  const ask = () => {
    if (asking) return;
    asking = true;
    rpc.callWithin(beat.hungAfterMs, "ping").then(
      () => void (asking = false),
      (err) => {
        asking = false;
        // An error answer is still an answer; only silence means the worker hangs.
        if (err instanceof RpcTimeoutError) hung();
      },
    );
  };
  const stop = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
  };
  return {
    start: () => {
      timer = setInterval(ask, beat.everyMs);
      Deno.unrefTimer(timer);
    },
    stop,
  };
}

/**
 * `send` with the latest value, once at a time: values that arrive while one is being sent
 * replace each other, and only the last is sent after it.
 */
export function coalesced<T>(send: (value: T) => Promise<unknown>): (value: T) => void {
  let sending = false;
  let next: { value: T } | null = null;
  const pump = async () => {
    sending = true;
    while (next !== null) {
      const { value } = next;
      next = null;
      await send(value).catch(() => {});
    }
    sending = false;
  };
  return (value) => {
    next = { value };
    if (!sending) void pump();
  };
}
