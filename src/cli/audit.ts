/**
 * `ongoingai audit verify`: walks the audit log's hash chain in the store the config names, read
 * straight from storage (read-only, like `report`: nothing is created, migrated or written), and
 * names the first entry that is missing, changed or out of order. Exit 0 when the chain is valid,
 * 1 when it is not or the store cannot be read, 2 on a usage error.
 */
import { isAbsolute, join } from "node:path";
import { type AuditVerifyResult, openStore, verifyAuditChain } from "../store/mod.ts";
import { normaliseFormat, parseFlags, UsageError } from "./args.ts";
import { type CliCommand, type CliIo, exitCode } from "./io.ts";
import { loadOrReport } from "./load.ts";

const formats = ["text", "json"] as const;

export const auditSpec = {
  name: "audit",
  summary: "Verify the audit log's hash chain offline (exit 1 naming the first bad entry)",
  usage: "ongoingai audit verify [--config PATH] [--format text|json]",
  flags: [
    ["--config PATH", "Config file naming the store (storage.*); default: discovered"],
    ["--format FORMAT", "text (default) or json (schema audit-verify.v1)"],
  ],
} as const;

export interface AuditVerifyDocument extends AuditVerifyResult {
  schema: "audit-verify.v1";
  storage: { driver: string; path?: string };
}

/** Throws UsageError (exit 2) on the first problem. */
export function parseAuditArgs(args: string[]) {
  const [sub, ...rest] = args;
  if (sub !== "verify") {
    throw new UsageError(
      sub === undefined
        ? "audit needs a subcommand: verify"
        : `unknown audit subcommand ${JSON.stringify(sub)}: expected verify`,
    );
  }
  const { values } = parseFlags("audit verify", rest, {
    config: { type: "string" },
    format: { type: "string" },
  });
  return { config: values.config, format: normaliseFormat("audit verify", values.format, formats) };
}

export function renderAuditVerify(doc: AuditVerifyDocument): string {
  const head = `head seq ${doc.head.seq}, hash ${doc.head.hash.slice(0, 16)}…`;
  if (doc.problem === null) {
    return `audit chain valid: ${doc.checked} entries (${head})\n`;
  }
  return `audit chain INVALID at entry ${doc.problem.seq} (${doc.problem.kind}): ` +
    `${doc.problem.message}\n${doc.checked} entries verified before it (${head})\n`;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const audit: CliCommand = async (args, io: CliIo) => {
  const { config: configPath, format } = parseAuditArgs(args);
  const loaded = await loadOrReport(configPath, io);
  if (loaded === null) return exitCode.failure;
  const storage = loaded.config.storage;
  const where: AuditVerifyDocument["storage"] = { driver: storage.driver };
  if (storage.driver === "sqlite") {
    where.path = isAbsolute(storage.path) ? storage.path : join(io.cwd, storage.path);
  }
  let doc: AuditVerifyDocument;
  try {
    const store = await openStore(storage, { cwd: io.cwd, readOnly: true });
    try {
      doc = { schema: "audit-verify.v1", storage: where, ...(await verifyAuditChain(store)) };
    } finally {
      await store.close();
    }
  } catch (err) {
    io.stderr(`failed to read the audit log: ${message(err)}\n`);
    return exitCode.failure;
  }
  io.stdout(format === "json" ? `${JSON.stringify(doc, null, 2)}\n` : renderAuditVerify(doc));
  return doc.ok ? exitCode.ok : exitCode.failure;
};
