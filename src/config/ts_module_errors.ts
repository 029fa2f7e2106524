/**
 * Errors met while evaluating a TypeScript config, turned into issues that point at a file and,
 * when the stack tells, a line: "gateway.config.ts:12:9: threw Error: TEAM_KEY is not set".
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ConfigIssue } from "./issues.ts";

interface Where {
  file: string;
  line?: number;
  column?: number;
  hint?: string;
}

/** A problem the loader found itself (bad import, syntax error): already says where. */
export class ModuleLoadError extends Error {
  constructor(message: string, readonly where: Where) {
    super(message);
    this.name = "ModuleLoadError";
  }
}

// V8 numbers lines of a `new Function` body from the synthesised header, not from the source.
const lineOffset = (() => {
  try {
    new Function("throw new Error()\n//# sourceURL=file:///ongoingai-probe.ts")();
  } catch (error) {
    const m = /ongoingai-probe\.ts(?:, <anonymous>)?:(\d+):\d+/.exec((error as Error).stack ?? "");
    if (m) return Number(m[1]) - 1;
  }
  return 0;
})();

/** The first stack frame inside one of the config's own files, in source coordinates. */
export function sourceLocation(
  stack: string,
  files: readonly string[],
): { file: string; line: number; column: number } | undefined {
  const urls = new Set(files.map((f) => pathToFileURL(f).href));
  for (const m of stack.matchAll(/(file:\/\/[^\s,()]+)(?:, <anonymous>)?:(\d+):(\d+)/g)) {
    const [, url, line, column] = m;
    if (url === undefined || !urls.has(url)) continue;
    return { file: fileURLToPath(url), line: Number(line) - lineOffset, column: Number(column) };
  }
  return undefined;
}

export function moduleIssue(error: unknown, files: readonly string[], entry: string): ConfigIssue {
  if (error instanceof ModuleLoadError) {
    const issue: ConfigIssue = { path: "", message: error.message, file: error.where.file };
    if (error.where.line !== undefined) issue.line = error.where.line;
    if (error.where.column !== undefined) issue.column = error.where.column;
    if (error.where.hint !== undefined) issue.hint = error.where.hint;
    return issue;
  }
  const described = error instanceof Error
    ? `${error.name}: ${error.message}`
    : `a non-Error value: ${String(error)}`;
  const at = error instanceof Error ? sourceLocation(error.stack ?? "", files) : undefined;
  return at
    ? { path: "", message: `threw ${described}`, ...at }
    : { path: "", message: `threw ${described}`, file: entry };
}
