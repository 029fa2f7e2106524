/**
 * Reading a parsed JSON body with a field path in every error, so a 400 names the member that was
 * wrong and says what was expected. Shared by every codec; knows no wire format.
 */
import type { JsonObject } from "./ir.ts";
import { type Notes, TranslationError } from "./notes.ts";

export type Obj = Record<string, unknown>;

/** Bounds on what one request may hold (plan section 1); the body is already size-capped. */
export const limits = { messages: 10_000, blocks: 10_000, tools: 1_000 } as const;

export function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function asObject(v: unknown, field: string): Obj {
  if (!isObject(v)) throw new TranslationError(field, `expected an object, got ${kindOf(v)}`);
  return v;
}

export function asArray(v: unknown, field: string, max: number): unknown[] {
  if (!Array.isArray(v)) throw new TranslationError(field, `expected an array, got ${kindOf(v)}`);
  if (v.length > max) {
    throw new TranslationError(field, `holds ${v.length} items; at most ${max} can be translated`);
  }
  return v;
}

export function asString(v: unknown, field: string): string {
  if (typeof v !== "string") {
    throw new TranslationError(field, `expected a string, got ${kindOf(v)}`);
  }
  return v;
}

export function optString(o: Obj, key: string, field: string): string | null {
  const v = o[key];
  return v === undefined || v === null ? null : asString(v, join(field, key));
}

export function optNumber(o: Obj, key: string, field: string): number | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new TranslationError(join(field, key), `expected a number, got ${kindOf(v)}`);
  }
  return v;
}

export function optBoolean(o: Obj, key: string, field: string): boolean | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "boolean") {
    throw new TranslationError(join(field, key), `expected true or false, got ${kindOf(v)}`);
  }
  return v;
}

/** A JSON object member as the IR keeps it (the body came from JSON.parse, so it is JSON). */
export function asJsonObject(v: unknown, field: string): JsonObject {
  return asObject(v, field) as JsonObject;
}

/**
 * Tool arguments sent as text (Chat, Responses): `""` is `{}` (some servers send nothing for a
 * call without arguments); anything else must be a JSON object.
 */
export function parseArguments(text: string, field: string): JsonObject {
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TranslationError(field, "is not valid JSON; tool arguments must be a JSON object");
  }
  if (!isObject(parsed)) {
    throw new TranslationError(
      field,
      `is JSON ${kindOf(parsed)}; tool arguments must be a JSON object`,
    );
  }
  return parsed as JsonObject;
}

/** Top-level members a codec does not translate are dropped with a note each, never silently. */
export function noteUnknown(
  o: Obj,
  known: ReadonlySet<string>,
  prefix: string,
  notes: Notes,
  target: string,
): void {
  for (const key of Object.keys(o)) {
    if (!known.has(key) && o[key] !== undefined) {
      notes.add("dropped", `${prefix}${key}`, `not translated to ${target}`);
    }
  }
}

export function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  const t = typeof v;
  return t === "object" ? "an object" : `a ${t}`;
}

/** Members only when they hold a value: the encoders never send `null` for "not given". */
export function compact<T extends Obj>(o: T): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/** `messages[0]` + `role` → `messages[0].role`; the top level has no prefix. */
export function join(field: string, key: string): string {
  return field === "" ? key : `${field}.${key}`;
}
