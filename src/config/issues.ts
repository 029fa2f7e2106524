/**
 * One shape for every config problem, whatever found it (file parser, TypeScript evaluation, env
 * overlay, schema, semantic checks), and the three ways `check` and `serve` print them.
 */
import { isAbsolute, relative } from "node:path";

export interface ConfigIssue {
  /** Dotted config path (`providers.openai.upstream`, `pii.scopes[0].match`); "" for the file itself. */
  path: string;
  /** Reads after the path: `server.port: must be between 1 and 65535 (got 70000)`. */
  message: string;
  /** What to do about it, e.g. `did you mean "upstream"?`. */
  hint?: string;
  /** Absolute path of the file the problem is in, when there is one. */
  file?: string;
  /** 1-based position in `file`, when known (the key in YAML, JSON and TypeScript configs). */
  line?: number;
  column?: number;
}

export type PathSegment = string | number;

/** `["pii", "scopes", 0, "match"]` becomes `pii.scopes[0].match`; odd keys are quoted. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (typeof s === "symbol") out += `[${String(s)}]`;
    else if (s === "" || /[.[\]\s"]/.test(s)) out += `[${JSON.stringify(s)}]`;
    else out += out === "" ? s : `.${s}`;
  }
  return out;
}

export interface FormatOptions {
  /** File names are shown relative to this directory when they are inside it. */
  cwd?: string;
}

/** `file` relative to `cwd` when it is inside it, else unchanged (absolute). */
export function displayFile(file: string, cwd?: string): string {
  if (!cwd) return file;
  const rel = relative(cwd, file);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}

function location(issue: ConfigIssue, options: FormatOptions): string {
  if (issue.path !== "") return issue.path;
  if (issue.file === undefined) return "config";
  let at = displayFile(issue.file, options.cwd);
  if (issue.line !== undefined) at += `:${issue.line}`;
  if (issue.line !== undefined && issue.column !== undefined) at += `:${issue.column}`;
  return at;
}

/** `path: message (hint)`, one line, the format of `check` and of `serve` startup failures. */
export function formatIssue(issue: ConfigIssue, options: FormatOptions = {}): string {
  const hint = issue.hint ? ` (${issue.hint})` : "";
  return `${location(issue, options)}: ${issue.message}${hint}`;
}

export function formatIssues(issues: readonly ConfigIssue[], options: FormatOptions = {}): string {
  return issues.map((i) => `${formatIssue(i, options)}\n`).join("");
}

/** The document `check --format json` prints; stable field names for CI jobs. */
export interface ValidationReport {
  valid: boolean;
  source: string | null;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

export function validationReport(
  result: { ok: boolean; source: string | null; warnings: ConfigIssue[]; errors?: ConfigIssue[] },
): ValidationReport {
  return {
    valid: result.ok,
    source: result.source,
    errors: result.errors ?? [],
    warnings: result.warnings,
  };
}

// GitHub workflow commands: data and property values have their own escaping rules.
const escapeData = (s: string) =>
  s.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
const escapeProperty = (s: string) => escapeData(s).replaceAll(":", "%3A").replaceAll(",", "%2C");

/** `::error file=gateway.config.ts,line=3,title=server.port::server.port: must be ...` */
export function githubAnnotation(
  issue: ConfigIssue,
  level: "error" | "warning",
  options: FormatOptions = {},
): string {
  const props: string[] = [];
  if (issue.file !== undefined) {
    props.push(`file=${escapeProperty(displayFile(issue.file, options.cwd))}`);
  }
  if (issue.line !== undefined) props.push(`line=${issue.line}`);
  if (issue.column !== undefined) props.push(`col=${issue.column}`);
  props.push(`title=${escapeProperty(issue.path === "" ? "config" : issue.path)}`);
  return `::${level} ${props.join(",")}::${escapeData(formatIssue(issue, options))}`;
}

/** An issue as checks produce it: a structured path, so the loader can find its line in a file. */
export interface RawIssue {
  at: readonly PathSegment[];
  message: string;
  hint?: string;
}

export interface IssueContext {
  /** Absolute path of the config file, or undefined for built-in defaults. */
  file?: string;
  /** Finds a config path's position in the file (ts_locate.ts, file_formats.ts). */
  locate?: (at: readonly PathSegment[]) => { line: number; column: number } | undefined;
  /** Dotted paths whose value came from an environment variable, to the variable's name. */
  envPaths?: ReadonlyMap<string, string>;
}

export function finishIssue(raw: RawIssue, ctx: IssueContext): ConfigIssue {
  const path = formatPath(raw.at);
  const issue: ConfigIssue = { path, message: raw.message };
  const fromEnv = ctx.envPaths?.get(path);
  const hints = [raw.hint, fromEnv && `set by ${fromEnv}`].filter((h) => h);
  if (hints.length > 0) issue.hint = hints.join("; ");
  if (fromEnv === undefined && ctx.file !== undefined) {
    issue.file = ctx.file;
    const pos = ctx.locate?.(raw.at);
    if (pos) {
      issue.line = pos.line;
      issue.column = pos.column;
    }
  }
  return issue;
}
