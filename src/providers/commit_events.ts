/**
 * Cheap looks at one SSE event's data for the commit rules (commit_*.ts): its leading `type`
 * read without parsing, a shape check, and the parse with a `malformed` verdict saying why not.
 */
import type { EventVerdict } from "./commit_types.ts";

/** `{"type":"..."` at the start, as OpenAI and Anthropic put it: read without parsing. */
const leadingType = /^\s*\{\s*"type"\s*:\s*"([^"\\\r\n]{1,200})"/;

export function leadingTypeOf(data: string): string | null {
  return leadingType.exec(data)?.[1] ?? null;
}

/** Cheap shape check of an event not parsed: a JSON object starts and ends with braces. */
export function looksLikeObject(data: string): boolean {
  return data.charCodeAt(0) === 123 && data.charCodeAt(data.length - 1) === 125;
}

/** The event's data as a JSON object, or a `malformed` verdict saying why not. */
export function parseEvent(
  data: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; verdict: EventVerdict } {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { ok: false, verdict: malformed(`an event's data is not JSON: ${preview(data)}`) };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return {
      ok: false,
      verdict: malformed(`an event's data is not a JSON object: ${preview(data)}`),
    };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

export function malformed(detail: string): EventVerdict {
  return { kind: "malformed", detail };
}

function preview(data: string): string {
  const p = data.length > 80 ? `${data.slice(0, 80)}…` : data;
  return JSON.stringify(p);
}
