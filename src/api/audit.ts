/**
 * `GET /api/audit` and `GET /api/audit/export` (issue 22): the audit log, newest first, within
 * the caller's tenant (team mode); a key that also holds the operator permission
 * `diagnostics:read` sees the gateway-wide entries (config reloads, pooled provider keys) too.
 * The list pages with a cursor like the trace list; the export streams NDJSON page by page (one
 * page in memory whatever the log's size), each line an entry exactly as hashed, so a copy can be
 * verified away from the gateway.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../errors/mod.ts";
import {
  type AuditEntry,
  type AuditQuery,
  type AuditStore,
  defaultAuditListLimit,
  InvalidCursorError,
  maxAuditListLimit,
} from "../store/mod.ts";
import type { Logger } from "../log/mod.ts";
import { invalidParameter, parseQuery } from "./query.ts";
import { integer, text, timestamp } from "./query_params.ts";

const auditJsonSchema = z.unknown().describe("JSON: objects, arrays, strings, integers, null.");

export const auditEntrySchema = z.object({
  seq: z.int().describe("Position in the one chain, from 1 without holes."),
  at: z.string().describe("When, RFC 3339 UTC with milliseconds."),
  actor: z.string().describe("Who: a gateway key id, `cli`, `system` or `gateway`."),
  tenant: z.object({ org_id: z.string(), workspace_id: z.string() }).nullable().describe(
    "The tenant the event belongs to; null for gateway-wide events.",
  ),
  action: z.string().describe("What happened, such as `gateway_key.created`."),
  target: z.string().describe("What it happened to (a key id, ...); empty when nothing."),
  before: auditJsonSchema,
  after: auditJsonSchema,
  details: auditJsonSchema,
  prev_hash: z.string().describe("The previous entry's hash; 64 zeros for the first."),
  hash: z.string().describe(
    "Lowercase hex SHA-256 of the entry's canonical JSON without `hash` (docs/audit.md).",
  ),
}).meta({ id: "AuditEntry", description: "One entry of the hash-chained audit log." });

export const auditPageSchema = z.object({
  items: z.array(auditEntrySchema),
  next_cursor: z.string().nullable().describe("Pass as cursor for the next page; null at the end."),
}).meta({ id: "AuditPage", description: "Audit entries, newest first." });

const filterParams = {
  from: timestamp("lower"),
  to: timestamp("upper"),
  action: text("an action, such as gateway_key.revoked"),
};

export const auditListQuerySchema = z.object({
  ...filterParams,
  limit: integer(1, maxAuditListLimit).meta({ default: defaultAuditListLimit }),
  cursor: text("a next_cursor from a previous page"),
});

export const auditExportQuerySchema = z.object({
  ...filterParams,
  format: z.string().transform((v) => v.toLowerCase()).pipe(z.enum(["ndjson"])).optional()
    .describe("ndjson (the only format)"),
});

/** Entries per store read of the export. */
export const auditExportPageSize = 500;

export interface AuditRouteDeps {
  audit: AuditStore | undefined;
  now(): number;
  log?: Pick<Logger, "error">;
}

function storeOf(deps: AuditRouteDeps): AuditStore {
  if (deps.audit === undefined) {
    throw new GatewayError("store_unavailable", "this store does not keep an audit log");
  }
  return deps.audit;
}

function bounds(q: { from?: string | undefined; to?: string | undefined }): void {
  if (q.from !== undefined && q.to !== undefined && q.to < q.from) {
    throw invalidParameter("to", "to must be greater than or equal to from");
  }
}

type Scoped = Pick<AuditQuery, "tenant" | "includeGateway">;

/** The caller's reach: its tenant (and the gateway's entries for an operator), or everything. */
function reach(scope: AuditQuery["tenant"], operator: boolean): Scoped {
  return scope === undefined ? {} : { tenant: scope, includeGateway: operator };
}

const line = (e: AuditEntry) => `${JSON.stringify(e)}\n`;

export function registerAuditRoutes(app: Hono, deps: AuditRouteDeps): void {
  const scoped = (c: { get(k: "scope" | "principal"): unknown }): Scoped => {
    const principal = c.get("principal") as { permissions: ReadonlySet<string> } | undefined;
    return reach(
      c.get("scope") as AuditQuery["tenant"],
      principal?.permissions.has("diagnostics:read") === true,
    );
  };

  app.get("/api/audit", async (c) => {
    const q = parseQuery(auditListQuerySchema, new URL(c.req.url).searchParams);
    bounds(q);
    const query: AuditQuery = { ...scoped(c), limit: q.limit ?? defaultAuditListLimit };
    for (const k of ["from", "to", "action", "cursor"] as const) {
      if (q[k] !== undefined) query[k] = q[k];
    }
    try {
      const page = await storeOf(deps).listAudit(query);
      return c.json({ items: page.entries, next_cursor: page.next_cursor });
    } catch (err) {
      if (err instanceof InvalidCursorError) {
        throw new GatewayError("invalid_parameter", err.message, { parameter: "cursor" });
      }
      throw err;
    }
  });

  app.get("/api/audit/export", async (c) => {
    const q = parseQuery(auditExportQuerySchema, new URL(c.req.url).searchParams);
    bounds(q);
    const store = storeOf(deps);
    const base: AuditQuery = { ...scoped(c), limit: auditExportPageSize };
    for (const k of ["from", "to", "action"] as const) if (q[k] !== undefined) base[k] = q[k];
    // The first page before the answer starts: a store that cannot answer gets a JSON error.
    let page = await store.listAudit(base);
    const enc = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      pull: async (ctl) => {
        if (page.entries.length > 0) ctl.enqueue(enc.encode(page.entries.map(line).join("")));
        if (page.next_cursor === null) return ctl.close();
        try {
          page = await store.listAudit({ ...base, cursor: page.next_cursor });
        } catch (err) {
          deps.log?.error("audit export failed after it started", { error: String(err) });
          ctl.error(err);
        }
      },
    });
    c.header("Content-Type", "application/x-ndjson");
    const day = new Date(deps.now()).toISOString().slice(0, 10);
    c.header("Content-Disposition", `attachment; filename="ongoingai-audit-${day}.ndjson"`);
    return c.body(body);
  });
}
