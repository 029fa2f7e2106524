/**
 * Numbered calls both ways over one `MessagePort` between the main isolate and a serving worker
 * (`server.workers`): each side names the operations it answers; a call is one message, its
 * answer another. Errors cross as data (name, message, code) and are rebuilt by the caller.
 */

export interface RpcError {
  name: string;
  message: string;
  code?: unknown;
}

type Message =
  | { kind: "call"; id: number; op: string; args: unknown[] }
  | { kind: "ok"; id: number; value: unknown }
  | { kind: "err"; id: number; error: RpcError };

export type RpcHandlers = Record<string, (...args: never[]) => unknown>;

export interface Rpc {
  call<T = unknown>(op: string, ...args: unknown[]): Promise<T>;
  /** A call whose answer is given up after `limitMs` (a hung isolate must not hold the caller). */
  callWithin<T = unknown>(limitMs: number, op: string, ...args: unknown[]): Promise<T>;
  /** Rejects every call still waiting, and every later one, with `reason`. */
  fail(reason: Error): void;
  close(): void;
}

/** A call whose answer did not come in time (the other isolate hangs, or is gone). */
export class RpcTimeoutError extends Error {
  override name = "RpcTimeoutError";
}

/** Ends a call whose answer never came; no call between isolates should get near it. */
export const defaultCallLimitMs = 120_000;

export interface RpcOptions {
  rebuild?: (e: RpcError) => Error;
  /**
   * Calls from the other side wait for it before they are answered: a worker registers its
   * handlers once its gateway is built, and a call sent before (a reload, a routing change)
   * is answered then rather than refused as unknown.
   */
  handlersReady?: Promise<void>;
}

export function createRpc(port: MessagePort, handlers: RpcHandlers, opts: RpcOptions = {}): Rpc {
  const rebuild = opts.rebuild ?? plainError;
  let next = 0;
  let dead: Error | null = null;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  port.onmessage = (ev: MessageEvent<Message>) => {
    const msg = ev.data;
    if (msg.kind === "call") return void answer(port, handlers, msg, opts.handlersReady);
    const p = pending.get(msg.id);
    if (p === undefined) return;
    pending.delete(msg.id);
    if (msg.kind === "ok") p.resolve(msg.value);
    else p.reject(rebuild(msg.error));
  };
  const callWithin = <T>(limitMs: number, op: string, args: unknown[]): Promise<T> => {
    if (dead !== null) return Promise.reject(dead);
    const id = next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (pending.delete(id)) {
          reject(
            new RpcTimeoutError(`no answer to ${op} from the other isolate within ${limitMs} ms`),
          );
        }
      }, limitMs);
      Deno.unrefTimer(timer);
      pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v as T)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      try {
        port.postMessage({ kind: "call", id, op, args } satisfies Message);
      } catch (err) {
        // An argument that cannot be cloned, or a closed port: the call fails now, not at its
        // time limit, and leaves nothing behind.
        pending.delete(id);
        clearTimeout(timer);
        reject(err);
      }
    });
  };
  return {
    call: <T>(op: string, ...args: unknown[]) => callWithin<T>(defaultCallLimitMs, op, args),
    callWithin: <T>(limitMs: number, op: string, ...args: unknown[]) =>
      callWithin<T>(limitMs, op, args),
    fail(reason) {
      dead = reason;
      for (const p of pending.values()) p.reject(reason);
      pending.clear();
    },
    close() {
      port.close();
    },
  };
}

async function answer(
  port: MessagePort,
  handlers: RpcHandlers,
  msg: { id: number; op: string; args: unknown[] },
  handlersReady: Promise<void> | undefined,
): Promise<void> {
  let reply: Message;
  try {
    if (handlersReady !== undefined) await handlersReady;
    // Own properties only: `toString` or `constructor` is not an operation.
    const handler = Object.hasOwn(handlers, msg.op)
      ? handlers[msg.op] as (...args: unknown[]) => unknown
      : undefined;
    if (handler === undefined) throw new Error(`unknown call between isolates: ${msg.op}`);
    reply = { kind: "ok", id: msg.id, value: await handler(...msg.args) };
  } catch (err) {
    reply = { kind: "err", id: msg.id, error: rpcError(err) };
  }
  try {
    port.postMessage(reply);
  } catch (err) {
    // An answer that cannot be cloned still ends the call, as an error the caller can read
    // (unless the port itself is closed: the other side is gone and waits for nothing).
    try {
      port.postMessage({ kind: "err", id: msg.id, error: rpcError(err) } satisfies Message);
    } catch { /* closed */ }
  }
}

export function rpcError(err: unknown): RpcError {
  if (!(err instanceof Error)) return { name: "Error", message: String(err) };
  const code = (err as Error & { code?: unknown }).code;
  return code === undefined
    ? { name: err.name, message: err.message }
    : { name: err.name, message: err.message, code };
}

function plainError(e: RpcError): Error {
  const err = new Error(e.message);
  err.name = e.name;
  if (e.code !== undefined) (err as Error & { code?: unknown }).code = e.code;
  return err;
}
