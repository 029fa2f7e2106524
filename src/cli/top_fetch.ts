/**
 * One `GET /api/live` for `ongoingai top`: straight to the gateway like `routes` and `health`
 * (never through HTTP_PROXY), ended after a timeout shorter than the interval, the answer bounded
 * and checked against the `live.v1` schema. A failure comes back as one line saying what was
 * wrong and what to do, for the status line; `top` keeps going and tries again.
 */
import { type LiveResponse, liveResponseSchema, liveSchemaVersion } from "../api/mod.ts";
import { type LiveQuery, liveSearch } from "../top/mod.ts";
import { errorOf, requestGatewayApi, shownUrl } from "./direct_request.ts";
import { failureReason } from "./health.ts";

/** Past any live.v1 document: at most 3 x 50 busiest entries and 100 requests. */
const maxAnswerBytes = 4 << 20;

export type LiveOutcome = { ok: true; doc: LiveResponse } | { ok: false; message: string };

export interface LiveSource {
  /** The gateway's base URL, without a trailing '/'. */
  base: string;
  /** The header the gateway key goes in, and the key ("" none). */
  header: string;
  token: string;
  /** Where the key came from, for messages (the variable or the flag). */
  keyFrom: string;
  timeoutMs: number;
}

export async function fetchLive(source: LiveSource, query: LiveQuery): Promise<LiveOutcome> {
  const url = `${source.base}/api/live?${liveSearch(query)}`;
  let answer: { status: number; text: string };
  try {
    answer = await requestGatewayApi(url, {
      method: "GET",
      key: { header: source.header, token: source.token },
      timeoutMs: source.timeoutMs,
      maxBytes: maxAnswerBytes,
    });
  } catch (error) {
    return { ok: false, message: `${shownUrl(source.base)}: ${unreachable(error, source)}` };
  }
  if (answer.status !== 200) return { ok: false, message: refusal(answer, source) };
  return parsed(answer.text, source);
}

function unreachable(error: unknown, source: LiveSource): string {
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return `no answer within ${source.timeoutMs} ms (a longer --interval gives it more time)`;
  }
  const reason = failureReason(error, source.timeoutMs);
  // Short enough for the status line with the URL before it.
  return reason.startsWith("connection refused")
    ? "connection refused: is the gateway running there (`ongoingai serve`)?"
    : reason;
}

/** The gateway's refusal as one line, with what to do for the usual ones. */
export function refusal(answer: { status: number; text: string }, source: LiveSource): string {
  const { code, message } = errorOf(answer, 200);
  const status = answer.status;
  if (status === 401) {
    return source.token === ""
      ? `401: the gateway runs in team mode: set ${source.keyFrom} to a gateway key with ` +
        "analytics:read"
      : `401: the key in ${source.keyFrom} is not valid for this gateway`;
  }
  if (status === 403) return `403: this key lacks analytics:read (${code || message})`;
  if (status === 404) {
    return "404: no /api/live there: is --url the gateway's base URL, and is the gateway " +
      "recent enough for `top`? (upgrade it)";
  }
  return `${status}${code ? ` ${code}` : ""}: ${message || "no message"}`;
}

function parsed(text: string, source: LiveSource): LiveOutcome {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {
      ok: false,
      message: `${shownUrl(source.base)} answered 200 without JSON: is --url the gateway?`,
    };
  }
  const version = (body as { schema_version?: unknown } | null)?.schema_version;
  if (version !== liveSchemaVersion) {
    return {
      ok: false,
      message: `the gateway sends ${JSON.stringify(version ?? null)}, this ongoingai reads ` +
        `${liveSchemaVersion}: use the same version for both`,
    };
  }
  const checked = liveResponseSchema.safeParse(body);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue?.path.join(".") || "the document";
    return {
      ok: false,
      message: `the gateway's ${liveSchemaVersion} document is not valid at ${where}: ` +
        `${issue?.message ?? "unknown"}; please report it`,
    };
  }
  return { ok: true, doc: checked.data };
}
