/**
 * Media the two OpenAI formats (Chat and Responses) carry alike: a `data:` URL, and a file's
 * `file_data`, which may be a `data:` URL or bare base64 (what the SDK examples send for PDFs).
 */
import type { DocumentBlock, MediaSource } from "./ir.ts";
import type { Notes } from "./notes.ts";

/** `data:<type>;base64,<data>` → an inline source; null for any other URL. */
export function parseDataUrl(url: string): MediaSource | null {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return m === null ? null : { kind: "base64", mediaType: m[1]!, data: m[2]! };
}

/** A file part's `file_data` (`field` names it) → the document; bare base64 is taken as a
 *  PDF, noted. */
export function fileDataDocument(
  data: string,
  field: string,
  title: string | null,
  notes: Notes,
): DocumentBlock {
  const parsed = parseDataUrl(data);
  if (parsed !== null) return { type: "document", source: parsed, title };
  notes.add("converted", field, "bare base64 file data taken as application/pdf");
  return {
    type: "document",
    source: { kind: "base64", mediaType: "application/pdf", data },
    title,
  };
}
