/**
 * `ongoingai debug`: a trace's lineage chain, offline, read straight from the store (opened
 * read-only, as `report`), in the original's `debug-chain.v1` document (reference section 1.6),
 * as text or JSON, with `--diff` and a `--bundle-out` directory. Ours on top: `--session-id`, an
 * agent session as the chain; and a trace with no lineage but a session is debugged as that
 * session. Exit 0 ok, 1 when the trace is missing or the store cannot be used, 2 on a usage error.
 */
import {
  buildLineageChain,
  type ChainOptions,
  type ChainSelection,
  lineageLimits,
} from "../api/mod.ts";
import { openStore, type TraceStore } from "../store/mod.ts";
import { normaliseFormat, parseFlags, UsageError } from "./args.ts";
import { writeDebugBundle } from "./debug_bundle.ts";
import { renderDebugText } from "./debug_text.ts";
import { type CliCommand, exitCode } from "./io.ts";
import { loadOrReport } from "./load.ts";

const formats = ["text", "json"] as const;

export const debugSpec = {
  name: "debug",
  summary: "Show a trace's lineage chain offline: its checkpoints in order, diffs, a bundle",
  usage: "ongoingai debug [last] [--config PATH] [--trace-id ID] [--trace-group-id ID] " +
    "[--thread-id ID] [--run-id ID] [--session-id ID] [--format text|json] [--limit N] " +
    "[--diff] [--bundle-out DIR] [--include-headers] [--include-bodies]",
  flags: [
    ["last", "The newest stored trace's chain (the default); no ids with it"],
    ["--config PATH", "Config file naming the store (storage.*); default: discovered"],
    ["--trace-id ID", "This trace's chain (its group, thread and run, else its agent session)"],
    ["--trace-group-id ID", "The chain of this trace group (X-OngoingAI-Trace-Group-ID)"],
    ["--thread-id ID", "The chain of this lineage thread (X-OngoingAI-Thread-ID)"],
    ["--run-id ID", "The chain of this lineage run (X-OngoingAI-Run-ID)"],
    [
      "--session-id ID",
      "The chain of this agent session (Codex, Claude Code, X-OngoingAI-Session-Id)",
    ],
    ["--format FORMAT", "text (default) or json (schema debug-chain.v1)"],
    ["--limit N", `Checkpoints read, 1 to ${lineageLimits.maxLimit} (default 200)`],
    ["--diff", "Compare consecutive checkpoints (changes by SHA-256, sizes, metadata keys)"],
    ["--bundle-out DIR", "Also write DIR/debug-chain.json and DIR/manifest.json (debug-bundle.v1)"],
    ["--include-headers", "Include the stored request and response headers"],
    ["--include-bodies", "Include the stored request and response bodies"],
  ],
} as const;

export interface DebugArgs {
  config: string | undefined;
  format: (typeof formats)[number];
  selection: ChainSelection;
  options: ChainOptions;
  bundleOut: string | undefined;
}

const idFlags = ["trace-id", "trace-group-id", "thread-id", "run-id", "session-id"] as const;

/** Throws UsageError (exit 2) with the original's messages, in its order. */
export function parseDebugArgs(args: string[]): DebugArgs {
  const explicitFirst = args[0]?.trim() === "last";
  const { values, positionals } = parseFlags("debug", explicitFirst ? args.slice(1) : args, {
    config: { type: "string" },
    "trace-id": { type: "string" },
    "trace-group-id": { type: "string" },
    "thread-id": { type: "string" },
    "run-id": { type: "string" },
    "session-id": { type: "string" },
    format: { type: "string" },
    limit: { type: "string" },
    diff: { type: "boolean" },
    "bundle-out": { type: "string" },
    "include-headers": { type: "boolean" },
    "include-bodies": { type: "boolean" },
  }, true);
  if (positionals.length > 1) {
    throw new UsageError("debug accepts at most one positional argument: last");
  }
  if (positionals.length === 1 && positionals[0]!.trim() !== "last") {
    throw new UsageError(`debug positional argument must be "last"`);
  }
  const last = explicitFirst || positionals.length === 1;
  const ids = Object.fromEntries(
    idFlags.map((k) => [k, values[k]?.trim() || undefined]),
  ) as Record<(typeof idFlags)[number], string | undefined>;
  const anyFilter = ids["trace-group-id"] ?? ids["thread-id"] ?? ids["run-id"] ??
    ids["session-id"];
  if (last && (ids["trace-id"] !== undefined || anyFilter !== undefined)) {
    throw new UsageError(
      `debug "last" cannot be combined with --trace-id, --trace-group-id, --thread-id, or --run-id`,
    );
  }
  if (ids["trace-id"] !== undefined && anyFilter !== undefined) {
    throw new UsageError(
      "trace-id cannot be combined with trace-group-id/thread-id/run-id filters",
    );
  }
  const format = normaliseFormat("debug", values.format, formats);
  const limit = parseLimit(values.limit);
  const selection: ChainSelection = {};
  if (ids["trace-id"]) selection.trace_id = ids["trace-id"];
  if (ids["trace-group-id"]) selection.trace_group_id = ids["trace-group-id"];
  if (ids["thread-id"]) selection.thread_id = ids["thread-id"];
  if (ids["run-id"]) selection.run_id = ids["run-id"];
  if (ids["session-id"]) selection.session_id = ids["session-id"];
  const bundle = values["bundle-out"]?.trim();
  return {
    config: values.config,
    format,
    selection,
    options: {
      limit,
      include_diff: values.diff === true,
      include_headers: values["include-headers"] === true,
      include_bodies: values["include-bodies"] === true,
    },
    bundleOut: bundle ? bundle : undefined,
  };
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return lineageLimits.defaultLimit;
  const n = /^\s*-?\d{1,10}\s*$/.test(raw) ? Number(raw) : NaN;
  if (Number.isNaN(n)) {
    throw new UsageError(`invalid value ${JSON.stringify(raw)} for --limit: expected a number`);
  }
  if (n < 1 || n > lineageLimits.maxLimit) {
    throw new UsageError(`limit must be between 1 and ${lineageLimits.maxLimit}`);
  }
  return n;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const debug: CliCommand = async (args, io) => {
  const parsed = parseDebugArgs(args);
  const loaded = await loadOrReport(parsed.config, io);
  if (loaded === null) return exitCode.failure;
  let store: TraceStore;
  try {
    store = await openStore(loaded.config.storage, { cwd: io.cwd, readOnly: true });
  } catch (err) {
    io.stderr(`failed to initialize trace store: ${message(err)}\n`);
    return exitCode.failure;
  }
  let result;
  try {
    result = await buildLineageChain(store, {
      selection: parsed.selection,
      options: parsed.options,
      now: Date.now,
    });
  } catch (err) {
    io.stderr(`failed to build debug chain: ${message(err)}\n`);
    return exitCode.failure;
  } finally {
    await store.close();
  }
  if (result.kind === "trace_not_found") {
    io.stderr("trace not found\n");
    return exitCode.failure;
  }
  if (result.kind === "no_traces") {
    io.stderr(
      Object.keys(parsed.selection).length === 0
        ? "no traces found in storage\n"
        : "no traces found in storage for the given filters\n",
    );
    return exitCode.failure;
  }
  const doc = result.document;
  io.stdout(parsed.format === "json" ? `${JSON.stringify(doc, null, 2)}\n` : renderDebugText(doc));
  if (parsed.bundleOut !== undefined) {
    try {
      const manifest = await writeDebugBundle(parsed.bundleOut, doc, io.cwd, Date.now);
      io.stderr(`wrote debug bundle: ${manifest}\n`);
    } catch (err) {
      io.stderr(`failed to write debug bundle: ${message(err)}\n`);
      return exitCode.failure;
    }
  }
  return exitCode.ok;
};
