/**
 * `deno task pii-eval [--data PATH] [--json]`: precision and recall of the built-in pattern
 * detectors on a labelled dataset (default: the Presidio synthetic dev set next to the repo).
 * Exits 1 when a type misses its target, 2 on a usage error.
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { builtinDetectors, createScan } from "../src/pii/detectors/mod.ts";
import {
  codePointToUtf16,
  GOLD_TO_DETECTOR,
  type GoldSpan,
  results,
  type Tally,
  tallyDocument,
  type TypeResult,
} from "./pii_eval_core.ts";

interface Record_ {
  full_text: string;
  spans: Array<{ entity_type: string; start_position: number; end_position: number }>;
}

const REPO = fileURLToPath(new URL("..", import.meta.url));
const DEFAULT_DATA = "../shared/data/pii/presidio_synth_dev.json";

function parseArgs(args: string[]): { data: string; json: boolean } | string {
  let data = join(REPO, DEFAULT_DATA);
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--json") json = true;
    else if (a === "--data" && args[i + 1] !== undefined) data = args[++i]!;
    else if (a.startsWith("--data=")) data = a.slice("--data=".length);
    else return `unknown argument ${a}; usage: pii_eval.ts [--data PATH] [--json]`;
  }
  return { data, json };
}

function pct(x: number): string {
  return x.toFixed(3);
}

function table(rows: TypeResult[]): string {
  const head = [
    "type",
    "gold",
    "pred",
    "TP",
    "FP",
    "FN",
    "precision",
    "recall",
    "target P/R",
    "pass",
  ];
  const body = rows.map((r) => [
    r.detector,
    String(r.gold),
    String(r.predicted),
    String(r.tp),
    String(r.fp),
    String(r.fn),
    pct(r.precision),
    pct(r.recall),
    `${r.target.precision.toFixed(2)}/${r.target.recall.toFixed(2)}`,
    r.pass ? "yes" : "NO",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

async function main(args: string[]): Promise<number> {
  const opts = parseArgs(args);
  if (typeof opts === "string") {
    console.error(opts);
    return 2;
  }
  const records = JSON.parse(await Deno.readTextFile(opts.data)) as Record_[];
  const scan = createScan(Object.values(builtinDetectors));
  const tallies: Record<string, Tally> = {};
  const notAttempted: Record<string, number> = {};
  for (const r of records) {
    const toUtf16 = codePointToUtf16(r.full_text);
    const gold: GoldSpan[] = r.spans.map((s) => ({
      type: s.entity_type,
      start: toUtf16(s.start_position),
      end: toUtf16(s.end_position),
    }));
    for (const s of gold) {
      if (!(s.type in GOLD_TO_DETECTOR)) notAttempted[s.type] = (notAttempted[s.type] ?? 0) + 1;
    }
    tallyDocument(tallies, gold, scan(r.full_text));
  }
  const rows = results(tallies);
  const missed = Object.entries(notAttempted).sort((a, b) => b[1] - a[1]);
  if (opts.json) {
    console.log(JSON.stringify(
      {
        data: opts.data,
        documents: records.length,
        results: rows,
        notAttempted: Object.fromEntries(missed),
      },
      null,
      2,
    ));
  } else {
    console.log(`${records.length} documents from ${opts.data}\n`);
    console.log(table(rows));
    console.log(
      `\nNot attempted by patterns: ${missed.map(([t, n]) => `${t} ${n}`).join(", ")}`,
    );
  }
  return rows.every((r) => r.pass) ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
