/**
 * Test helpers for the Gemini core: a usage parser over the real response parser (SSE or JSON
 * frame) with the Gemini reader, and the same fed through the SSE framing with the unframed-line
 * hook the provider contract gains in P0 (plan section 10, `UsageReader.unframed`): lines that
 * are no SSE field reach the reader and the commit scanner. Until P0 wires it in
 * response_parser.ts, `feedWithUnframed` shows the contract with the real `eventsource-parser`:
 * whole lines in, its `unknown-field` lines out.
 */
import { createParser } from "eventsource-parser";
import { createResponseParser } from "../../src/providers/response_parser.ts";
import type { ResponseInfo, UsageReport } from "../../src/providers/types.ts";
import { GeminiUsageReader } from "../../src/providers/gemini_usage.ts";
import type { StreamCommitScanner } from "../../src/providers/stream_commit.ts";

export function streamInfo(path = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse") {
  return {
    path,
    status: 200,
    contentType: "text/event-stream",
    requestedStreaming: true,
    requestModel: "gemini-2.5-flash",
  } satisfies ResponseInfo;
}

export function documentInfo(path = "/v1beta/models/gemini-2.5-flash:generateContent") {
  return {
    path,
    status: 200,
    contentType: "application/json; charset=UTF-8",
    requestedStreaming: false,
    requestModel: "gemini-2.5-flash",
  } satisfies ResponseInfo;
}

/** The whole usage pipeline as it runs today, for answers without unframed lines. */
export function readUsage(
  info: ResponseInfo,
  pieces: Iterable<Uint8Array>,
  complete = true,
  reader = new GeminiUsageReader(),
): UsageReport {
  const parser = createResponseParser(info, "expected", reader);
  for (const p of pieces) parser.push(p);
  return parser.finish(complete);
}

export interface HookedRun {
  reader: GeminiUsageReader;
  events: number;
  unframedLines: string[];
}

/**
 * SSE framing with the unframed hook: `eventsource-parser` fed whole lines (as the gateway's
 * SSE frame feeds it), its events to the reader and scanner, its unknown-field lines to both
 * `unframed` hooks. `complete` false drops an unterminated last line, as the frame does.
 */
export function feedWithUnframed(
  pieces: Iterable<Uint8Array>,
  complete: boolean,
  scanner?: StreamCommitScanner,
  reader = new GeminiUsageReader(),
): HookedRun {
  const run: HookedRun = { reader, events: 0, unframedLines: [] };
  const parser = createParser({
    onEvent(e) {
      const data = e.data.trim();
      if (data === "") return;
      run.events++;
      scanner?.event(e.event ?? null, data);
      try {
        reader.event(JSON.parse(data));
      } catch { /* counted by the frame in production */ }
    },
    onError(e) {
      if (e.type !== "unknown-field" || e.line === undefined) return;
      run.unframedLines.push(e.line);
      reader.unframed(e.line);
      scanner?.unframed(e.line);
    },
  });
  const decoder = new TextDecoder();
  let open = "";
  for (const p of pieces) {
    const text = open + decoder.decode(p, { stream: true });
    const end = Math.max(text.lastIndexOf("\n"), text.lastIndexOf("\r")) + 1;
    if (end > 0) parser.feed(text.slice(0, end));
    open = text.slice(end);
  }
  open += decoder.decode();
  if (complete) parser.feed(open + "\n\n");
  scanner?.end(complete);
  return run;
}
