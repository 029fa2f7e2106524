/**
 * The OpenAPI 3.1 document, generated from the endpoint registry: a pure function, so the served
 * `/api/openapi.json`, the committed `openapi/openapi.yaml` and the contract test all read the same
 * document. Named schemas (`.meta({ id })`) become `components/schemas`; everything else is
 * inlined. Key order follows the registry and the schemas, components are sorted by name, so the
 * output is byte-for-byte stable.
 */
import { z } from "zod";
import { stringify } from "yaml";
import type { Endpoint, HttpMethod } from "./endpoint.ts";

export type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown> & {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> };
};
export interface Operation {
  operationId: string;
  parameters?: Parameter[];
  responses: Record<
    string,
    { description: string; content?: Record<string, { schema: JsonSchema }> }
  >;
  [key: string]: unknown;
}
export interface Parameter {
  name: string;
  in: "query" | "path";
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export const gatewayKeyHeader = "X-OngoingAI-Gateway-Key";
const methodOrder: readonly HttpMethod[] = ["get", "post", "put", "patch", "delete"];

/** Collects named schemas from every conversion and checks one name means one schema. */
class Components {
  readonly schemas = new Map<string, JsonSchema>();

  convert(schema: z.ZodType, io: "input" | "output"): JsonSchema {
    const json = z.toJSONSchema(schema, {
      target: "draft-2020-12",
      io,
      // z.int() bounds itself to safe integers; that is JavaScript's limit, not the contract.
      override: ({ jsonSchema: s }) => {
        if (s.maximum === Number.MAX_SAFE_INTEGER) delete s.maximum;
        if (s.minimum === Number.MIN_SAFE_INTEGER) delete s.minimum;
      },
    }) as JsonSchema;
    const { $schema: _, $defs, ...root } = json;
    for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      const fixed = rewriteRefs(def) as JsonSchema;
      const seen = this.schemas.get(name);
      if (seen !== undefined && JSON.stringify(seen) !== JSON.stringify(fixed)) {
        throw new Error(`two different schemas are named ${name}; give one another .meta({ id })`);
      }
      this.schemas.set(name, fixed);
    }
    return rewriteRefs(root) as JsonSchema;
  }

  sorted(): Record<string, JsonSchema> {
    return Object.fromEntries([...this.schemas].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === "$ref" && typeof v === "string"
        ? v.replace(/^#\/\$defs\//, "#/components/schemas/")
        : rewriteRefs(v),
    ]),
  );
}

/**
 * A parameter as a client sends it: the parsed type when JSON Schema can say it (an integer with
 * its bounds, an enum), else the accepted string (a timestamp parsed by a transform).
 */
function parameterSchema(c: Components, field: z.ZodType): JsonSchema {
  let schema: JsonSchema;
  try {
    schema = c.convert(field, "output");
  } catch {
    schema = c.convert(field, "input");
  }
  const { description: _, ...rest } = schema;
  return rest;
}

function parameters(c: Components, e: Endpoint): Parameter[] {
  const out: Parameter[] = [];
  for (const [name, field] of Object.entries(e.pathParams ?? {})) {
    out.push(parameter(c, name, "path", field));
  }
  for (const [name, field] of Object.entries(e.query?.shape ?? {})) {
    out.push(parameter(c, name, "query", field));
  }
  return out;
}

function parameter(c: Components, name: string, where: "query" | "path", field: z.ZodType) {
  const p: Parameter = {
    name,
    in: where,
    required: where === "path",
    ...(field.description === undefined ? {} : { description: field.description }),
    schema: parameterSchema(c, field),
  };
  return p;
}

function operation(c: Components, e: Endpoint): Operation {
  const responses: Operation["responses"] = {};
  const statuses = Object.keys(e.responses).map(Number).sort((a, b) => a - b);
  for (const status of statuses) {
    const r = e.responses[status]!;
    responses[String(status)] = r.schema === undefined ? { description: r.description } : {
      description: r.description,
      content: Object.fromEntries(
        [[r.mediaType ?? "application/json", r.schema] as const, ...Object.entries(r.alsoAs ?? {})]
          .map(([type, schema]) => [type, { schema: c.convert(schema, "output") }]),
      ),
    };
  }
  const params = parameters(c, e);
  return {
    operationId: e.operationId,
    summary: e.summary,
    ...(e.description === undefined ? {} : { description: e.description }),
    tags: [e.tag],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(e.body === undefined ? {} : {
      requestBody: {
        required: false,
        content: { "application/json": { schema: c.convert(e.body.schema, "input") } },
      },
    }),
    responses,
  };
}

export function openApiDocument(
  endpoints: readonly Endpoint[],
  info: { version: string },
): OpenApiDocument {
  const c = new Components();
  const paths: Record<string, Record<string, Operation>> = {};
  const ids = new Set<string>();
  for (const e of endpoints) {
    if (ids.has(e.operationId)) throw new Error(`operationId ${e.operationId} is declared twice`);
    ids.add(e.operationId);
    const item = (paths[e.path] ??= {});
    if (item[e.method]) throw new Error(`${e.method.toUpperCase()} ${e.path} is declared twice`);
    item[e.method] = operation(c, e);
  }
  for (const [path, item] of Object.entries(paths)) {
    paths[path] = Object.fromEntries(methodOrder.flatMap((m) => (item[m] ? [[m, item[m]]] : [])));
  }
  const tags = [...new Set(endpoints.map((e) => e.tag))].map((name) => ({ name }));
  return {
    openapi: "3.1.0",
    info: {
      title: "OngoingAI Gateway API",
      version: info.version,
      description: "The gateway's JSON API. Generated from src/api/contract (deno task openapi). " +
        "The provider proxy routes (/openai/..., /anthropic/...) are pass-through and not " +
        `modelled. Team mode (the ${gatewayKeyHeader} header) is not built yet, so no ` +
        "operation requires GatewayKeyAuth; the scheme is declared for clients to prepare.",
    },
    servers: [{ url: "http://localhost:8080" }],
    tags,
    paths,
    components: {
      schemas: c.sorted(),
      securitySchemes: {
        GatewayKeyAuth: { type: "apiKey", in: "header", name: gatewayKeyHeader },
      },
    },
  };
}

/** The committed YAML form. */
export function openApiYaml(doc: OpenApiDocument): string {
  const header = "# Generated by `deno task openapi` from src/api/contract/. Do not edit.\n";
  return header + stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
}
