/**
 * `ongoingai pii scan`: try a policy on text or JSON before it is merged. Reads standard input,
 * prints where each detected value is and the redacted result, exactly as the gateway would
 * redact it (same detectors, field rules and placeholder format).
 */
import { compilePolicies, scanInput } from "../pii/mod.ts";
import { normaliseFormat, parseFlags, UsageError } from "./args.ts";
import { type CliCommand, type CliIo, exitCode } from "./io.ts";
import { loadOrReport } from "./load.ts";

const formats = ["text", "json"] as const;

export const piiSpec = {
  name: "pii",
  summary: "Show what a PII policy finds in text or JSON on stdin, and the redacted result",
  usage: "ongoingai pii scan [--policy ID] [--workspace ID] [--config PATH] [--format text|json]",
  flags: [
    ["--policy ID", "Policy to apply (pii.policy_id or one of pii.policies); default: the base"],
    ["--workspace ID", 'Workspace whose placeholders to show; default: "default"'],
    ["--config PATH", "Config file; default: discovered"],
    ["--format FORMAT", "text (default) or json"],
    ["--help", "Show this help"],
  ],
} as const;

function helpText(): string {
  const width = Math.max(...piiSpec.flags.map(([f]) => f.length));
  const flags = piiSpec.flags.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`);
  return `${piiSpec.summary}.\n\nUsage: ${piiSpec.usage}\n\nFlags:\n${
    flags.join("\n")
  }\n\nExample: echo '{"note":"mail jane@example.com"}' | ongoingai pii scan\n`;
}

interface Flags {
  policy?: string | undefined;
  workspace?: string | undefined;
  config?: string | undefined;
  format?: string | undefined;
  help?: boolean | undefined;
}

export const pii: CliCommand = async (args, io) => {
  let values: Flags;
  let format: (typeof formats)[number];
  try {
    const [sub, ...rest] = args;
    if (sub === "--help" || sub === "-h") {
      io.stdout(helpText());
      return exitCode.ok;
    }
    if (sub !== "scan") {
      throw new UsageError(
        sub === undefined ? "pii needs a subcommand: scan" : `unknown pii subcommand "${sub}"`,
      );
    }
    values = parseFlags("pii scan", rest, {
      policy: { type: "string" },
      workspace: { type: "string" },
      config: { type: "string" },
      format: { type: "string" },
      help: { type: "boolean", short: "h" },
    }).values;
    if (values.help) {
      io.stdout(helpText());
      return exitCode.ok;
    }
    format = normaliseFormat("pii scan", values.format, formats);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${error.message}\n\nUsage: ${piiSpec.usage}\n`);
    return exitCode.usage;
  }
  return await scan(values, format, io);
};

async function scan(values: Flags, format: "text" | "json", io: CliIo): Promise<number> {
  const loaded = await loadOrReport(values.config, io);
  if (loaded === null) return exitCode.failure;
  const { config } = loaded;
  const policies = compilePolicies(config.pii, config.pii_mode);
  const policy = values.policy === undefined ? policies.base : policies.byId(values.policy);
  if (policy === undefined) {
    const ids = [config.pii.policy_id, ...config.pii.policies.map((p) => p.policy_id)];
    io.stderr(`pii scan: no policy "${values.policy}"; declared: ${ids.join(", ")}\n`);
    return exitCode.usage;
  }
  const raw = io.readStdin === undefined ? new Uint8Array() : await io.readStdin();
  let input: string;
  try {
    input = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    io.stderr("pii scan: standard input is not UTF-8 text; only text and JSON can be scanned\n");
    return exitCode.failure;
  }
  if (input.trim() === "") {
    io.stderr(`pii scan: nothing on standard input\n\nUsage: ${piiSpec.usage}\n`);
    return exitCode.usage;
  }
  const rules = policies.rulesFor(policy, values.workspace ?? "default");
  const result = scanInput(input, rules);
  const mode = policy.mode ?? config.pii_mode;
  if (format === "json") {
    io.stdout(`${JSON.stringify({ policy_id: policy.id, mode, ...result }, null, 2)}\n`);
    return exitCode.ok;
  }
  const total = result.findings.length;
  const counts = Object.entries(result.counts).map(([k, n]) => `${k} ${n}`).join(", ");
  const lines = [
    `policy ${policy.id} (mode ${mode}), input read as ${result.kind}`,
    total === 0 ? "nothing found" : `${total} finding${total === 1 ? "" : "s"}: ${counts}`,
  ];
  if (total > 0) {
    const w = Math.max(...result.findings.map((f) => f.detector.length));
    lines.push("", ...result.findings.map((f) => `  ${f.detector.padEnd(w)}  ${f.where}`));
  }
  lines.push("", "redacted:", result.redacted);
  if (policies.generatedSalt) {
    lines.push("", "(no pii.replacement.hash_salt: placeholder hashes change on every run)");
  }
  io.stdout(`${lines.join("\n")}\n`);
  return exitCode.ok;
}
