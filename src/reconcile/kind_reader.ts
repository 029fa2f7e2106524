/**
 * The one shape each report kind's reader has, so that detection, the page walk, coverage and
 * merging are written once (`parse_report.ts`) and a reader only knows its own result fields.
 */
import type { Json, ParseContext, TimeForm } from "./report_input.ts";
import type { Metric, ProviderRow, ReportKind } from "./types.ts";

export type DraftRow = Omit<ProviderRow, "source">;

export interface KindReader {
  kind: ReportKind;
  /** How the document writes its bucket times. */
  time: TimeForm;
  /** One result of a bucket starting on `day` (UTC). */
  row(r: Json, day: string, ctx: ParseContext): DraftRow;
  /** The metrics the document reports, given its rows (some fields are optional). */
  metrics(rows: DraftRow[]): Metric[];
  /** Adjusts rows once all are read (a figure some rows carry and others lack). */
  settle?(rows: DraftRow[]): void;
  /** Caveats the document calls for, given its rows. */
  notes(rows: DraftRow[], ctx: ParseContext): string[];
}
