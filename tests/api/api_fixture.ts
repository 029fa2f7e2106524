/**
 * The API app over a real SQLite store in a temporary directory, mounted the way the gateway
 * mounts it, with a test-local error renderer like the gateway's.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { join } from "node:path";
import { type ApiDeps, createApiRoutes } from "../../src/api/mod.ts";
import { errorResponse, GatewayError } from "../../src/errors/mod.ts";
import { openSqliteStore, type TraceStore } from "../../src/store/mod.ts";
import type { Trace, TraceWriterSnapshot } from "../../src/traces/mod.ts";
import { writerSnapshot } from "../testdata/writer_snapshot.ts";

export const startedAt = Date.UTC(2026, 2, 1, 9, 0, 0);
export const now = startedAt + 42_900;

export const writerStats: TraceWriterSnapshot = writerSnapshot();

/** Team mode stand-in: the scope comes from a test header. */
export const scopeFromHeader: MiddlewareHandler = async (c, next) => {
  const raw = c.req.header("x-test-scope");
  if (raw) {
    const [org_id = "", workspace_id = ""] = raw.split("/");
    c.set("scope", { org_id, workspace_id });
  }
  await next();
};

export interface ApiFixture {
  app: Hono;
  api: Hono;
  store: TraceStore;
  get(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function apiFixture(
  traces: readonly Trace[],
  overrides: Partial<ApiDeps> = {},
): Promise<ApiFixture> {
  const store = await openSqliteStore({ path: join(Deno.makeTempDirSync(), "api.db") });
  await store.writeBatch(traces);
  const api = createApiRoutes({
    store,
    writer: { snapshot: () => writerStats },
    version: "1.2.3",
    startedAt,
    now: () => now,
    storageDriver: "sqlite",
    ...overrides,
  });
  const app = new Hono();
  app.onError((err) =>
    errorResponse(
      err instanceof GatewayError ? err : new GatewayError("internal_error", "internal error"),
    )
  );
  app.use(scopeFromHeader);
  app.route("/", api);
  return {
    app,
    api,
    store,
    get: (path, init) => Promise.resolve(app.request(path, init)),
    close: () => store.close(),
  };
}

export async function json(res: Response): Promise<Record<string, unknown>> {
  return await res.json() as Record<string, unknown>;
}
