/**
 * Query parameters, parsed strictly from one zod schema per endpoint (the same schema the OpenAPI
 * document is generated from). An unknown, repeated, overlong or malformed parameter is a 400 that
 * names it and says what is accepted, because a silently ignored typo (`?modle=gpt-4o`) returns
 * every trace and looks like a correct answer.
 *
 * As in the original, values are trimmed and an empty value means "not set" (`?provider=` is no
 * filter), so clients that always send every field keep working.
 *
 * Each field's schema takes the raw string and must be optional; its `description` completes the
 * sentence "<name> must be ..." in the error.
 */
import type { z } from "zod";
import { GatewayError } from "../errors/mod.ts";

export type QuerySchema = z.ZodObject<Record<string, z.ZodType<unknown, string | undefined>>>;

const maxValueLength = 512;

export function invalidParameter(parameter: string, message: string): GatewayError {
  return new GatewayError("invalid_parameter", message, { parameter });
}

/** Quoted and shortened: enough to spot the mistake, never a wall of text in an error. */
export function shown(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}...` : value);
}

/** Throws `GatewayError("invalid_parameter", ..., { parameter })` on the first problem. */
export function parseQuery<S extends QuerySchema>(schema: S, params: URLSearchParams): z.output<S> {
  const names = Object.keys(schema.shape);
  const unknown = [...new Set(params.keys())].filter((k) => !names.includes(k));
  if (unknown.length > 0) {
    const list = unknown.map((k) => shown(k)).join(", ");
    throw invalidParameter(
      unknown[0]!,
      `unknown query parameter${unknown.length > 1 ? "s" : ""} ${list}; accepted: ${
        names.join(", ")
      }`,
    );
  }
  const raw: Record<string, string> = {};
  for (const name of names) {
    const all = params.getAll(name);
    if (all.length > 1) {
      throw invalidParameter(name, `${name} is given ${all.length} times; give it once`);
    }
    const value = all[0]?.trim();
    if (value === undefined || value === "") continue;
    if (value.length > maxValueLength) {
      throw invalidParameter(name, `${name} is longer than ${maxValueLength} characters`);
    }
    raw[name] = value;
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const name = String(result.error.issues[0]?.path[0] ?? names[0]);
  const field = schema.shape[name];
  const accepted = field?.description ?? "valid";
  throw invalidParameter(name, `${name} must be ${accepted} (got ${shown(raw[name] ?? "")})`);
}
