/**
 * `ongoingai check` (also `ongoingai config validate`): validates the config exactly as `serve`
 * would (same loader, schema and semantic checks) without opening storage or binding a port.
 * Exit 0 when valid (warnings allowed), 1 when not, 2 on a usage error.
 */
import {
  type ConfigIssue,
  displayFile,
  formatIssue,
  githubAnnotation,
  loadConfig,
  validationReport,
  withBuildSupport,
} from "../config/mod.ts";
import { checkPriceSources } from "../pricing/mod.ts";
import { normaliseFormat, parseFlags, UsageError } from "./args.ts";
import { type CliCommand, type CliIo, exitCode } from "./io.ts";

const formats = ["text", "json", "github"] as const;

export const checkSpec = {
  name: "check",
  summary: "Validate the configuration as serve would, without starting (alias: config validate)",
  usage: "ongoingai check [--config PATH] [--format text|json|github] [--fetch-prices]",
  flags: [
    ["--config PATH", "Config file (.ts, .yaml, .yml or .json); default: discovered"],
    [
      "--format FORMAT",
      "text (default), json (one document: valid, source, errors, warnings) or github (annotations)",
    ],
    [
      "--fetch-prices",
      "Also fetch the URLs of pricing.sources (files are always read); nothing is cached",
    ],
    ["--help", "Show this help"],
  ],
} as const;

function helpText(): string {
  const width = Math.max(...checkSpec.flags.map(([f]) => f.length));
  const flags = checkSpec.flags.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`);
  return `${checkSpec.summary}.\n\nUsage: ${checkSpec.usage}\n\nFlags:\n${flags.join("\n")}\n`;
}

export const check: CliCommand = async (args, io) => {
  let values: {
    config?: string | undefined;
    format?: string | undefined;
    "fetch-prices"?: boolean | undefined;
    help?: boolean | undefined;
  };
  let format: (typeof formats)[number];
  try {
    const parsed = parseFlags("check", args, {
      config: { type: "string" },
      format: { type: "string" },
      "fetch-prices": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    }, true);
    if (parsed.positionals.length > 0) {
      const got = JSON.stringify(parsed.positionals[0]);
      throw new UsageError(`check does not accept positional arguments (got ${got})`);
    }
    values = parsed.values;
    if (values.help) {
      io.stdout(helpText());
      return exitCode.ok;
    }
    format = normaliseFormat("check", values.format, formats);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${error.message}\n\nUsage: ${checkSpec.usage}\n`);
    return exitCode.usage;
  }

  const loaded = withBuildSupport(
    await loadConfig({ path: values.config, env: io.env, cwd: io.cwd }),
  );
  // Price files are checked as serve reads them; URLs only with --fetch-prices.
  const prices = loaded.ok
    ? await checkPriceSources(loaded.config, {
      cwd: io.cwd,
      fetchUrls: values["fetch-prices"] === true,
    })
    : { errors: [], warnings: [], infos: [] };
  const warnings = [...loaded.warnings, ...prices.warnings];
  const result = prices.errors.length === 0
    ? { ...loaded, warnings }
    : { ok: false as const, source: loaded.source, errors: prices.errors, warnings };
  const errors = result.ok ? [] : result.errors;
  if (format === "json") {
    io.stdout(`${JSON.stringify(validationReport(result), null, 2)}\n`);
    return result.ok ? exitCode.ok : exitCode.failure;
  }
  if (format === "github") {
    for (const e of errors) io.stdout(`${githubAnnotation(e, "error", { cwd: io.cwd })}\n`);
    for (const w of result.warnings) {
      io.stdout(`${githubAnnotation(w, "warning", { cwd: io.cwd })}\n`);
    }
  }
  const source = result.source === null
    ? "(built-in defaults)"
    : displayFile(result.source, io.cwd);
  if (result.ok) io.stdout(`config is valid: ${source}\n`);
  else io.stderr(`config is invalid: ${source}\n`);
  if (format === "text") {
    for (const info of prices.infos) io.stdout(`${formatIssue(info, { cwd: io.cwd })}\n`);
    printIssues(io, errors, "");
    printIssues(io, result.warnings, "warning: ");
  }
  return result.ok ? exitCode.ok : exitCode.failure;
};

function printIssues(io: CliIo, issues: readonly ConfigIssue[], prefix: string): void {
  for (const issue of issues) io.stderr(`${prefix}${formatIssue(issue, { cwd: io.cwd })}\n`);
}
