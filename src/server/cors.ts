/**
 * CORS, off unless `server.cors.allowed_origins` lists origins. The gateway decides alone:
 * upstream `Access-Control-*` headers never reach the client (src/proxy/headers.ts), so a
 * provider's permissive CORS cannot open the gateway to every web page.
 *
 * Origins match exactly, as the browser serialises them: no wildcards, no substring or suffix
 * checks (`https://app.example.com.evil.io` is not `https://app.example.com`), and the answer
 * names the one matched origin, never `*`. `Access-Control-Allow-Credentials` is never sent:
 * every credential the gateway takes travels in a header a script sets, not in a cookie.
 *
 * CORS only decides what a page may read. A "simple" request (`text/plain` POST, a form, an
 * `<img>`) is sent without a preflight, and the gateway would act on it: forward it upstream,
 * trace it, change keys. So an actual request from a page whose origin is not allowed is refused
 * too (`crossSite`): by its `Origin`, which browsers send on every cross-origin request but
 * no-cors GETs, and for those by fetch metadata (`Sec-Fetch-Site`). Programs send neither: the
 * official SDKs in Node, curl and agents are unaffected, and a browser SDK works from an origin in
 * `allowed_origins`, as its preflights already required.
 */
import { applySecurityHeaders, errorResponse, GatewayError } from "../errors/mod.ts";

export interface CorsConfig {
  /** Serialised origins (`https://app.example.com`); empty means off. */
  allowed_origins: readonly string[];
  /** Lower-case header names; default: whatever the preflight asks for. */
  allowed_headers?: readonly string[] | undefined;
  max_age_s?: number | undefined;
}

export interface Cors {
  /**
   * The gateway's own answer to a preflight (never forwarded, never traced); null when `req`
   * is not one.
   */
  preflight(req: Request): Response | null;
  /**
   * 403 for an actual (not preflight) request from a page that may not call the gateway: an
   * `Origin` not allowed (`null` included), or, without `Origin`, `Sec-Fetch-Site` saying
   * another site sent it. Top-level GET navigations pass: their answer goes to the user, not to
   * a page. Null when the request may go on.
   */
  crossSite(req: Request): Response | null;
  /** Marks an actual response for the request's origin, in place when its headers allow. */
  decorate(req: Request, res: Response): Response;
}

const allowedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE";
/** Beyond the CORS-safelisted ones: what a page needs to read off an answer. */
const exposedHeaders = "x-ongoingai-correlation-id, retry-after, x-ongoingai-replay-of, " +
  "x-ongoingai-trace-id, x-ongoingai-replay-changed, x-ongoingai-replay-notes";
const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function isPreflight(req: Request): boolean {
  return req.method === "OPTIONS" && req.headers.has("origin") &&
    req.headers.has("access-control-request-method");
}

export function createCors(config: CorsConfig): Cors {
  const origins = new Set(config.allowed_origins);
  const on = origins.size > 0;
  const fixedHeaders = config.allowed_headers?.join(", ");

  /** The request's origin when it is one of the allowed, else null. */
  const allowed = (req: Request): string | null => {
    const origin = req.headers.get("origin");
    return origin !== null && origins.has(origin) ? origin : null;
  };

  return {
    preflight(req) {
      if (!isPreflight(req)) return null;
      const origin = allowed(req);
      if (origin === null) return refusal(req.headers.get("origin")!, on);
      const headers = applySecurityHeaders(
        new Headers({
          "access-control-allow-origin": origin,
          "access-control-allow-methods": allowedMethods,
          vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        }),
      );
      const allowHeaders = fixedHeaders ??
        requestedHeaders(req.headers.get("access-control-request-headers"));
      if (allowHeaders) headers.set("access-control-allow-headers", allowHeaders);
      if (config.max_age_s !== undefined) {
        headers.set("access-control-max-age", String(config.max_age_s));
      }
      return new Response(null, { status: 204, headers });
    },
    crossSite(req) {
      const origin = req.headers.get("origin");
      if (origin !== null) return origins.has(origin) ? null : refusal(origin, on);
      const site = req.headers.get("sec-fetch-site");
      if (site !== "cross-site" && site !== "same-site") return null;
      const navigation = req.headers.get("sec-fetch-mode") === "navigate" &&
        (req.method === "GET" || req.method === "HEAD");
      return navigation ? null : errorResponse(
        new GatewayError(
          "forbidden",
          `a request another site's page sent (Sec-Fetch-Site: ${site}) without an allowed ` +
            "Origin is refused; a page that must call the gateway needs its origin in " +
            "server.cors.allowed_origins",
        ),
      );
    },
    decorate(req, res) {
      if (!on) return res;
      const origin = allowed(req);
      try {
        markFor(origin, res.headers);
        return res;
      } catch {
        // Immutable headers (a `Response.error()` or a fetched response): copy, then mark.
        const copy = new Response(res.body, res);
        markFor(origin, copy.headers);
        return copy;
      }
    },
  };
}

/** Only well-formed header names are echoed back: the list is attacker-written. */
function requestedHeaders(value: string | null): string {
  if (value === null) return "";
  return value.split(",").map((s) => s.trim().toLowerCase()).filter((s) => token.test(s))
    .join(", ");
}

function refusal(origin: string, on: boolean): Response {
  const shown = origin.length > 200 ? `${origin.slice(0, 200)}...` : origin;
  return errorResponse(
    new GatewayError(
      "forbidden",
      on
        ? `origin ${shown} is not allowed to call the gateway from a browser; add it to ` +
          "server.cors.allowed_origins"
        : `CORS is off, so no browser page may call the gateway (origin ${shown}); list the ` +
          "origins that may in server.cors.allowed_origins",
    ),
  );
}

/**
 * Every answer varies by Origin once CORS is on: a cache must not hand one origin's answer (with
 * or without Allow-Origin) to another.
 */
function markFor(origin: string | null, headers: Headers): void {
  headers.append("vary", "Origin");
  if (origin === null) return;
  headers.set("access-control-allow-origin", origin);
  headers.set("access-control-expose-headers", exposedHeaders);
}
