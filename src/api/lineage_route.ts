/**
 * `GET /api/traces/{id}/lineage`: the trace's lineage chain, the same `debug-chain.v1` document
 * `ongoingai debug --trace-id ID --format json` prints. Tenant-scoped as the trace detail: a
 * trace of another tenant is a 404, and the chain holds only the caller's tenant's traces.
 * Headers only with `include_headers=true`; bodies only with `include_bodies=true` and a key
 * holding `bodies:read` (without it they are withheld, and the document says so).
 */
import type { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../errors/mod.ts";
import { buildLineageChain, type ChainStore, lineageLimits } from "./lineage_chain.ts";
import type { ChainOptions } from "./lineage_document.ts";
import { parseQuery } from "./query.ts";
import { integer, oneOf } from "./query_params.ts";

const flag = () => oneOf(["true", "false"]).describe("true or false (default false)");

export const lineageQuerySchema = z.object({
  limit: integer(1, lineageLimits.maxLimit, "a number of checkpoints").describe(
    `a number of checkpoints between 1 and ${lineageLimits.maxLimit} (default ${lineageLimits.defaultLimit})`,
  ),
  diff: flag(),
  include_headers: flag(),
  include_bodies: flag(),
});

export function registerLineageRoute(app: Hono, store: ChainStore, now: () => number): void {
  app.get("/api/traces/:id/lineage", async (c) => {
    const q = parseQuery(lineageQuerySchema, new URL(c.req.url).searchParams);
    const id = c.req.param("id");
    const askedBodies = q.include_bodies === "true";
    const withheld = askedBodies && c.get("hideBodies") === true;
    const options: ChainOptions = {
      limit: q.limit ?? lineageLimits.defaultLimit,
      include_diff: q.diff === "true",
      include_headers: q.include_headers === "true",
      include_bodies: askedBodies && !withheld,
      ...(withheld ? { bodies_withheld: true as const } : {}),
    };
    const result = await buildLineageChain(store, {
      selection: { trace_id: id },
      options,
      scope: c.get("scope"),
      now,
    });
    if (result.kind !== "ok") {
      const shown = id.length > 128 ? `${id.slice(0, 128)}...` : id;
      throw new GatewayError("not_found", `trace ${shown} not found`);
    }
    return c.json(result.document);
  });
}
