/**
 * One conformance cell case run through the proxy's own codec registry (protocols.ts) and stream
 * pipe (stream_pipe.ts): the client's request decoded and encoded for the target, the upstream's
 * answer (a document, a stream, or an error) turned into the client's. Folders:
 * tests/testdata/translate/cells/<client>__<column>/<case>/ (plan section 9).
 */
import {
  clientErrorOf,
  decodeClientRequest,
  decodeUpstreamResponse,
  encodeClientResponse,
  encodeUpstreamRequest,
  providerAdapters,
  providerErrorOf,
  StreamPipe,
  type UpstreamTarget,
} from "../../../src/providers/mod.ts";
import {
  Notes,
  type Protocol,
  type Request,
  TranslationError,
} from "../../../src/providers/translate/mod.ts";
import type { ProviderKind } from "../../../src/providers/kinds.ts";
import { waitHintMs } from "../../../src/routing/mod.ts";
import type { ClientId } from "./cells_cases.ts";
import { unhex } from "./cells_wire_others.ts";

export const cellsRoot = new URL("../../testdata/translate/cells/", import.meta.url).pathname;

/** A matrix column: the target's kind and protocol (one protocol, two kinds for Chat). */
export interface Column {
  id: string;
  title: string;
  kind: ProviderKind;
  protocol: Protocol;
  model: string;
}

export const columns: readonly Column[] = [
  {
    id: "openai.chat",
    title: "OpenAI Chat",
    kind: "openai",
    protocol: "openai.chat",
    model: "gpt-4.1",
  },
  {
    id: "openai-compatible.chat",
    title: "OpenAI-compatible",
    kind: "openai-compatible",
    protocol: "openai.chat",
    model: "qwen3-32b",
  },
  {
    id: "openai.responses",
    title: "OpenAI Responses",
    kind: "openai",
    protocol: "openai.responses",
    model: "gpt-5.1",
  },
  {
    id: "anthropic.messages",
    title: "Anthropic Messages",
    kind: "anthropic",
    protocol: "anthropic.messages",
    model: "claude-sonnet-4-5",
  },
  {
    id: "gemini.generate",
    title: "Gemini",
    kind: "gemini",
    protocol: "gemini.generate",
    model: "gemini-2.5-pro",
  },
  {
    id: "bedrock.converse",
    title: "Bedrock Converse",
    kind: "bedrock",
    protocol: "bedrock.converse",
    model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
  },
];

/**
 * The proxy never translates between a client and a target of the same wire format
 * (translate_attempt.ts `needsTranslation`): an OpenAI client's request to any OpenAI or
 * OpenAI-compatible target goes as it is, so those cells are passthrough.
 */
export function isPassthrough(client: ClientId, column: Column): boolean {
  const clientFormat = client === "anthropic.messages" ? "anthropic" : "openai";
  const targetFormat = column.kind === "anthropic"
    ? "anthropic"
    : column.kind === "openai" || column.kind === "openai-compatible"
    ? "openai"
    : column.kind;
  return clientFormat === targetFormat;
}

/** The cell's folder name. */
export function cellName(client: ClientId, column: Column): string {
  return `${client}__${column.id}`;
}

export const createdAt = 1765000000;
/** The gateway's answer id as translate_attempt.ts `answerId` mints it (random part fixed). */
export function answerIdOf(client: ClientId): string {
  return client === "openai.responses" ? "resp_og_cell" : "og_cell";
}

/** What one case gives: each member is one expected file (absent members: no file). */
export interface CaseOutput {
  upstreamRequest?: { path: string; body: unknown };
  /** A document answer, or an error answer `{status, headers, body}`. */
  clientResponse?: unknown;
  /** The client's stream bytes as text. */
  clientStream?: string;
  /** The 400 a TranslationError gives: the field named and why. */
  error?: { status: 400; field: string; reason: string };
  notes: unknown[];
}

export function targetOf(column: Column, stream: boolean): UpstreamTarget {
  return { kind: column.kind, protocol: column.protocol, model: column.model, stream };
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function readJson(path: string): unknown {
  return JSON.parse(Deno.readTextFileSync(path));
}

/** The upstream's stream bytes in the folder (SSE text or the hex of an AWS event stream). */
export function upstreamStreamBytes(dir: string): Uint8Array | null {
  if (exists(`${dir}/upstream_response.sse`)) {
    return Deno.readFileSync(`${dir}/upstream_response.sse`);
  }
  if (exists(`${dir}/upstream_response.eventstream.hex`)) {
    return unhex(Deno.readTextFileSync(`${dir}/upstream_response.eventstream.hex`));
  }
  return null;
}

/** Runs a case folder; a TranslationError at any step is the case's outcome (a 400). */
export function runCase(client: ClientId, column: Column, dir: string): CaseOutput {
  const notes = new Notes();
  const out: CaseOutput = { notes: [] };
  try {
    runSteps(client, column, dir, notes, out);
  } catch (e) {
    if (!(e instanceof TranslationError)) throw e;
    out.error = { status: 400, field: e.field, reason: e.reason };
  }
  out.notes = [...notes.list];
  return out;
}

function runSteps(client: ClientId, column: Column, dir: string, notes: Notes, out: CaseOutput) {
  const body = readJson(`${dir}/request.json`);
  const decoded = decodeClientRequest(client, body, notes);
  const streamBytes = upstreamStreamBytes(dir);
  const target = targetOf(column, decoded.request.stream);
  out.upstreamRequest = encodeUpstreamRequestOf(target, decoded.request, notes);
  if (exists(`${dir}/upstream_status.json`)) {
    out.clientResponse = errorAnswer(client, column, dir);
    return;
  }
  if (decoded.request.stream && streamBytes !== null) {
    out.clientStream = pipeAll(client, target, decoded.includeUsage, [streamBytes], notes);
  }
  if (exists(`${dir}/upstream_response.json`)) {
    // A stream case keeps the same answer as a document too: the client's usage must match.
    const docNotes = decoded.request.stream ? new Notes() : notes;
    let res = decodeUpstreamResponse(
      targetOf(column, false),
      readJson(`${dir}/upstream_response.json`),
      answerIdOf(client),
      docNotes,
    );
    // As translate_relay.ts `translateDocument` does: a Responses client's turn carries the
    // gateway's id (the stream pipe does the same for streams).
    if (client === "openai.responses") res = { ...res, id: answerIdOf(client) };
    out.clientResponse = encodeClientResponse(client, res, createdAt, docNotes);
  }
}

function encodeUpstreamRequestOf(target: UpstreamTarget, req: Request, notes: Notes) {
  const r = encodeUpstreamRequest(target, req, notes);
  return { path: r.path, body: r.body };
}

/** An upstream error as the proxy relays it (translate_relay.ts `relayTranslatedError`). */
function errorAnswer(client: ClientId, column: Column, dir: string) {
  const wire = readJson(`${dir}/upstream_status.json`) as {
    status: number;
    headers: Record<string, string>;
  };
  const text = Deno.readTextFileSync(`${dir}/upstream_response.json`);
  const headers = new Headers(wire.headers);
  const facts = providerAdapters[column.kind].errorFacts?.(wire.status, text, headers) ??
    { category: "other" as const, message: null };
  // Retry hints in these fixtures are relative (seconds, ms), so the clock does not matter.
  const error = providerErrorOf(column.protocol, wire.status, facts, waitHintMs(headers, 0));
  return clientErrorOf(client, error);
}

/** The client's bytes for the upstream's bytes cut into the given chunks. */
export function pipeAll(
  client: ClientId,
  target: UpstreamTarget,
  includeUsage: boolean,
  chunks: Uint8Array[],
  notes: Notes,
): string {
  const id = answerIdOf(client);
  const pipe = new StreamPipe({ target, client, includeUsage, id, createdAt, notes });
  const text = new TextDecoder();
  let out = "";
  for (const c of chunks) out += text.decode(pipe.push(c), { stream: true });
  out += text.decode(pipe.end());
  return out;
}

/** The expected files of a case folder as they are on disk (null: no such file). */
export function readExpected(dir: string): Record<string, string | null> {
  const read = (name: string) =>
    exists(`${dir}/${name}`) ? Deno.readTextFileSync(`${dir}/${name}`) : null;
  return {
    "upstream_request.json": read("upstream_request.json"),
    "client_response.json": read("client_response.json"),
    "client_response.sse": read("client_response.sse"),
    "error.json": read("error.json"),
    "notes.json": read("notes.json"),
  };
}

/** The expected files a case's output gives, formatted as stored. */
export function renderExpected(o: CaseOutput): Record<string, string | null> {
  const json = (v: unknown) => v === undefined ? null : JSON.stringify(v, null, 2) + "\n";
  return {
    "upstream_request.json": json(o.upstreamRequest),
    "client_response.json": json(o.clientResponse),
    "client_response.sse": o.clientStream ?? null,
    "error.json": json(o.error),
    "notes.json": json(o.notes),
  };
}

/** Every case folder: [client, column, case name, folder path]. */
export function caseFolders(): [ClientId, Column, string, string][] {
  const out: [ClientId, Column, string, string][] = [];
  for (const cell of [...Deno.readDirSync(cellsRoot)].map((e) => e.name).sort()) {
    if (!cell.includes("__")) continue;
    const [client, columnId] = cell.split("__") as [ClientId, string];
    const column = columns.find((c) => c.id === columnId);
    if (column === undefined) throw new Error(`cells/${cell}: unknown column ${columnId}`);
    for (const name of [...Deno.readDirSync(`${cellsRoot}${cell}`)].map((e) => e.name).sort()) {
      out.push([client, column, name, `${cellsRoot}${cell}/${name}`]);
    }
  }
  return out;
}
