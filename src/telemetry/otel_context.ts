/**
 * The OpenTelemetry context manager: the active context follows async work through Deno's
 * `AsyncLocalStorage` (node:async_hooks), so `trace.getActiveSpan()` inside a request, after any
 * number of awaits, is that request's server span.
 *
 * The gateway's request path is not wrapped in a callback it could run inside (`context.with`),
 * so the recorder *enters* the request's context where the exchange starts (`attach`, which is
 * `enterWith`): it holds for the rest of the request's async flow. It also stays on whatever
 * synchronous code ran the handler (Deno's serve loop), so a later request that has no span of
 * its own could see it: `active()` hands out a gateway span's context only while that span is
 * open, and an ended one reads as the root context.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { type Context, type ContextManager, ROOT_CONTEXT, trace } from "@opentelemetry/api";

/** Spans that know when they have ended (the gateway's own; see otel_tracer.ts). */
interface Endable {
  readonly ended: boolean;
}

function isEnded(span: unknown): boolean {
  return typeof span === "object" && span !== null && (span as Partial<Endable>).ended === true;
}

/** A context entered with `attach` (a request's): it expires when its span ends. */
class Attached {
  constructor(readonly context: Context) {}
}

export class AlsContextManager implements ContextManager {
  readonly #als = new AsyncLocalStorage<Context | Attached>();

  active(): Context {
    const ctx = this.#als.getStore();
    if (ctx === undefined) return ROOT_CONTEXT;
    if (!(ctx instanceof Attached)) return ctx;
    // A context entered by a request that has finished (see the module comment).
    return isEnded(trace.getSpan(ctx.context)) ? ROOT_CONTEXT : ctx.context;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#als.run(context, () => fn.call(thisArg, ...args));
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== "function") return target;
    const fn = target as (...a: unknown[]) => unknown;
    const run = (self: unknown, args: unknown[]) => this.with(context, () => fn.apply(self, args));
    return function (this: unknown, ...args: unknown[]) {
      return run(this, args);
    } as T;
  }

  /** The rest of the current async flow runs in `context` (`AsyncLocalStorage.enterWith`). */
  attach(context: Context): { dispose(): void } {
    const previous = this.#als.getStore();
    this.#als.enterWith(new Attached(context));
    return { dispose: () => this.#als.enterWith(previous ?? ROOT_CONTEXT) };
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.#als.disable();
    return this;
  }
}
