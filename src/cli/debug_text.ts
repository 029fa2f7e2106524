/**
 * The text form of `ongoingai debug`, the original's layout: `OngoingAI Debug Chain`, a block of
 * aligned rows about the selection and the chain, one block per step, then (with `--diff`) the
 * `Diffs` table and each diff's metadata keys. A figure the store does not know prints as `-`,
 * never 0; `metadata` is its JSON with sorted keys. Stored strings come from clients and
 * upstreams, so control characters (C0, DEL, C1: a terminal's escape sequences, line breaks that
 * would fake rows) print as `\uXXXX`.
 */
import { canonicalJson, type Checkpoint, type DebugChainDocument } from "../api/mod.ts";
import { table } from "./report_text.ts";

type Cell = string | number | boolean | null;

// deno-lint-ignore no-control-regex
const controls = /[\u0000-\u001f\u007f-\u009f]/g;
/** A stored string made safe for a terminal: one line, no escape sequences. */
export const visible = (s: string) =>
  s.replace(controls, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

const or = (
  v: string | undefined,
  fallback: string,
) => (v === undefined || v === "" ? fallback : v);
const num = (x: number | null | undefined) => (x === null || x === undefined ? "-" : String(x));
const usd = (x: number | null) => (x === null ? "-" : x.toFixed(6));
const flag = (x: boolean | null) => (x === null ? "-" : String(x));
/** RFC 3339 to the second, as the original prints times. */
const seconds = (iso: string) => iso.replace(/\.\d+Z$/, "Z");

/** Two columns, two spaces apart: the original's tabwriter blocks. */
function rows(pairs: [string, Cell][]): string[] {
  return table(
    [{ title: "" }, { title: "" }],
    pairs.map(([k, v]) => [k, v === null ? "-" : visible(String(v))]),
    "",
  ).slice(1);
}

function header(doc: DebugChainDocument): string[] {
  const s = doc.selection, c = doc.chain, src = doc.source;
  const pairs: [string, Cell][] = [
    ["Schema version", doc.schema_version],
    ["Generated at", seconds(doc.generated_at)],
    ["Filter trace_id", or(s.trace_id, "(latest)")],
    ["Filter trace_group_id", or(s.trace_group_id, "(none)")],
    ["Filter thread_id", or(s.thread_id, "(none)")],
    ["Filter run_id", or(s.run_id, "(none)")],
  ];
  if (s.session_id !== undefined) pairs.push(["Filter session_id", s.session_id]);
  pairs.push(
    ["Option limit", doc.options.limit],
    ["Option include_diff", doc.options.include_diff],
    ["Option include_headers", doc.options.include_headers],
    ["Option include_bodies", doc.options.include_bodies],
    ["Source trace", doc.source_trace_id],
    ["Source time", seconds(doc.source_timestamp)],
    ["Source provider", or(src.provider, "(unknown)")],
    ["Source model", or(src.model, "(unknown)")],
    ["Source path", or(src.request_path, "(unknown)")],
    ["Source status", src.response_status],
    ["Chain identifier", c.lineage_identifier],
    ["Chain group_id", or(c.group_id, "(none)")],
    ["Chain thread_id", or(c.thread_id, "(none)")],
    ["Chain run_id", or(c.run_id, "(none)")],
  );
  if (c.session_id !== undefined) pairs.push(["Chain session_id", c.session_id]);
  pairs.push(["Chain checkpoints", c.checkpoint_count], ["Truncated", c.truncated]);
  return rows(pairs);
}

function step(c: Checkpoint, doc: DebugChainDocument): string[] {
  const l = c.lineage;
  const out = ["", `Step ${c.step}: ${visible(c.id)}`];
  out.push(...rows([
    ["time", seconds(c.created_at || c.timestamp)],
    ["provider", or(c.provider, "(unknown)")],
    ["model", or(c.model, "(unknown)")],
    ["request", `${or(c.request_method, "UNKNOWN")} ${or(c.request_path, "(unknown)")}`],
    ["response_status", c.response_status],
    [
      "tokens",
      `input=${num(c.input_tokens)} output=${num(c.output_tokens)} total=${num(c.total_tokens)}`,
    ],
    ["estimated_cost_usd", usd(c.estimated_cost_usd)],
    ["latency_ms", c.latency_ms],
    ["ttft_ms", num(c.time_to_first_token_ms)],
    [
      "lineage",
      `checkpoint=${or(l.checkpoint_id, "(none)")} parent=${
        or(l.parent_checkpoint_id, "(none)")
      } seq=${num(l.checkpoint_seq)} immutable=${l.immutable}`,
    ],
    ["metadata", canonicalJson(c.metadata)],
  ]));
  if (doc.options.include_headers) {
    if (c.request_headers) out.push(`request_headers: ${visible(c.request_headers)}`);
    if (c.response_headers) out.push(`response_headers: ${visible(c.response_headers)}`);
  }
  if (doc.options.include_bodies) {
    if (c.request_body?.trim()) out.push(`request_body: ${visible(c.request_body)}`);
    if (c.response_body?.trim()) out.push(`response_body: ${visible(c.response_body)}`);
  }
  return out;
}

function diffs(doc: DebugChainDocument): string[] {
  const list = doc.diffs ?? [];
  const out = ["", "Diffs"];
  if (list.length === 0) return [...out, "(no checkpoint diffs)"];
  out.push(...table(
    [
      "FROM",
      "TO",
      "TOTAL_TOKENS_DELTA",
      "LATENCY_DELTA_MS",
      "PATH_CHANGED",
      "MODEL_CHANGED",
      "STATUS_CHANGED",
      "REQUEST_BODY_CHANGED",
      "RESPONSE_BODY_CHANGED",
      "METADATA_KEYS_CHANGED",
    ].map((title) => ({ title })),
    list.map((d) => [
      visible(d.from_checkpoint_id),
      visible(d.to_checkpoint_id),
      num(d.total_tokens_delta),
      d.latency_delta_ms,
      String(d.request_path_changed),
      String(d.model_changed),
      String(d.response_status_changed),
      flag(d.request_body_changed),
      flag(d.response_body_changed),
      d.metadata_keys_changed.length,
    ]),
    "",
  ));
  for (const d of list) {
    const [a, r, c] = [d.metadata_keys_added, d.metadata_keys_removed, d.metadata_keys_changed];
    if (a.length + r.length + c.length === 0) continue;
    out.push(
      "",
      `Diff ${visible(d.from_checkpoint_id)} -> ${visible(d.to_checkpoint_id)} metadata keys`,
    );
    out.push(...rows([["added", a.join(",")], ["removed", r.join(",")], [
      "changed",
      c.join(","),
    ]]));
  }
  return out;
}

export function renderDebugText(doc: DebugChainDocument): string {
  const lines = ["OngoingAI Debug Chain", ...header(doc)];
  for (const c of doc.chain.checkpoints) lines.push(...step(c, doc));
  if (doc.options.include_diff) lines.push(...diffs(doc));
  return lines.map((l) => l.trimEnd()).join("\n") + "\n";
}
