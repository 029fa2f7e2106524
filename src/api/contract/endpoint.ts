/**
 * One declaration per API endpoint: what the OpenAPI document says about it and what the contract
 * test calls. The route handler itself stays in routes.ts; the contract test fails if the two
 * disagree.
 */
import type { z } from "zod";
import type { EndpointAccess } from "../../auth/mod.ts";
import type { QuerySchema } from "../query.ts";

/**
 * Who may call an endpoint in team mode (defined by auth): required, so a new endpoint cannot be
 * added without deciding; the gate reads it and auth's table test covers every entry.
 */
export type { EndpointAccess };

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export interface EndpointResponse {
  description: string;
  /** None for a response without a body (204). */
  schema?: z.ZodType;
  /**
   * The media type `schema` describes, default application/json. For application/x-ndjson the
   * schema is one line's.
   */
  mediaType?: string;
  /** Other media types the same status answers with (chosen by a parameter), and their schemas. */
  alsoAs?: Record<string, z.ZodType>;
}

export interface Endpoint {
  method: HttpMethod;
  /** OpenAPI form, `{name}` for a path parameter: `/api/traces/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: EndpointAccess;
  /** The schema the handler parses the query with (query.ts), or none for no parameters. */
  query?: QuerySchema;
  /** One string schema per `{name}` in `path`, described. */
  pathParams?: Record<string, z.ZodType<string, string>>;
  /**
   * An optional JSON request body: its schema, and a valid and an invalid example the contract
   * test sends (the invalid one must get 400).
   */
  body?: { schema: z.ZodType; valid: unknown; invalid: unknown };
  /** By HTTP status. A GET endpoint's 405 (for other methods) is not listed: see routes.ts. */
  responses: Record<number, EndpointResponse>;
  /** Valid query parameters the contract test sends besides none at all. */
  example?: { query: Record<string, string> };
}

/** `/api/traces/{id}` to Hono's `/api/traces/:id`. */
export function honoPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ":$1");
}

/** The `Allow` value per Hono path: every declared method, plus HEAD wherever GET is. */
export function allowedMethods(endpoints: readonly Endpoint[]): Map<string, string> {
  const byPath = new Map<string, Set<string>>();
  for (const e of endpoints) {
    const methods = byPath.get(honoPath(e.path)) ?? new Set<string>();
    methods.add(e.method.toUpperCase());
    if (e.method === "get") methods.add("HEAD");
    byPath.set(honoPath(e.path), methods);
  }
  return new Map([...byPath].map(([path, methods]) => [path, [...methods].join(", ")]));
}
