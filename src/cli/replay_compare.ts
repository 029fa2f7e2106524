/**
 * `ongoingai replay --compare`: the stored answer and the replay's side by side. Each side is
 * read from its trace (status, model, tokens, cost, latency; unknown stays "unknown", never 0)
 * and its answer's text from the bytes with the providers' `summarizeAnswer`, in the protocol
 * the gateway names for each (`X-OngoingAI-Answer-Protocol`, `-Source-Answer-Protocol`). Pure.
 */
import {
  type AnswerSummary,
  summarizeAnswer,
  type TranslationProtocol,
  translationProtocols,
} from "../providers/mod.ts";
import type { ReplayAnswer, ReplayFacts } from "./replay.ts";

export interface CompareSide {
  trace_id: string | null;
  status: number | null;
  provider: string | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  estimated_cost_usd: number | null;
  cost_status: string | null;
  latency_ms: number | null;
  time_to_first_token_ms: number | null;
  /** Whether the answer was an event stream; null when not known (no trace read). */
  streaming: boolean | null;
  text: string;
  text_truncated: boolean;
  stop_reason: string | null;
  error: string | null;
  /** False: the answer was cut (capture cap, a broken stream) or not stored at all. */
  complete: boolean;
}

/** The protocols whose answers can be read (`summarizeAnswer`), by the gateway's header values. */
export const answerProtocols: readonly string[] = translationProtocols;

function protocolOf(name: string | undefined): TranslationProtocol | null {
  return name !== undefined && answerProtocols.includes(name) ? name as TranslationProtocol : null;
}

function summary(
  protocol: TranslationProtocol | null,
  bytes: Uint8Array,
  contentType: string | null,
  truncated: boolean,
): AnswerSummary | null {
  if (protocol === null) return null;
  return summarizeAnswer({ protocol, contentType, bytes, truncated });
}

const empty = {
  text: "",
  text_truncated: false,
  stop_reason: null,
  error: null,
  complete: false,
};

/** The answer the replay got, before its trace is read. */
export function answerSide(a: ReplayAnswer): CompareSide {
  const s = summary(
    protocolOf(a.headers["x-ongoingai-answer-protocol"]),
    a.bytes,
    a.headers["content-type"] ?? null,
    a.cut,
  );
  return {
    trace_id: a.headers["x-ongoingai-trace-id"] ?? null,
    status: a.status,
    provider: null,
    model: null,
    input_tokens: null,
    output_tokens: null,
    estimated_cost_usd: null,
    cost_status: null,
    latency_ms: null,
    time_to_first_token_ms: null,
    streaming: (a.headers["content-type"] ?? "").includes("event-stream") ? true : null,
    ...(s === null ? { ...empty, text: new TextDecoder().decode(a.bytes.subarray(0, 4096)) } : {
      text: s.text,
      text_truncated: s.text_truncated,
      stop_reason: s.stop_reason,
      error: s.error,
      complete: s.complete && !a.cut,
    }),
  };
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown) => (typeof v === "string" ? v : null);

/**
 * A side from a trace detail (`GET /api/traces/{id}`); its text from the stored answer, or from
 * `fallback` (the answer as received) when the trace stored none.
 */
export function traceSide(
  trace: Record<string, unknown>,
  protocolName: string | undefined,
  fallback?: CompareSide,
): CompareSide {
  const body = str(trace.response_body);
  // A translated exchange stores the upstream's answer: its trace names that protocol.
  const upstream = str((trace.metadata as Record<string, unknown> | undefined)?.upstream_protocol);
  const s = body === null ? null : summary(
    protocolOf(upstream ?? protocolName),
    new TextEncoder().encode(body),
    null,
    trace.response_body_truncated === true,
  );
  const text = s === null
    ? fallback === undefined ? { ...empty } : {
      text: fallback.text,
      text_truncated: fallback.text_truncated,
      stop_reason: fallback.stop_reason,
      error: fallback.error,
      complete: fallback.complete,
    }
    : {
      text: s.text,
      text_truncated: s.text_truncated,
      stop_reason: s.stop_reason,
      error: s.error,
      complete: s.complete,
    };
  return {
    trace_id: str(trace.id),
    status: num(trace.response_status),
    provider: str(trace.provider),
    model: str(trace.model),
    input_tokens: num(trace.input_tokens),
    output_tokens: num(trace.output_tokens),
    estimated_cost_usd: num(trace.estimated_cost_usd),
    cost_status: str(trace.cost_status),
    latency_ms: num(trace.latency_ms),
    time_to_first_token_ms: num(trace.time_to_first_token_ms),
    streaming: typeof trace.streaming === "boolean" ? trace.streaming : null,
    ...text,
  };
}

/** Columns of text beside each other, each at most this wide. */
const columnWidth = 48;
/** Lines of answer text shown per side; the JSON output has all of it. */
const maxTextLines = 40;

function shown(v: string | number | null, unit = ""): string {
  return v === null ? "unknown" : terminalSafe(`${v}${unit}`);
}

/** Measured for streams only: a document has none, which is not the same as unknown. */
function firstToken(side: CompareSide): string {
  if (side.streaming === false) return "n/a (not streamed)";
  return shown(side.time_to_first_token_ms, " ms");
}

function cost(side: CompareSide): string {
  if (side.estimated_cost_usd !== null) return `$${side.estimated_cost_usd.toFixed(6)}`;
  return side.cost_status === null ? "unknown" : `unknown (${side.cost_status})`;
}

// deno-lint-ignore no-control-regex
const controls = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text from a provider (an answer, a model name) made safe for a terminal: control characters
 * but the line feed shown as `\uXXXX`, so an answer cannot move the cursor, clear the screen or
 * retitle the window.
 */
export const terminalSafe = (s: string) =>
  s.replace(controls, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** Characters, not UTF-16 units: an emoji is never cut in two. */
const chars = (s: string) => Array.from(s);

/** `text` cut into lines of at most `width` characters (words kept whole where they fit). */
export function wrap(text: string, width: number, maxLines: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(" ")) {
      let w = chars(word);
      while (w.length > width) {
        if (line !== "") out.push(line), line = "";
        out.push(w.slice(0, width).join(""));
        w = w.slice(width);
      }
      const piece = w.join("");
      if (line === "") line = piece;
      else if (chars(line).length + 1 + w.length <= width) line += ` ${piece}`;
      else out.push(line), line = piece;
    }
    out.push(line);
    if (out.length > maxLines) break;
  }
  if (out.length > maxLines) return [...out.slice(0, maxLines - 1), "[...]"];
  return out;
}

export function compareText(
  id: string,
  facts: ReplayFacts,
  c: { source: CompareSide; replay: CompareSide },
): string {
  const rows: [string, string, string][] = [
    ["trace", shown(c.source.trace_id), shown(c.replay.trace_id)],
    ["status", shown(c.source.status), shown(c.replay.status)],
    ["provider", shown(c.source.provider), shown(c.replay.provider)],
    ["model", shown(c.source.model), shown(c.replay.model)],
    ["input tokens", shown(c.source.input_tokens), shown(c.replay.input_tokens)],
    ["output tokens", shown(c.source.output_tokens), shown(c.replay.output_tokens)],
    ["cost", cost(c.source), cost(c.replay)],
    ["latency", shown(c.source.latency_ms, " ms"), shown(c.replay.latency_ms, " ms")],
    [
      "first token",
      firstToken(c.source),
      firstToken(c.replay),
    ],
    ["stop", shown(c.source.stop_reason), shown(c.replay.stop_reason)],
  ];
  const label = Math.max(...rows.map(([l]) => l.length));
  const line = (l: string, a: string, b: string) =>
    `${l.padEnd(label)}  ${a}${" ".repeat(Math.max(0, columnWidth - chars(a).length))}  ${b}`
      .trimEnd();
  const out = [line("", "source", facts.changed.length > 0 ? "fork" : "replay")];
  for (const [l, a, b] of rows) out.push(line(l, a, b));
  const left = sideText(c.source), right = sideText(c.replay);
  out.push("");
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    out.push(line("", left[i] ?? "", right[i] ?? ""));
  }
  if (facts.changed.length > 0) out.push("", `changed: ${facts.changed.join(", ")}`);
  if (facts.notes.length > 0) out.push(`notes: ${facts.notes.join(", ")}`);
  out.push(`replayed ${id} as ${facts.trace_id ?? "(not traced)"}`);
  return `${out.join("\n")}\n`;
}

function sideText(side: CompareSide): string[] {
  const text = side.text === "" ? "(no text)" : terminalSafe(side.text);
  const lines = wrap(text, columnWidth, maxTextLines);
  if (side.text_truncated) lines.push("[text cut]");
  if (!side.complete) lines.push("[answer incomplete or not stored]");
  if (side.error !== null) {
    lines.push(...wrap(`error: ${terminalSafe(side.error)}`, columnWidth, 4));
  }
  return lines;
}
