/**
 * The configuration reference, read from the zod schema through `z.toJSONSchema` (input side, so
 * defaults and optional keys are what an author writes). Descriptions come from the schema's
 * `.describe()`, so the table cannot drift from what the loader accepts.
 */
import { z } from "zod";
import { configSchema } from "../../src/config/mod.ts";
import { code } from "./markdown_table.ts";

export interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  /** The TypeScript type of a value JSON Schema cannot describe (a RegExp, a function). */
  "x-type"?: string;
}

export interface ConfigRow {
  key: string;
  type: string;
  default: string;
  description: string;
  /** True for keys that hold a value rather than more keys. */
  leaf: boolean;
}

/** How the free-form key of a record is shown in dotted paths. */
const recordKeyNames: Record<string, string> = {
  providers: "<id>",
  "providers.<id>.prices": "<model>",
  routes: "<name>",
};

export function configJsonSchema(): JsonSchema {
  // Functions and RegExps (custom detectors) have no JSON Schema; their `x-type` names them.
  return z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

function isEnvRef(s: JsonSchema): boolean {
  return s.type === "object" && Object.keys(s.properties ?? {}).join() === "env";
}

function nested(s: JsonSchema): JsonSchema | null {
  return typeof s.additionalProperties === "object" ? s.additionalProperties : null;
}

function range(s: JsonSchema): string {
  const max = s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER
    ? s.maximum
    : undefined;
  if (s.minimum !== undefined && max !== undefined) return ` ${s.minimum}..${max}`;
  const parts = [
    s.minimum !== undefined ? `>= ${s.minimum}` : null,
    s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : null,
    max !== undefined ? `<= ${max}` : null,
  ].filter((p) => p !== null);
  return parts.length ? ` ${parts.join(", ")}` : "";
}

export function typeOf(s: JsonSchema): string {
  if (typeof s["x-type"] === "string") return s["x-type"];
  if (s.anyOf) return [...new Set(s.anyOf.map(typeOf))].join(" | ");
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (isEnvRef(s)) return 'env("NAME")';
  switch (s.type) {
    case "array":
      return s.items?.properties ? "list of objects" : `list of ${typeOf(s.items ?? {})}`;
    case "object":
      return nested(s) ? "map" : "object";
    case "integer":
    case "number":
      return s.type + range(s);
    default:
      return s.type ?? "any";
  }
}

/**
 * Defaults of a config parsed from nothing. `toJSONSchema` leaves out the input default of any
 * schema that contains a transform (e.g. `pii.scopes`), so this is the fallback for fixed paths.
 */
function builtInDefault(key: string): unknown {
  if (key.includes("<") || key.includes("[]")) return undefined;
  let node: unknown = configSchema.parse({});
  for (const part of key.split(".")) {
    node = typeof node === "object" && node !== null
      ? (node as Record<string, unknown>)[part]
      : undefined;
  }
  return node;
}

function defaultOf(s: JsonSchema, key: string, required: boolean): string {
  const value = s.default ?? builtInDefault(key);
  if (value === undefined) return required ? "required" : "unset";
  const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
  return isObject ? "" : code(JSON.stringify(value));
}

function childrenOf(s: JsonSchema, key: string): Array<[string, JsonSchema, boolean]> {
  if (s.properties) {
    return Object.entries(s.properties).map((
      [name, child],
    ) => [`${key}.${name}`, child, s.required?.includes(name) ?? false]);
  }
  const record = nested(s);
  if (record) return [[`${key}.${recordKeyNames[key] ?? "<key>"}`, record, false]];
  if (s.type === "array" && s.items?.properties) return [[`${key}[]`, s.items, false]];
  // An object or a list of them (a model's price rows), an object or a function (a route), an
  // object or false (a circuit breaker): the object's keys are the rows to show; a list of
  // objects or a function (a route's targets): the list's.
  const objectBranch = s.anyOf?.find((branch) =>
    branch.properties !== undefined && !isEnvRef(branch)
  );
  const listBranch = s.anyOf?.find((branch) => branch.type === "array" && branch.items?.properties);
  if (objectBranch) return childrenOf(objectBranch, key);
  if (listBranch) return childrenOf(listBranch, key);
  return [];
}

/** Every key below `key`, depth first. Containers without a description get no row. */
export function configRows(s: JsonSchema, key: string, required = false): ConfigRow[] {
  const children = childrenOf(s, key);
  const rows: ConfigRow[] = [];
  if (s.description !== undefined || children.length === 0) {
    rows.push({
      key,
      type: typeOf(s),
      default: defaultOf(s, key, required),
      description: s.description ?? "",
      leaf: children.length === 0,
    });
  }
  for (const [childKey, child, childRequired] of children) {
    rows.push(...configRows(child, childKey, childRequired));
  }
  return rows;
}

/** How one key reads in the list: its type, then its default when it has one. */
function keyFacts(r: ConfigRow): string {
  const facts = [code(r.type)];
  if (r.default === "required") facts.push("required");
  else if (r.default === "unset") facts.push("no default");
  else if (r.default !== "") facts.push(`default ${r.default}`);
  return facts.join(", ");
}

/**
 * One heading and description per top-level key, then one list item per key: descriptions run to
 * a few sentences, which read as prose in a list but not in a table cell.
 */
export function renderConfigReference(schema: JsonSchema = configJsonSchema()): string {
  const parts: string[] = [];
  for (const [name, section] of Object.entries(schema.properties ?? {})) {
    const rows = childrenOf(section, name).flatMap(([k, s, r]) => configRows(s, k, r));
    parts.push(
      `### ${code(name)}`,
      section.description ?? "",
      rows.map((r) =>
        `- ${code(r.key)} (${keyFacts(r)})${r.description ? `: ${r.description}` : ""}`
      ).join("\n"),
    );
  }
  return parts.filter((p) => p !== "").join("\n\n") + "\n";
}
