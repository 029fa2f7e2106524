/**
 * `deno task pii-eval [--data PATH] [--variants] [--json]`: precision and recall of the built-in
 * pattern detectors on a labelled dataset (default: the Presidio synthetic dev set next to the
 * repo). `--variants` measures instead the same records rewritten into the forms pasted text
 * takes (zero-width characters, no-break spaces, `%40`, `&#64;`, full-width forms; see
 * `pii_variants.ts`), with a line per variant. Exits 1 when a type misses its target, 2 on a
 * usage error.
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { builtinDetectors, createScan } from "../src/pii/detectors/mod.ts";
import { applyVariant, type LabelledText, VARIANTS } from "./pii_variants.ts";
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

interface Options {
  data: string;
  json: boolean;
  variants: boolean;
}

function parseArgs(args: string[]): Options | string {
  let data = join(REPO, DEFAULT_DATA);
  let json = false;
  let variants = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--json") json = true;
    else if (a === "--variants") variants = true;
    else if (a === "--data" && args[i + 1] !== undefined) data = args[++i]!;
    else if (a.startsWith("--data=")) data = a.slice("--data=".length);
    else return `unknown argument ${a}; usage: pii_eval.ts [--data PATH] [--variants] [--json]`;
  }
  return { data, json, variants };
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
  const docs: LabelledText[] = records.map((r) => {
    const toUtf16 = codePointToUtf16(r.full_text);
    const gold: GoldSpan[] = r.spans.map((s) => ({
      type: s.entity_type,
      start: toUtf16(s.start_position),
      end: toUtf16(s.end_position),
    }));
    return { text: r.full_text, gold };
  });
  if (opts.variants) return variantsReport(docs, scan, opts);
  for (const { text, gold } of docs) {
    for (const s of gold) {
      if (!(s.type in GOLD_TO_DETECTOR)) notAttempted[s.type] = (notAttempted[s.type] ?? 0) + 1;
    }
    tallyDocument(tallies, gold, scan(text));
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

/** Per-type figures over every variant, and recall and false positives per variant. */
function variantsReport(
  docs: readonly LabelledText[],
  scan: (text: string) => ReturnType<ReturnType<typeof createScan>>,
  opts: Options,
): number {
  const attempted = (type: string) => type in GOLD_TO_DETECTOR;
  const all: Record<string, Tally> = {};
  const perVariant: Array<{ variant: string; documents: number } & Tally> = [];
  for (const variant of VARIANTS) {
    const tallies: Record<string, Tally> = {};
    let documents = 0;
    for (const doc of docs) {
      const v = applyVariant(variant, doc, attempted);
      if (v === null) continue;
      documents++;
      const found = scan(v.text);
      tallyDocument(tallies, v.gold, found);
      tallyDocument(all, v.gold, found);
    }
    const sum = { gold: 0, predicted: 0, tp: 0, fp: 0, fn: 0 };
    for (const t of Object.values(tallies)) {
      for (const k of Object.keys(sum) as Array<keyof Tally>) sum[k] += t[k];
    }
    perVariant.push({ variant: variant.name, documents, ...sum });
  }
  const rows = results(all);
  if (opts.json) {
    console.log(JSON.stringify({ data: opts.data, results: rows, variants: perVariant }, null, 2));
  } else {
    console.log(`Variants of ${docs.length} documents from ${opts.data}\n`);
    console.log(table(rows));
    console.log("");
    const w = Math.max(...perVariant.map((v) => v.variant.length));
    console.log(`${"variant".padEnd(w)}  docs  gold  found  missed  FP  recall`);
    for (const v of perVariant) {
      const recall = v.gold === 0 ? 1 : (v.gold - v.fn) / v.gold;
      console.log(
        `${v.variant.padEnd(w)}  ${String(v.documents).padStart(4)}  ${
          String(v.gold).padStart(4)
        }  ${String(v.gold - v.fn).padStart(5)}  ${String(v.fn).padStart(6)}  ${
          String(v.fp).padStart(2)
        }  ${pct(recall)}`,
      );
    }
  }
  return rows.every((r) => r.pass) ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
