/**
 * Query parameters of `GET /api/traces`, parsed strictly: an unknown, repeated or malformed
 * parameter is a 400 that names it and says what is accepted, because a silently ignored typo
 * (`?modle=gpt-4o`) returns every trace and looks like a correct answer.
 *
 * As in the original, values are trimmed and an empty value means "not set" (`?provider=` is
 * no filter), so clients that always send every field keep working.
 */
import { GatewayError } from "../server/errors.ts";
import { parseTimestamp, type TraceListQuery } from "../store/mod.ts";

export const traceListParameters = [
  "provider",
  "model",
  "status",
  "api_key_hash",
  "from",
  "to",
  "trace_group_id",
  "thread_id",
  "run_id",
  "min_tokens",
  "max_tokens",
  "limit",
  "cursor",
] as const;

type Parameter = (typeof traceListParameters)[number];

export const listLimits = { defaultLimit: 50, maxLimit: 200, maxTokens: 1_000_000_000 } as const;
const maxValueLength = 512;

function invalid(parameter: string, message: string): GatewayError {
  return new GatewayError("invalid_parameter", message, { parameter });
}

/** Quoted and shortened: enough to spot the mistake, never a wall of text in an error. */
function shown(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}...` : value);
}

function integer(name: Parameter, value: string, min: number, max: number, what: string): number {
  const n = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) {
    throw invalid(name, `${name} must be ${what} between ${min} and ${max} (got ${shown(value)})`);
  }
  return n;
}

/** RFC 3339, or a bare date meaning the whole UTC day: its first or last millisecond. */
function timestamp(name: "from" | "to", value: string): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const parsed = parseTimestamp(
    dateOnly ? `${value}T${name === "from" ? "00:00:00.000" : "23:59:59.999"}Z` : value,
  );
  if (parsed === null) {
    throw invalid(
      name,
      `${name} must be an RFC 3339 timestamp such as 2026-03-01T10:00:00Z or a date such as 2026-03-01 (got ${
        shown(value)
      })`,
    );
  }
  return parsed;
}

function known(name: string): name is Parameter {
  return (traceListParameters as readonly string[]).includes(name);
}

/** Throws `GatewayError("invalid_parameter", ..., { parameter })` on the first problem. */
export function parseTraceListParams(params: URLSearchParams): TraceListQuery {
  const unknown = [...new Set(params.keys())].filter((k) => !known(k));
  if (unknown.length > 0) {
    const list = unknown.map((k) => shown(k)).join(", ");
    throw invalid(
      unknown[0]!,
      `unknown query parameter${unknown.length > 1 ? "s" : ""} ${list}; accepted: ${
        traceListParameters.join(", ")
      }`,
    );
  }
  const values = new Map<Parameter, string>();
  for (const name of traceListParameters) {
    const all = params.getAll(name);
    if (all.length > 1) throw invalid(name, `${name} is given ${all.length} times; give it once`);
    const value = all[0]?.trim();
    if (value === undefined || value === "") continue;
    if (value.length > maxValueLength) {
      throw invalid(name, `${name} is longer than ${maxValueLength} characters`);
    }
    values.set(name, value);
  }

  const { defaultLimit, maxLimit, maxTokens } = listLimits;
  const query: TraceListQuery = { limit: defaultLimit };
  for (const [name, value] of values) {
    switch (name) {
      case "status":
        query.status = integer(name, value, 100, 599, "an HTTP status code");
        break;
      case "min_tokens":
      case "max_tokens":
        query[name] = integer(name, value, 0, maxTokens, "an integer");
        break;
      case "limit":
        query.limit = integer(name, value, 1, maxLimit, "an integer");
        break;
      case "from":
      case "to":
        query[name] = timestamp(name, value);
        break;
      default:
        query[name] = value;
    }
  }
  if (query.from !== undefined && query.to !== undefined && query.to < query.from) {
    throw invalid("to", "to must be greater than or equal to from");
  }
  if (
    query.min_tokens !== undefined && query.max_tokens !== undefined &&
    query.max_tokens < query.min_tokens
  ) {
    throw invalid("max_tokens", "max_tokens must be greater than or equal to min_tokens");
  }
  return query;
}
