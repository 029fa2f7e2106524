/**
 * Tool and answer schemas for Gemini (plan section 2.6). Encoding sends JSON Schema as
 * `parametersJsonSchema`/`responseJsonSchema` [gg `FunctionDeclaration.parametersJsonSchema`,
 * `GenerationConfig.responseJsonSchema`], so the OpenAPI subset of `parameters` is avoided; a
 * schema is first reduced to the keywords Gemini documents (`reduceSchemaForGemini`); what it
 * still refuses comes back as Gemini's own 400. Decoding turns Gemini's OpenAPI
 * `Schema` (`type: "OBJECT"`, `nullable`) into JSON Schema. Both are bounded in depth.
 */
import type { JsonObject, JsonValue } from "./ir.ts";
import { isObject } from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";

export const maxSchemaDepth = 64;

/** Refuses a schema nested deeper than the plan's bound (section 1), naming where. */
export function checkSchemaDepth(v: JsonValue, field: string, depth = 0): void {
  if (depth > maxSchemaDepth) {
    throw new TranslationError(field, `is nested deeper than ${maxSchemaDepth} levels`);
  }
  if (Array.isArray(v)) v.forEach((x, i) => checkSchemaDepth(x, `${field}[${i}]`, depth + 1));
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) checkSchemaDepth(x, `${field}.${k}`, depth + 1);
  }
}

const geminiTypes = new Set(["STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL"]);

/** Gemini `Schema` [gg `Schema`, `Type`] → JSON Schema: types lowercased, `nullable` a type. */
export function jsonSchemaOfGemini(v: unknown, field: string, depth = 0): JsonObject {
  if (depth > maxSchemaDepth) {
    throw new TranslationError(field, `is nested deeper than ${maxSchemaDepth} levels`);
  }
  if (!isObject(v)) throw new TranslationError(field, "expected a schema object");
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    const f = `${field}.${k}`;
    if (k === "type") out["type"] = typeOf(x, f);
    else if (k === "nullable") continue;
    else if (k === "properties" && isObject(x)) {
      const props: JsonObject = {};
      for (const [p, s] of Object.entries(x)) {
        props[p] = jsonSchemaOfGemini(s, `${f}.${p}`, depth + 1);
      }
      out["properties"] = props;
    } else if (k === "items") out["items"] = jsonSchemaOfGemini(x, f, depth + 1);
    else if (k === "anyOf" && Array.isArray(x)) {
      out["anyOf"] = x.map((s, i) => jsonSchemaOfGemini(s, `${f}[${i}]`, depth + 1));
    } else out[k] = x as JsonValue;
  }
  if (v["nullable"] === true && typeof out["type"] === "string") {
    out["type"] = [out["type"], "null"];
  }
  return out;
}

function typeOf(x: unknown, field: string): string {
  const t = typeof x === "string" ? x.toUpperCase() : "";
  if (!geminiTypes.has(t)) {
    throw new TranslationError(field, `unknown Gemini schema type ${JSON.stringify(x)}`);
  }
  return t.toLowerCase();
}

/**
 * The JSON Schema keywords Gemini supports [gg `GenerationConfig.responseJsonSchema` doc comment:
 * "only the following properties are supported"]; applied to `parametersJsonSchema` too
 * [unverified that tools take no more]. `propertyOrdering` is Gemini's own.
 */
const supported = new Set([
  "$id",
  "$defs",
  "$ref",
  "$anchor",
  "type",
  "format",
  "title",
  "description",
  "enum",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "anyOf",
  "oneOf",
  "properties",
  "additionalProperties",
  "required",
  "propertyOrdering",
]);
const schemaMaps = new Set(["properties", "$defs"]);
const schemaLists = new Set(["prefixItems", "anyOf", "oneOf"]);
const schemaValues = new Set(["items", "additionalProperties"]);

/**
 * A JSON Schema reduced to Gemini's subset: `const` becomes a one-value `enum`; other keywords
 * Gemini does not take are dropped with a note naming each; a `$ref` keeps only `$` siblings
 * (the doc comment's rule). A non-schema where a schema belongs is refused naming the field.
 */
export function reduceSchemaForGemini(
  v: JsonValue,
  field: string,
  notes: Notes,
  depth = 0,
): JsonValue {
  if (depth > maxSchemaDepth) {
    throw new TranslationError(field, `is nested deeper than ${maxSchemaDepth} levels`);
  }
  if (typeof v === "boolean") return v;
  if (!isObject(v)) throw new TranslationError(field, "expected a JSON Schema object");
  const o = v as JsonObject;
  const ref = o["$ref"] !== undefined;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(o)) {
    const f = `${field}.${k}`;
    if (ref && !k.startsWith("$")) {
      notes.add("dropped", f, "Gemini takes no other keyword beside $ref");
    } else if (k === "const") {
      notes.add("converted", f, "Gemini has no const: a one-value enum was sent");
      out["enum"] = [x];
    } else if (!supported.has(k)) {
      notes.add("dropped", f, `Gemini's JSON Schema subset has no ${k}`);
    } else out[k] = reduceMember(k, x, f, notes, depth);
  }
  return out;
}

function reduceMember(k: string, x: JsonValue, f: string, notes: Notes, depth: number): JsonValue {
  if (schemaMaps.has(k)) {
    if (!isObject(x)) throw new TranslationError(f, "expected an object of schemas");
    const out: JsonObject = {};
    for (const [name, s] of Object.entries(x as JsonObject)) {
      out[name] = reduceSchemaForGemini(s, `${f}.${name}`, notes, depth + 1);
    }
    return out;
  }
  if (schemaLists.has(k)) {
    if (!Array.isArray(x)) throw new TranslationError(f, "expected an array of schemas");
    return x.map((s, i) => reduceSchemaForGemini(s, `${f}[${i}]`, notes, depth + 1));
  }
  if (schemaValues.has(k)) return reduceSchemaForGemini(x, f, notes, depth + 1);
  return x;
}
