/**
 * The shared half of every usage parser: the frame (usage_sse_frame.ts for SSE, usage_frames.ts
 * for a JSON document), decoding, error counting and the usage status. A wire format supplies
 * only a `UsageReader` (usage_reader.ts) that turns parsed events or documents into figures.
 */
import { isJsonContentType } from "./json_body.ts";
import type { MemberPath } from "./json_member_paths.ts";
import type {
  ResponseInfo,
  SseEventObserver,
  StreamFraming,
  UsageParser,
  UsageReport,
} from "./types.ts";
import type { UsageReader } from "./usage_reader.ts";
import { JsonFrame, UnreadFrame } from "./usage_frames.ts";
import { SseFrame } from "./usage_sse_frame.ts";

export type { ReaderResult, UsageReader } from "./usage_reader.ts";

/**
 * - `expected`: the exchange is billed and reports usage; missing usage is `unknown`.
 * - `optional`: a path we do not know; usage is taken when the response carries it, else `none`.
 * - `none`: nothing billed (model lists, token counting, errors); the body is not read at all.
 */
export type UsageExpectation = "expected" | "optional" | "none";

/** What both document readers read; one shared list, so its scan plan is built once. */
export const modelAndUsage: readonly MemberPath[] = [["model"], ["usage"]];

const methodsWithoutUsage = new Set(["GET", "HEAD", "DELETE", "OPTIONS"]);

/** Status and method rules shared by every provider; the path rule is the adapter's. */
export function expectationFor(info: ResponseInfo, pathRule: UsageExpectation): UsageExpectation {
  if (info.status < 200 || info.status >= 300) return "none";
  if (info.method !== undefined && methodsWithoutUsage.has(info.method.toUpperCase())) {
    return "none";
  }
  return pathRule;
}

/** The `streamKind` of every SSE wire format: a stream when the answer says `text/event-stream`. */
export function sseStreamKind(info: Pick<ResponseInfo, "contentType">): StreamFraming | null {
  return info.contentType?.toLowerCase().includes("text/event-stream") ? "sse" : null;
}

/**
 * The framing a reader of the body assumes, given the adapter's `streamKind` of the answer: the
 * declared one, and for an answer with no content type at all, SSE when the client asked for a
 * stream (upstreams that omit the header still stream what was asked).
 */
export function framingOf(
  info: ResponseInfo,
  declared: StreamFraming | null,
): StreamFraming | null {
  if (info.contentType === null) return info.requestedStreaming ? "sse" : null;
  return declared;
}

/** An SSE answer as an SSE wire format's reader sees it (`framingOf` with `sseStreamKind`). */
export function isEventStream(info: ResponseInfo): boolean {
  return framingOf(info, sseStreamKind(info)) === "sse";
}

/**
 * `declared`: the adapter's `streamKind(info)`; SSE adapters may leave the default. A framing no
 * frame reads yet (the AWS event-stream before its decoder exists) reads no usage: `unknown` on a
 * billed path, never zero.
 */
export function createResponseParser(
  info: ResponseInfo,
  expectation: UsageExpectation,
  reader: UsageReader,
  observer?: SseEventObserver,
  declared: StreamFraming | null = sseStreamKind(info),
): UsageParser {
  const framing = framingOf(info, declared);
  const readable = expectation === "expected" ||
    (expectation === "optional" && (framing !== null || isJsonContentType(info.contentType)));
  if (!readable) return noUsageParser(info.requestModel);
  const frame = framing === "sse"
    ? new SseFrame(reader, observer)
    : framing === null
    ? new JsonFrame(reader)
    : new UnreadFrame(observer);
  let report: UsageReport | null = null;
  return {
    push(chunk) {
      if (report === null && frame.stopped === null) frame.push(chunk);
    },
    stop(reason) {
      if (report === null) frame.stop(reason);
    },
    finish(complete) {
      if (report !== null) return report;
      if (frame.stopped === null) frame.end(complete);
      const r = reader.result(complete);
      const stopped = frame.stopped;
      const known = r.usage !== null && r.final && stopped === null;
      const base: UsageReport = {
        model: r.model ?? info.requestModel,
        usage: known ? r.usage : null,
        // Stopped at a bound: whether the answer carried usage is not known, even on a path
        // where usage is optional.
        status: known ? "exact" : expectation === "expected" || stopped ? "unknown" : "none",
        parseErrors: frame.parseErrors,
      };
      if (stopped !== null) base.unknownReason = stopped;
      if (known && r.billing !== undefined) base.billing = r.billing;
      if (known && r.facts !== undefined) base.facts = r.facts;
      report = frame.streamError ? { ...base, upstreamStreamError: true } : base;
      return report;
    },
  };
}

export function noUsageParser(model: string | null): UsageParser {
  const report: UsageReport = { model, usage: null, status: "none", parseErrors: 0 };
  return { push() {}, stop() {}, finish: () => report };
}
