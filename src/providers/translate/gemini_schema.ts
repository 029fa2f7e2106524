/**
 * Tool and answer schemas for Gemini (plan section 2.6). Encoding sends JSON Schema as
 * `parametersJsonSchema`/`responseJsonSchema` [gg `FunctionDeclaration.parametersJsonSchema`,
 * `GenerationConfig.responseJsonSchema`], so the OpenAPI subset of `parameters` is avoided; a
 * schema Gemini still refuses comes back as Gemini's own 400. Decoding turns Gemini's OpenAPI
 * `Schema` (`type: "OBJECT"`, `nullable`) into JSON Schema. Both are bounded in depth.
 */
import type { JsonObject, JsonValue } from "./ir.ts";
import { isObject } from "./json.ts";
import { TranslationError } from "./notes.ts";

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
