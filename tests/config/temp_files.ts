/** Config files written to a fresh temporary directory, so each test owns its working directory. */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { type ConfigIssue, loadConfig, type LoadResult } from "../../src/config/mod.ts";

export async function withFiles<T>(
  files: Record<string, string>,
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-config-" }));
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.mkdir(dirname(join(dir, name)), { recursive: true });
      await Deno.writeTextFile(join(dir, name), text);
    }
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Writes `files`, then loads `path` (or discovers) from that directory. */
export function loadFrom(
  files: Record<string, string>,
  options: { path?: string; env?: Record<string, string> } = {},
): Promise<LoadResult> {
  return withFiles(files, (cwd) => loadConfig({ path: options.path, env: options.env ?? {}, cwd }));
}

export function errorsOf(result: LoadResult) {
  if (result.ok) throw new Error(`expected errors, the config loaded from ${result.source}`);
  return result.errors;
}

export function configOf(result: LoadResult) {
  if (!result.ok) {
    const lines = result.errors.map((e) => `${e.path}: ${e.message}`).join("\n");
    throw new Error(`expected a valid config, got:\n${lines}`);
  }
  return result.config;
}

/** One expected issue: a YAML file (and env), the path it must be reported at, and its wording. */
export interface IssueRow {
  name: string;
  yaml: string;
  env?: Record<string, string>;
  path: string;
  message: RegExp;
  hint?: RegExp;
  line?: number;
}

export function assertIssueAt(issues: readonly ConfigIssue[], row: IssueRow): void {
  const found = issues.find((i) => i.path === row.path);
  assert.ok(found, `nothing reported at ${row.path}; got ${JSON.stringify(issues)}`);
  assert.match(found.message, row.message);
  if (row.hint) assert.match(found.hint ?? "", row.hint);
  if (row.line !== undefined) assert.equal(found.line, row.line);
}
