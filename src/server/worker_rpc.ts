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
  /** Rejects every call still waiting, and every later one, with `reason`. */
  fail(reason: Error): void;
  close(): void;
}

/** Ends a call whose answer never came; no call between isolates should get near it. */
const callLimitMs = 120_000;

export function createRpc(
  port: MessagePort,
  handlers: RpcHandlers,
  rebuild: (e: RpcError) => Error = plainError,
): Rpc {
  let next = 0;
  let dead: Error | null = null;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  port.onmessage = (ev: MessageEvent<Message>) => {
    const msg = ev.data;
    if (msg.kind === "call") return void answer(port, handlers, msg);
    const p = pending.get(msg.id);
    if (p === undefined) return;
    pending.delete(msg.id);
    if (msg.kind === "ok") p.resolve(msg.value);
    else p.reject(rebuild(msg.error));
  };
  return {
    call<T>(op: string, ...args: unknown[]): Promise<T> {
      if (dead !== null) return Promise.reject(dead);
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          if (pending.delete(id)) reject(new Error(`no answer to ${op} from the other isolate`));
        }, callLimitMs);
        Deno.unrefTimer(timer);
        pending.set(id, {
          resolve: (v) => (clearTimeout(timer), resolve(v as T)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
        port.postMessage({ kind: "call", id, op, args } satisfies Message);
      });
    },
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
): Promise<void> {
  try {
    const handler = handlers[msg.op] as ((...args: unknown[]) => unknown) | undefined;
    if (handler === undefined) throw new Error(`unknown call between isolates: ${msg.op}`);
    const value = await handler(...msg.args);
    port.postMessage({ kind: "ok", id: msg.id, value } satisfies Message);
  } catch (err) {
    port.postMessage({ kind: "err", id: msg.id, error: rpcError(err) } satisfies Message);
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
