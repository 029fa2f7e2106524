/**
 * Helpers for the SSE redactor tests: parse output the way a client does (`eventsource-parser`),
 * gather what a client would show per channel, and rewrite recorded transcripts to carry chosen
 * deltas.
 */
import { createParser } from "eventsource-parser";
import { createSseRedactor, type SseRedactorOptions } from "../../src/pii/stream/mod.ts";
// Not re-exported by providers/mod.ts yet (outside this change); see the report.
import type { JsonPath, StreamTextLocator } from "../../src/providers/types.ts";
import { anthropicAdapter, openAiAdapter } from "../../src/providers/mod.ts";
import { pipeThroughPieces } from "../providers/replay.ts";

export const enc = new TextEncoder();
export const dec = new TextDecoder();

export const wireFormats = {
  openai: {
    locate: openAiAdapter.locateStreamText!,
    streamError: openAiAdapter.streamError!,
  },
  anthropic: {
    locate: anthropicAdapter.locateStreamText!,
    streamError: anthropicAdapter.streamError!,
  },
};

export const transcripts = [...Deno.readDirSync(new URL("../testdata/openai/", import.meta.url))]
  .map((f) => `openai/${f.name}`)
  .concat(
    [...Deno.readDirSync(new URL("../testdata/anthropic/", import.meta.url))].map((f) =>
      `anthropic/${f.name}`
    ),
  )
  .filter((f) => f.endsWith(".sse"))
  .sort()
  .map((file) => ({
    file,
    format: wireFormats[file.startsWith("openai") ? "openai" : "anthropic"],
  }));

export interface ClientEvent {
  event: string | null;
  data: string;
}

/** The events a spec-following client dispatches (an unterminated last event is not). */
export function parseSse(text: string): ClientEvent[] {
  const events: ClientEvent[] = [];
  const parser = createParser({
    onEvent: (e) => events.push({ event: e.event ?? null, data: e.data }),
  });
  parser.feed(text);
  return events;
}

function json(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

export function getAt(root: unknown, path: JsonPath): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** Per channel, the concatenated deltas; and every event without a delta, as parsed data. */
export function clientView(events: ClientEvent[], locate: StreamTextLocator) {
  const text: Record<string, string> = {};
  const other: unknown[] = [];
  for (const e of events) {
    const data = json(e.data);
    const loc = locate({ event: e.event, data });
    for (const f of loc.fields) {
      text[f.channel] = (text[f.channel] ?? "") + String(getAt(data, f.path));
    }
    if (loc.fields.length === 0) other.push({ event: e.event, data });
  }
  return { text, other };
}

export async function run(
  pieces: Uint8Array[],
  opts: SseRedactorOptions,
): Promise<string> {
  return dec.decode(await pipeThroughPieces(pieces, createSseRedactor(opts)));
}

/** Raw events of a regular transcript (each ends with a blank line). */
export function rawEvents(text: string): string[] {
  return text.match(/[\s\S]*?(?:\r\n\r\n|\n\n|\r\r|$)/g)!.filter((e) => e !== "");
}

/**
 * The transcript with the deltas of its first text channel replaced by `pieces`: one copy of
 * that channel's first delta event per piece, where its deltas were; every other event as is.
 */
export function withDeltas(text: string, locate: StreamTextLocator, pieces: string[]): string {
  const events = rawEvents(text);
  let channel: string | null = null;
  let out = "";
  let placed = false;
  for (const raw of events) {
    const parsed = parseSse(raw.endsWith("\n") || raw.endsWith("\r") ? raw : `${raw}\n\n`)[0];
    const data = parsed === undefined ? null : json(parsed.data);
    const field = parsed === undefined
      ? undefined
      : locate({ event: parsed.event, data }).fields.find((f) =>
        channel === null || f.channel === channel
      );
    // Anthropic's opening `content_block_start` (its text is empty) stays as it is: the pieces
    // replace the first delta.
    if (field === undefined || data === null || field.path[0] === "content_block") {
      out += raw;
      continue;
    }
    channel = field.channel;
    if (placed) continue;
    placed = true;
    const line = raw.match(/^data: .*$/m)![0];
    for (const p of pieces) {
      const copy = structuredClone(data);
      setAt(copy, field.path, p);
      out += raw.replace(line, () => `data: ${JSON.stringify(copy)}`);
    }
  }
  return out;
}

function setAt(root: unknown, path: JsonPath, value: unknown): void {
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path.at(-1)!] = value;
}

/** Cuts text into pieces at the given (unsorted, repeated) offsets. */
export function cutString(text: string, offsets: number[]): string[] {
  const points = [...new Set(offsets.map((o) => o % (text.length + 1)))].sort((a, b) => a - b);
  return [...points, text.length].map((p, i, all) => text.slice(i === 0 ? 0 : all[i - 1], p));
}
