/**
 * Writes the matrix section of docs/translation.md (everything from its `## The matrix` heading
 * on) from the conformance cells (tests/testdata/translate/cells/,
 * which tests/providers/translate/cells_test.ts runs through the proxy's own codec registry and
 * stream pipe): one table per client protocol, a column per upstream, a row per case. The rest of
 * the page is written by hand. With `--check`, changes nothing and exits 1 when the page is stale. `deno task docs` runs it with
 * `--with-gen-docs`, then the other generated pages (scripts/gen_docs.ts) with the same flags.
 */
import { formatMarkdown } from "./docs/format.ts";
import { code, table } from "./docs/markdown_table.ts";
import { main as genDocs } from "./gen_docs.ts";
import { cases, type ClientId, clientIds } from "../tests/providers/translate/cells_cases.ts";
import { cellName, cellsRoot, columns, isPassthrough } from "../tests/providers/translate/cells.ts";

export const matrixFile = "docs/translation.md";
/** The heading the generated section starts at; everything after it is generated. */
const matrixHeading = "\n## The matrix\n";
const repoRoot = new URL("../", import.meta.url);

/** The plan's case list (research/issue21_plan.md section 9), in its order. */
export const caseRows: readonly string[] = [
  "system_multi_turn",
  "sampling_stop",
  "image_in",
  "document_in",
  "tools_parallel",
  "tool_result_image",
  "tool_choice_none",
  "tool_choice_required",
  "tool_choice_named",
  "json_schema",
  "thinking_budget",
  "thinking_state_roundtrip",
  "usage_cache_reasoning",
  "error_429",
  "error_overloaded",
  "error_5xx",
  "stream_tools_indices",
  "stream_error_overloaded",
  "stream_codec_golden",
  "unsupported_n",
  "unsupported_web_search",
  "unsupported_image_url",
];

const clientTitles: Record<ClientId, string> = {
  "openai.chat": "OpenAI Chat Completions clients (`POST /v1/chat/completions`)",
  "openai.responses": "OpenAI Responses clients (`POST /v1/responses`)",
  "anthropic.messages": "Anthropic Messages clients (`POST /v1/messages`)",
};

interface Note {
  code: string;
  field: string;
  why: string;
}

function readIf(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

function listDir(path: string): string[] {
  try {
    return [...Deno.readDirSync(path)].filter((e) => e.isDirectory).map((e) => e.name);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
}

/** The notes of one table, numbered in the order first met (the cells cite the numbers). */
class NoteList {
  readonly #index = new Map<string, number>();
  readonly lines: string[] = [];

  cite(n: Note): number {
    const line = `${n.code} ${code(n.field)}: ${n.why}`;
    let at = this.#index.get(line);
    if (at === undefined) {
      at = this.lines.length + 1;
      this.#index.set(line, at);
      this.lines.push(line);
    }
    return at;
  }
}

/** One table cell from a case folder's expected files. */
function status(dir: string, notes: NoteList): string {
  if (readIf(`${dir}/request.json`) === null) return "not covered";
  const error = readIf(`${dir}/error.json`);
  if (error !== null) return `400: ${code(JSON.parse(error).field)}`;
  const list = JSON.parse(readIf(`${dir}/notes.json`) ?? "[]") as Note[];
  if (list.length === 0) return "✓";
  return `note: ${list.map((n) => notes.cite(n)).join(", ")}`;
}

function clientTable(client: ClientId): string {
  const cells = columns.map((c) => ({ column: c, dir: `${cellsRoot}${cellName(client, c)}` }));
  const extra = new Set<string>();
  for (const { dir } of cells) {
    for (const name of listDir(dir)) if (!caseRows.includes(name)) extra.add(name);
  }
  const notes = new NoteList();
  const rows = [...caseRows, ...[...extra].sort()].map((name) => [
    code(name),
    ...cells.map(({ column, dir }) => {
      if (isPassthrough(client, column)) return "passthrough";
      const why = cases[name]?.inexpressible?.[client];
      if (why !== undefined) return `n/a: ${why}`;
      return status(`${dir}/${name}`, notes);
    }),
  ]);
  const list = notes.lines.map((line, i) => `${i + 1}. ${line}`).join("\n");
  return `${table(["case", ...columns.map((c) => c.title)], rows)}\n\nNotes:\n\n${list}`;
}

const header = `# Translation matrix

What the gateway does when a client of one protocol is routed to a target of another (issue 21):
one table per client protocol, a column per upstream, a row per conformance case. Each case is a
folder under [\`tests/testdata/translate/cells/\`](../tests/testdata/translate/cells/) holding the
client's request, the request the gateway sends upstream, the upstream's answer in its own wire
format (document, SSE stream, or AWS event stream), the answer the client gets, and the notes the
translation records on the trace. \`tests/providers/translate/cells_test.ts\` runs every folder
through the same codec registry and stream pipe the proxy runs; streamed cases are also checked
under any chunking of the upstream's bytes and read with the client's own SDK, whose tool calls and
usage must equal the non-streamed answer's.

<!-- Generated by scripts/translation_matrix.ts from tests/testdata/translate/cells/ (deno task docs); do not edit. -->

- ✓: the case translates with nothing dropped or changed.
- note: n, …: it translates, with the documented drops or changes numbered under the table (code,
  field, why), which the trace records as \`translation_notes\`.
- 400: \`field\`: the gateway refuses the request with a 400 naming the field it cannot carry.
- passthrough: client and target speak the same wire format; the request goes as it is, untranslated.
- n/a: the client's protocol cannot express the case.
- not covered: no fixture here. \`thinking_state_roundtrip\` (a thinking signature carried through a
  foreign client and back) needs the seal, which the proxy applies around these codecs (see
  [Thinking state across providers](#thinking-state-across-providers)); it is tested end to end
  in \`tests/e2e/translate_http_test.ts\` and the seal's own tests.

Columns: OpenAI Chat is \`kind: openai\`, OpenAI-compatible is \`kind: openai-compatible\` (same
protocol; thinking text arrives as \`reasoning_content\`, \`max_tokens\` instead of
\`max_completion_tokens\`). OpenAI Responses is an OpenAI provider with
\`translation_api: responses\` (else translated requests for OpenAI targets use Chat Completions). Target models:
${columns.map((c) => `${c.title} ${code(c.model)}`).join(", ")}.
`;

export async function renderMatrix(): Promise<string> {
  const parts = [header];
  for (const client of clientIds) {
    parts.push(`## ${clientTitles[client]}\n\n${clientTable(client)}\n`);
  }
  return await formatMarkdown(parts.join("\n"));
}

/** The page with its matrix section replaced: the tables under `## The matrix`, a level down. */
async function embedded(page: string, matrix: string): Promise<string> {
  const at = page.indexOf(matrixHeading);
  if (at < 0) throw new Error(`${matrixFile} has no "## The matrix" heading to write under`);
  const body = matrix.replace(/^# [^\n]*\n+/, "").replaceAll("\n## ", "\n### ");
  return await formatMarkdown(`${page.slice(0, at)}${matrixHeading}\n${body}`);
}

/** The page as `deno task docs` writes it (the test compares it with the file). */
export async function renderPage(): Promise<string> {
  const url = new URL(matrixFile, repoRoot);
  return await embedded(readIf(url.pathname) ?? "", await renderMatrix());
}

export async function main(args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== "--check" && a !== "--with-gen-docs");
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown[0]}; usage: deno task docs [--check]`);
    return 2;
  }
  const check = args.includes("--check");
  const url = new URL(matrixFile, repoRoot);
  const text = readIf(url.pathname);
  const fresh = await embedded(text ?? "", await renderMatrix());
  let code = 0;
  if (text === fresh) {
    if (!check) console.log(`${matrixFile}: up to date`);
  } else if (check) {
    console.error(`${matrixFile} is stale: run deno task docs`);
    code = 1;
  } else {
    await Deno.writeTextFile(url, fresh);
    console.log(`${matrixFile}: regenerated`);
  }
  if (!args.includes("--with-gen-docs")) return code;
  const rest = await genDocs(check ? ["--check"] : []);
  return Math.max(code, rest);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
