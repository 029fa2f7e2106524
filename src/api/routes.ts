/**
 * The API routes: `/`, `/api/health`, `/api/openapi.json`, `/api/diagnostics/trace-pipeline`,
 * `/api/traces`, `/api/traces/export`, `/api/traces/:id`, the analytics views under
 * `/api/analytics/` (analytics.ts), and `/api/routes` (routes_status.ts). Each is declared in the contract registry
 * (contract/endpoints.ts), which the 405 table and the OpenAPI document are built from; the
 * contract test calls every entry.
 *
 * Errors are thrown as `GatewayError` and never rendered here: this app's `onError` rethrows, so
 * they reach whoever renders errors for the gateway, whether it mounts this app with
 * `app.route("/", api)` (its own `onError`) or calls `api.fetch(req)` (its try/catch).
 */
import { Hono, type MiddlewareHandler } from "hono";
import { errorResponse, GatewayError } from "../errors/mod.ts";
import { applySecurityHeaders } from "../errors/mod.ts";
import { InvalidCursorError, type StoreStats, type TraceStore } from "../store/mod.ts";
import { parseTraceListParams } from "./params.ts";
import { traceDetail } from "./trace_detail.ts";
import { healthBody } from "./health.ts";
import { registerAnalyticsRoutes } from "./analytics.ts";
import { registerReconciliationRoute } from "./reconciliation.ts";
import { type LiveSource, registerLiveRoute } from "./live.ts";
import { registerLineageRoute } from "./lineage_route.ts";
import { registerReplayRoute, type ReplayDeps } from "./replay.ts";
import { registerLineageReplayRoute } from "./lineage_replay.ts";
import { registerLineageForkRoute } from "./lineage_fork.ts";
import { traceDiagnosticsBody } from "./diagnostics.ts";
import { openTraceExport, parseTraceExportParams, withoutBodies } from "./export.ts";
import { exportContentTypes, exportFilename } from "./export_encoding.ts";
import { allowedMethods, endpoints, openApiDocument } from "./contract/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { TraceWriterSnapshot } from "../traces/mod.ts";
import { registerGatewayKeyRoutes } from "./gateway_keys.ts";
import { registerAuditRoutes } from "./audit.ts";
import { registerRoutesStatus, type RoutesSource } from "./routes_status.ts";
import { type ProviderPrefix, routeNotFoundMessage } from "./not_found.ts";
import type { AuditStore, KeyStore } from "../store/mod.ts";
import "./scope.ts";

export interface ApiDeps {
  store: Pick<
    TraceStore,
    | "listTraces"
    | "exportTraces"
    | "getTrace"
    | "stats"
    | "aggregate"
    | "percentiles"
    | "sessions"
    | "failovers"
    | "costLines"
    | "providerReports"
  >;
  writer: { snapshot(): TraceWriterSnapshot };
  version: string;
  /** Epoch ms when the gateway started, for `uptime_sec`. */
  startedAt: number;
  now(): number;
  storageDriver: "sqlite" | "postgres";
  /** Where a failure after a response has started is reported (a broken export). */
  log?: Pick<Logger, "error" | "info">;
  /** Traces per store read in an export; default `exportLimits.pageSize`. */
  exportPageSize?: number;
  /**
   * Run before every API route, e.g. team-mode auth that sets `c.set("scope", ...)` or throws
   * `GatewayError("missing_gateway_key", ...)` (src/auth). Needed when the app is called with `api.fetch`, since
   * middleware added to it afterwards would run after the routes.
   */
  middleware?: readonly MiddlewareHandler[];
  /** Team mode: `/api/health` stays public and so leaves out traffic figures. */
  teamMode?: boolean;
  /** Gateway keys created through the API; without it those routes answer 503. */
  keys?: KeyStore | undefined;
  /** The audit log (`GET /api/audit`); without it those routes answer 503. */
  audit?: AuditStore | undefined;
  /** Keyed digest of a gateway key token; required with `keys`. */
  keyDigest?: (token: string) => string;
  /** After a key change: reload this instance's key ring. */
  onKeysChanged?: () => Promise<void>;
  /**
   * The Prometheus scrape endpoint, when configured (`observability.prometheus.enabled` or the original's `observability.otel.prometheus_enabled`).
   * Not in the contract registry: its path is configurable and its body is not JSON.
   */
  metrics?: { path: string; contentType: string; render(): string | Promise<string> };
  /**
   * The config's providers: named when a path matches nothing (a missing prefix), and by kind the
   * traffic `GET /api/reconciliation` compares with a provider's bill.
   */
  providers?: readonly ProviderPrefix[];
  /** Routing (`GET /api/routes`); absent when no routes or key pools are configured. */
  routes?: RoutesSource | undefined;
  /** `POST /api/traces/{id}/replay`: the gateway's own handler and what it serves. */
  replay?: Pick<ReplayDeps, "send" | "context" | "gatewayKeyHeader"> | undefined;
  /** `GET /api/live`: this process's figures now (server/live.ts); absent: 404. */
  live?: LiveSource | undefined;
}

export function createApiRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  app.onError((err) => {
    throw err;
  });
  app.notFound((c) => {
    throw new GatewayError(
      "route_not_found",
      routeNotFoundMessage(c.req.method, c.req.path, deps.providers ?? []),
    );
  });
  // First, so it wraps every answer of this app; errors get the same headers from
  // `errorResponse`. `no-store` among them: traces can hold prompts and key fingerprints.
  app.use(async (c, next) => {
    await next();
    applySecurityHeaders(c.res.headers);
  });
  for (const mw of deps.middleware ?? []) app.use(mw);
  const metrics = deps.metrics;
  // Matched as a literal path (never a Hono pattern: the path is the config's), after auth.
  if (metrics !== undefined) {
    app.use(async (c, next) => {
      if (c.req.path !== metrics.path) return await next();
      if (c.req.method !== "GET" && c.req.method !== "HEAD") {
        return errorResponse(
          new GatewayError(
            "method_not_allowed",
            `${c.req.method} is not allowed on ${metrics.path}; use GET, HEAD`,
          ),
          { Allow: "GET, HEAD" },
        );
      }
      return c.body(await metrics.render(), 200, { "content-type": metrics.contentType });
    });
  }

  app.get("/", (c) => c.json({ name: "ongoingai gateway", version: deps.version, status: "ok" }));

  app.get("/api/health", async (c) => {
    let stats: StoreStats | null = null;
    try {
      stats = await deps.store.stats();
    } catch {
      // A store that cannot report its size is still worth a health answer.
    }
    return c.json(healthBody({
      version: deps.version,
      startedAt: deps.startedAt,
      now: deps.now(),
      storageDriver: deps.storageDriver,
      writer: deps.writer.snapshot(),
      stats,
      teamMode: deps.teamMode === true,
    }));
  });

  app.get("/api/diagnostics/trace-pipeline", (c) =>
    c.json(traceDiagnosticsBody({
      snapshot: deps.writer.snapshot(),
      storeDriver: deps.storageDriver,
      now: deps.now(),
    })));

  // Built once per app; served as JSON with the running version.
  const openApi = JSON.stringify(openApiDocument(endpoints, { version: deps.version }));
  app.get("/api/openapi.json", (c) => c.body(openApi, 200, { "content-type": "application/json" }));

  app.get("/api/traces", async (c) => {
    const query = parseTraceListParams(new URL(c.req.url).searchParams);
    const scope = c.get("scope");
    try {
      return c.json(await deps.store.listTraces(scope ? { ...query, scope } : query));
    } catch (err) {
      if (err instanceof InvalidCursorError) {
        throw new GatewayError("invalid_parameter", err.message, { parameter: "cursor" });
      }
      throw err;
    }
  });

  // Before `/api/traces/:id`, which would take `export` for an id.
  app.get("/api/traces/export", async (c) => {
    const { filter, format, limit } = parseTraceExportParams(new URL(c.req.url).searchParams);
    const scope = c.get("scope");
    const body = await openTraceExport({
      store: deps.store,
      filter: scope ? { ...filter, scope } : filter,
      format,
      limit,
      ...(deps.exportPageSize === undefined ? {} : { pageSize: deps.exportPageSize }),
      ...(deps.log === undefined ? {} : { log: deps.log }),
      withoutBodies: c.get("hideBodies") === true,
    });
    c.header("Content-Type", exportContentTypes[format]);
    c.header(
      "Content-Disposition",
      `attachment; filename="${exportFilename(format, deps.now())}"`,
    );
    return c.body(body);
  });

  app.get("/api/traces/:id", async (c) => {
    const id = c.req.param("id");
    const trace = await deps.store.getTrace(id, c.get("scope"));
    if (trace === null) {
      const shown = id.length > 128 ? `${id.slice(0, 128)}...` : id;
      throw new GatewayError("not_found", `trace ${shown} not found`);
    }
    const detail = traceDetail(trace);
    return c.json(c.get("hideBodies") === true ? withoutBodies(detail) : detail);
  });

  registerLineageRoute(app, deps.store, deps.now);
  if (deps.replay !== undefined) {
    registerReplayRoute(app, {
      ...deps.replay,
      store: deps.store,
      audit: deps.audit,
      now: deps.now,
      ...(deps.log === undefined ? {} : { log: deps.log }),
    });
  }
  registerLineageReplayRoute(app, deps.store, deps.now);
  registerLineageForkRoute(app, deps.store);
  registerAnalyticsRoutes(app, deps.store);
  registerReconciliationRoute(app, { store: deps.store, providers: deps.providers ?? [] });
  if (deps.live !== undefined) registerLiveRoute(app, deps.live);
  registerRoutesStatus(app, {
    source: deps.routes ?? null,
    now: deps.now,
    ...(deps.log === undefined ? {} : { log: deps.log }),
  });
  registerGatewayKeyRoutes(app, {
    teamMode: deps.teamMode === true,
    keys: deps.keys,
    digest: deps.keyDigest ?? (() => {
      throw new Error("createApiRoutes: keys given without keyDigest");
    }),
    now: deps.now,
    ...(deps.onKeysChanged === undefined ? {} : { onChange: deps.onKeysChanged }),
  });

  registerAuditRoutes(app, {
    audit: deps.audit,
    now: deps.now,
    ...(deps.log === undefined ? {} : { log: deps.log }),
  });

  for (const [path, allow] of allowedMethods(endpoints)) {
    app.on(["POST", "PUT", "PATCH", "DELETE"], path, (c) =>
      // Rendered here rather than thrown: a 405 must carry `Allow`, which a thrown error loses.
      errorResponse(
        new GatewayError(
          "method_not_allowed",
          `${c.req.method} is not allowed on ${path}; use ${allow}`,
        ),
        { Allow: allow },
      ));
  }
  return app;
}
