/**
 * Turns zod's issues into messages a config author can act on: one issue per unknown key with the
 * nearest valid key, "expected X, got Y" for wrong types, and no echo of secret values.
 */
import type { z } from "zod";
import type { PathSegment, RawIssue } from "./issues.ts";
import { acceptsEnvRef, knownKeysAt } from "./schema_walk.ts";
import { closest } from "./suggest.ts";

type ZodIssue = z.core.$ZodIssue;

/** Values under these keys may be credentials; messages never quote them. */
const secretKeys = new Set(["token", "token_hash", "key_hash_secret", "hash_salt", "dsn", "key"]);

function isSecret(at: readonly PathSegment[]): boolean {
  return at.some((s) => typeof s === "string" && secretKeys.has(s));
}

const expectedNames: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "an object (a YAML mapping)",
  array: "a list",
  record: "an object (a YAML mapping)",
};

export function describeValue(value: unknown, secret = false): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return secret || value.length > 80 ? "a string" : `a string (${JSON.stringify(value)})`;
    case "number":
      return `a number (${value})`;
    case "boolean":
      return `a boolean (${value})`;
    case "object":
      return "an object";
    case "undefined":
      return "nothing";
    default:
      return `a ${typeof value}`;
  }
}

function got(value: unknown, secret: boolean): string {
  if (typeof value === "number" || typeof value === "boolean") return ` (got ${value})`;
  if (typeof value === "string" && !secret && value.length <= 80) {
    return ` (got ${JSON.stringify(value)})`;
  }
  return "";
}

function typeHint(expected: string, input: unknown): string | undefined {
  if (typeof input !== "string") return undefined;
  if ((expected === "number" || expected === "int") && input.trim() !== "" && !isNaN(+input)) {
    return `write ${input.trim()} without quotes`;
  }
  if (expected === "boolean" && /^(true|false)$/i.test(input.trim())) {
    return `write ${input.trim().toLowerCase()} without quotes`;
  }
  return undefined;
}

function sizeMessage(issue: ZodIssue & { code: "too_small" | "too_big" }): string {
  const small = issue.code === "too_small";
  const bound = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case "string":
      if (small && bound === 1) return "must not be empty";
      return `must be ${small ? "at least" : "at most"} ${bound} characters`;
    case "array":
    case "set":
      return `must have ${small ? "at least" : "at most"} ${bound} items`;
    default:
      if (small && bound === 0 && !inclusive) return "must be greater than 0";
      if (small) return inclusive ? `must be at least ${bound}` : `must be greater than ${bound}`;
      return inclusive ? `must be at most ${bound}` : `must be less than ${bound}`;
  }
}

/** zod's own wording ("Too small: ...", "Invalid input") is replaced; the schema's is kept. */
const zodWording = /^(Too small|Too big|Invalid |Unrecognized key|Expected )/;

function convert(issue: ZodIssue, at: PathSegment[], root: unknown): RawIssue[] {
  const secret = isSecret(at);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeysAt(root, at);
      return issue.keys.map((key) => {
        const suggestion = closest(key, known);
        const hint = suggestion !== undefined
          ? `did you mean "${suggestion}"?`
          : known.length > 0
          ? `valid keys here: ${known.join(", ")}`
          : undefined;
        return hint === undefined
          ? { at: [...at, key], message: "unknown key" }
          : { at: [...at, key], message: "unknown key", hint };
      });
    }
    case "invalid_type": {
      const expected = expectedNames[issue.expected] ?? issue.expected;
      if (input === undefined) return [{ at, message: `is required: expected ${expected}` }];
      const message = `expected ${expected}, got ${describeValue(input, secret)}`;
      const hint = typeHint(issue.expected, input);
      return [hint === undefined ? { at, message } : { at, message, hint }];
    }
    case "invalid_union":
      return unionIssues(issue, at, root, secret);
    case "invalid_value": {
      const options = issue.values.map((v) => String(v)).join(", ");
      const suggestion = typeof input === "string"
        ? closest(input, issue.values.map((v) => String(v)))
        : undefined;
      // A schema's own message (say, why a known but unsupported value is refused) wins.
      const message = zodWording.test(issue.message)
        ? `must be one of ${options}${got(input, secret)}`
        : issue.message;
      return [
        suggestion ? { at, message, hint: `did you mean "${suggestion}"?` } : { at, message },
      ];
    }
    case "invalid_key": {
      const inner = issue.issues[0];
      const why = inner && !zodWording.test(inner.message) ? inner.message : "is not a valid key";
      return [{ at, message: `${why}${got(input, false)}` }];
    }
    case "too_small":
    case "too_big": {
      const base = zodWording.test(issue.message) ? sizeMessage(issue) : issue.message;
      // A message of our own that already quotes the value is not given it twice.
      const quoted = issue.origin !== "number" || base.includes("(got ");
      return [{ at, message: `${base}${quoted ? "" : got(input, secret)}` }];
    }
    default: {
      const base = zodWording.test(issue.message) ? `is invalid (${issue.code})` : issue.message;
      const suffix = base.includes("(got ") ? "" : got(input, secret);
      return [{ at, message: `${base}${suffix}` }];
    }
  }
}

function unionIssues(
  issue: ZodIssue & { code: "invalid_union" },
  at: PathSegment[],
  root: unknown,
  secret: boolean,
): RawIssue[] {
  const input = (issue as { input?: unknown }).input;
  // A branch that failed below its root matched the value's shape: its issues are the useful ones.
  const deeper = issue.errors.find((branch) => branch.some((i) => i.path.length > 0));
  if (deeper) return deeper.flatMap((i) => convert(i, [...at, ...pathOf(i)], root));
  if (acceptsEnvRef(root, at)) {
    const expected =
      'a string or an env reference (env("NAME") in TypeScript, { env: NAME } in YAML)';
    if (typeof input === "string") {
      // The string branch failed for its own reason (too short, wrong format): say that.
      const stringIssue = issue.errors.flat().find((i) => i.code !== "invalid_type");
      if (stringIssue) return convert(stringIssue, at, root);
    }
    if (input === undefined) return [{ at, message: `is required: expected ${expected}` }];
    return [{ at, message: `expected ${expected}, got ${describeValue(input, secret)}` }];
  }
  // An enum widened with "" (the original's "auto"): list the real options only.
  const values = issue.errors.flat()
    .flatMap((i) => (i.code === "invalid_value" ? i.values.map(String) : []))
    .filter((v) => v !== "");
  if (values.length > 0) {
    return convert({ ...issue, code: "invalid_value", values } as ZodIssue, at, root);
  }
  const expected = issue.errors.flat()
    .flatMap((i) => (i.code === "invalid_type" ? [expectedNames[i.expected] ?? i.expected] : []));
  const unique = [...new Set(expected)];
  const message = unique.length === 0
    ? "does not match any accepted form"
    : input === undefined
    ? `is required: expected ${unique.join(" or ")}`
    : `expected ${unique.join(" or ")}, got ${describeValue(input, secret)}`;
  return [{ at, message }];
}

function pathOf(issue: ZodIssue): PathSegment[] {
  return issue.path.map((s) => (typeof s === "symbol" ? String(s) : s));
}

/** Issues from `schema.safeParse(value, { reportInput: true })`, converted and in a stable order. */
export function fromZodIssues(issues: readonly ZodIssue[], root: unknown): RawIssue[] {
  return issues.flatMap((issue) => convert(issue, pathOf(issue), root));
}
