/**
 * Tool-call arguments as a model wrote them (a JSON text) → the IR object. Text that is no
 * JSON object still reaches the client once, as `{}` plus its text where the client's format
 * has a string; the trace notes it.
 */
import type { JsonObject } from "./ir.ts";
import { isObject } from "./json.ts";
import type { Notes } from "./notes.ts";

export function modelArguments(text: string, field: string, notes: Notes): JsonObject {
  if (text.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed)) return parsed as JsonObject;
  } catch { /* noted below */ }
  notes.add("tool_arguments_unparsed", field, "the model's arguments are not a JSON object");
  return {};
}
