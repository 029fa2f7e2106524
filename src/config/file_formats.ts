/**
 * YAML (the original's `ongoingai.yaml`) and JSON config files. YAML is parsed strictly, as the
 * original did: one document only, duplicate keys refused, and every error carries its line.
 * Schema issues found later can be located in the file through `locate`.
 */
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
} from "yaml";
import type { ConfigIssue, PathSegment } from "./issues.ts";

export type Locate = (at: readonly PathSegment[]) => { line: number; column: number } | undefined;

export type FileParse =
  | { ok: true; value: Record<string, unknown>; locate?: Locate }
  | { ok: false; issues: ConfigIssue[] };

export function parseYaml(text: string, file: string): FileParse {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const docs = Array.isArray(parsed) ? parsed : [];
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (docs.length > 1) {
    const second = docs[1]?.range[0] ?? 0;
    return fail({ message: "multiple yaml documents are not supported", file, ...at(second) }, {
      hint: "keep one document: remove the --- separator",
    });
  }
  const doc = docs[0];
  if (!doc) return { ok: true, value: {} };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => ({
        path: "",
        message: `invalid YAML: ${e.message}`,
        file,
        ...at(e.pos[0]),
      })),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return fail({ message: `invalid YAML: ${(error as Error).message}`, file });
  }
  const top = topLevel(value, file, "a YAML mapping (server:, storage:, providers: ...)");
  if (!top.ok) return top;
  return { ok: true, value: top.value, locate: (path) => locateInYaml(doc, path, at) };
}

export function parseJson(text: string, file: string): FileParse {
  if (text.trim() === "") return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const m = /\(line (\d+) column (\d+)\)/.exec(message);
    const pos = m ? { line: Number(m[1]), column: Number(m[2]) } : {};
    return fail({
      message: `invalid JSON: ${message.replace(/ \(line \d+ column \d+\)/, "")}`,
      file,
      ...pos,
    });
  }
  return topLevel(value, file, "a JSON object");
}

function fail(issue: Omit<ConfigIssue, "path">, extra: { hint?: string } = {}): FileParse {
  return { ok: false, issues: [{ path: "", ...issue, ...extra }] };
}

/** Accepts an object (or nothing); `$schema`, which editors use for completion, is dropped. */
function topLevel(value: unknown, file: string, expected: string): FileParse {
  if (value === null || value === undefined) return { ok: true, value: {} };
  if (typeof value !== "object" || Array.isArray(value)) {
    return fail({ message: `the file must contain ${expected}`, file });
  }
  const { $schema: _ignored, ...rest } = value as Record<string, unknown>;
  return { ok: true, value: rest };
}

/** Position of the deepest node of `path` that exists: the key itself for a mapping entry. */
function locateInYaml(
  doc: Document,
  path: readonly PathSegment[],
  at: (offset: number) => { line: number; column: number },
): { line: number; column: number } | undefined {
  let node: unknown = doc.contents;
  let found: { line: number; column: number } | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) =>
        isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment)
      );
      if (!pair) break;
      const key = pair.key as { range?: [number, number, number] };
      if (key.range) found = at(key.range[0]);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as { range?: [number, number, number] } | undefined;
      if (!item) break;
      if (item.range) found = at(item.range[0]);
      node = item;
    } else break;
  }
  return found;
}
