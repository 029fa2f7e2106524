/**
 * Running a route function of `gateway.config.ts` (`routes.<name>.targets` given as code). It runs
 * in the gateway's process on the request path, so it gets a frozen, bounded copy of the request
 * facts (no credentials), must answer synchronously, and whatever it does wrong (a throw, a
 * Promise, a malformed answer) becomes a value naming the route, never an exception that escapes.
 */
import { type RouteTargetInput, routeTargetSchema } from "../config/mod.ts";
import type { RouteFunction, RouteRequest } from "../config/mod.ts";
import { providerCredentialHeaders } from "../providers/mod.ts";

/** Bounds of what a function sees: the head is already capped by `server.max_header_bytes`. */
export const maxRouteHeaders = 64;
export const maxRouteHeaderValue = 1024;
const maxTargets = 16;

/** Headers a route function never sees: credentials of the client, the provider or the gateway. */
const alwaysHidden = ["cookie", "proxy-authorization", ...providerCredentialHeaders];

export interface RouteRequestFacts {
  model: string;
  tenant: RouteRequest["tenant"];
  headers: Headers;
  bodyBytes: number;
  path: string;
}

/** The `req` a route function receives; `gatewayKeyHeader` is `auth.header`, also hidden. */
export function routeRequest(facts: RouteRequestFacts, gatewayKeyHeader: string): RouteRequest {
  const hidden = new Set([...alwaysHidden, gatewayKeyHeader].map((h) => h.toLowerCase()));
  const headers: Record<string, string> = {};
  let count = 0;
  // `Headers` iterates names lower-case and sorted, so the cut is the same for the same request.
  for (const [name, value] of facts.headers) {
    if (hidden.has(name)) continue;
    if (count++ >= maxRouteHeaders) break;
    headers[name] = value.length > maxRouteHeaderValue
      ? value.slice(0, maxRouteHeaderValue)
      : value;
  }
  return Object.freeze({
    model: facts.model,
    tenant: Object.freeze({ ...facts.tenant }),
    headers: Object.freeze(headers),
    body_bytes: facts.bodyBytes,
    path: facts.path,
  });
}

/** What a route function answered, checked for shape (providers are checked by the caller). */
export type FunctionAnswer =
  | { ok: true; value: null | string | ParsedTarget[] }
  | { ok: false; message: string; detail: string | null };

export interface ParsedTarget {
  provider: string;
  model: string;
  weight: number;
  on_context_length: boolean;
}

/**
 * Calls `fn` and checks its answer. `message` is for the client (it names the route and what was
 * wrong, never the text of a thrown error, which may hold anything); `detail` is for the log.
 */
export function evaluateRouteFunction(
  name: string,
  fn: RouteFunction,
  req: RouteRequest,
): FunctionAnswer {
  let value: unknown;
  try {
    value = fn(req);
  } catch (error) {
    return fail(name, "threw an error", describeThrown(error));
  }
  if (value === null || value === undefined) return { ok: true, value: null };
  if (typeof value === "string") return { ok: true, value };
  if (isThenable(value)) {
    // Its rejection would be unhandled; nobody waits for it.
    Promise.resolve(value).catch(() => {});
    return fail(name, "returned a Promise; route functions must be synchronous", null);
  }
  if (!Array.isArray(value)) {
    return fail(name, `returned ${kindOf(value)}; expected targets, a route name or null`, null);
  }
  if (value.length === 0) return fail(name, "returned no targets; return null for no route", null);
  if (value.length > maxTargets) {
    return fail(name, `returned ${value.length} targets; at most ${maxTargets}`, null);
  }
  const targets: ParsedTarget[] = [];
  for (const [i, item] of value.entries()) {
    const parsed = routeTargetSchema.safeParse(item as RouteTargetInput);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const at = issue ? issue.path.map((p) => `.${String(p)}`).join("") : "";
      return fail(name, `returned an invalid target: [${i}]${at}: ${issue?.message}`, null);
    }
    targets.push(parsed.data);
  }
  return { ok: true, value: targets };
}

function fail(name: string, what: string, detail: string | null): FunctionAnswer {
  return { ok: false, message: `the route function of routes.${name} ${what}`, detail };
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === "object" && v !== null &&
    typeof (v as { then?: unknown }).then === "function";
}

function kindOf(v: unknown): string {
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

function describeThrown(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 500 ? `${text.slice(0, 500)}...` : text;
}
