/**
 * `ongoingai doctor`: the original's checks in its order (`config`, `storage`, `route_wiring`,
 * `auth_posture`), then ours (`routes`, `pii_salt`, `telemetry`, `price_table`), as text or JSON.
 * When the config does not load, the checks that need it are skipped, except that a check whose
 * own area the loader found wrong (an overlapping prefix, a credential-header conflict, a key
 * pool) fails with those problems. Exit 1 when the overall status is `fail`, 2 on a usage error,
 * else 0.
 */
import { displayFile, type GatewayConfig } from "../config/mod.ts";
import { checkPriceSources } from "../pricing/mod.ts";
import { normaliseFormat, parseFlags, UsageError } from "./args.ts";
import {
  authPostureCheck,
  configCheck,
  piiSaltCheck,
  routesCheck,
  routeWiringCheck,
  sortIssues,
} from "./doctor_checks.ts";
import {
  defaultProbeDeps,
  priceTableCheck,
  type ProbeDeps,
  readStoredKeys,
  storageCheck,
  telemetryCheck,
} from "./doctor_probes.ts";
import {
  type DoctorDocument,
  overallStatus,
  renderDoctorJson,
  renderDoctorText,
} from "./doctor_report.ts";
import { type CliCommand, type CliIo, exitCode } from "./io.ts";
import { loadForCommand } from "./load.ts";

const formats = ["text", "json"] as const;

export const doctorSpec = {
  name: "doctor",
  summary:
    "Check the setup: config, storage, route wiring, auth, routes and key pools, PII salt, " +
    "telemetry and the price table",
  usage: "ongoingai doctor [--config PATH] [--format text|json]",
  flags: [
    ["--config PATH", "Config file (.ts, .yaml, .yml or .json); default: discovered"],
    ["--format FORMAT", "text (default) or json"],
  ],
} as const;

export interface DoctorOptions {
  config?: string | undefined;
}

/** Runs every check, in order; never throws for a user's mistake and never hangs. */
export async function runDoctor(
  options: DoctorOptions,
  io: CliIo,
  deps: ProbeDeps = defaultProbeDeps,
): Promise<DoctorDocument> {
  const loaded = await loadForCommand(options.config, io, { forServe: true });
  const config: GatewayConfig | null = loaded.ok ? loaded.config : null;
  // Price files are read as `check` and `serve` read them (URLs are not fetched: offline).
  const prices = config === null
    ? { errors: [], warnings: [] }
    : await checkPriceSources(config, { cwd: io.cwd, fetchUrls: false });
  const ctx = {
    cwd: io.cwd,
    issues: sortIssues(
      [...(loaded.ok ? [] : loaded.errors), ...prices.errors],
      [...loaded.warnings, ...prices.warnings],
    ),
  };
  const source = loaded.source === null ? "(built-in defaults)" : loaded.source;
  const storage = await storageCheck(config, io.cwd, deps);
  const stored = await readStoredKeys(config, io.cwd, storage, deps);
  const checks = [
    configCheck(ctx, loaded.ok, displayFile(source, io.cwd)),
    storage,
    routeWiringCheck(ctx, config),
    authPostureCheck(ctx, config, stored),
    routesCheck(ctx, config),
    piiSaltCheck(ctx, config),
    await telemetryCheck(ctx, config, deps),
    priceTableCheck(ctx, config, deps),
  ];
  return {
    generated_at: deps.now().toISOString(),
    config_path: source,
    overall_status: overallStatus(checks),
    checks,
  };
}

export const doctor: CliCommand = async (args, io) => {
  const { values, positionals } = parseFlags("doctor", args, {
    config: { type: "string" },
    format: { type: "string" },
  }, true);
  if (positionals.length > 0) throw new UsageError("doctor does not accept positional arguments");
  const format = normaliseFormat("doctor", values.format, formats);
  const doc = await runDoctor({ config: values.config }, io);
  io.stdout(format === "json" ? renderDoctorJson(doc) : renderDoctorText(doc));
  return doc.overall_status === "fail" ? exitCode.failure : exitCode.ok;
};
