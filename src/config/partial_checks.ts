/**
 * Semantic checks for a config that failed the schema, so one `check` run reports every problem
 * instead of revealing them one fix at a time. The values the schema rejected are removed (whole
 * lists when an element is wrong, so indices do not shift), the rest is parsed again, and errors
 * about the removed parts, which would only be echoes of the schema's, are dropped.
 */
import type { z } from "zod";
import { clonePlain } from "./env_overlay.ts";
import type { PathSegment, RawIssue } from "./issues.ts";
import { resolveConfig } from "./resolve.ts";
import { configSchema } from "./schema.ts";
import { semanticChecks } from "./semantic.ts";

type Env = Readonly<Record<string, string | undefined>>;

function cut(path: readonly PropertyKey[]): PathSegment[] {
  const at = path.findIndex((s) => typeof s !== "string");
  return (at === -1 ? path : path.slice(0, at)) as PathSegment[];
}

function removeAt(root: unknown, path: readonly PathSegment[]): void {
  let node = root;
  for (const segment of path.slice(0, -1)) {
    if (typeof node !== "object" || node === null) return;
    node = (node as Record<string, unknown>)[String(segment)];
  }
  if (typeof node === "object" && node !== null && !Array.isArray(node)) {
    delete (node as Record<string, unknown>)[String(path[path.length - 1])];
  }
}

const under = (path: readonly PathSegment[], prefix: readonly PathSegment[]) =>
  prefix.every((s, i) => path[i] === s);

export function semanticChecksDespite(
  value: unknown,
  issues: readonly z.core.$ZodIssue[],
  env: Env,
): RawIssue[] {
  const copy = clonePlain(value);
  const removed: PathSegment[][] = [];
  for (const issue of issues) {
    const targets = issue.code === "unrecognized_keys"
      ? issue.keys.map((k) => cut([...issue.path, k]))
      : [cut(issue.path)];
    for (const target of targets) {
      if (target.length === 0) return [];
      removeAt(copy, target);
      removed.push(target);
    }
  }
  const again = configSchema.safeParse(copy);
  if (!again.success) return [];
  const checked = semanticChecks(again.data, resolveConfig(again.data, env), env);
  return checked.errors.filter((e) => !removed.some((r) => under(e.at, r)));
}
