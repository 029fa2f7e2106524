/**
 * `ongoingai replay TRACE_ID`: sends a logged request again through a running gateway
 * (`POST /api/traces/{id}/replay`), so the replay is authorized, routed, limited, policy-checked,
 * priced and traced like any request; with `--model`, `--route`, `--provider` or `--set` a changed
 * copy (a fork). `--compare` shows the stored answer and the new one side by side (text, tokens,
 * cost, latency), read from both traces. Exit 0 when the replay was sent and answered 2xx, 1
 * otherwise (refused, or the provider answered an error), 2 on a usage error.
 *
 * Keys: the gateway key from ONGOINGAI_GATEWAY_KEY (team mode), the provider key from the
 * variable `--api-key-env` names (never a flag, which `ps` would show); without one, the gateway
 * must hold a key for the provider (a key pool). Connects directly, like `routes`.
 */
import { parseFlags, parseTimeoutMs, UsageError } from "./args.ts";
import { failureReason } from "./health.ts";
import { errorOf, requestDirect, shownUrl } from "./direct_request.ts";
import { type CliCommand, type CliIo, exitCode } from "./io.ts";
import { gatewayKeyEnv, type GatewayTarget, gatewayTarget } from "./routes.ts";
import { AnswerTextFeed, type TranslationProtocol } from "../providers/mod.ts";
import {
  answerProtocols,
  answerSide,
  type CompareSide,
  compareText,
  terminalSafe,
  traceSide,
} from "./replay_compare.ts";

export const replaySpec = {
  name: "replay",
  summary: "Send a logged request again through a running gateway, or a changed copy (a fork)",
  usage: "ongoingai replay TRACE_ID [--model M | --route R] [--provider P] [--set NAME=JSON]... " +
    "[--allow-redacted] [--api-key-env NAME] [--compare] [--format text|json] [--url URL] " +
    "[--config PATH] [--timeout-ms N]",
  flags: [
    ["--model M", "Send to this model instead (a fork)"],
    ["--route R", "Send through this configured route instead (a fork)"],
    ["--provider P", "Send to this provider instead; same wire format (a fork)"],
    ["--set NAME=JSON", "Replace or add a top-level body member, e.g. temperature=0; repeatable"],
    ["--allow-redacted", "Send a stored body a PII policy changed (refused otherwise)"],
    ["--api-key-env NAME", "Variable holding the provider key; default: the gateway's pool"],
    ["--compare", "Show the stored answer and the new one side by side"],
    ["--format FORMAT", "text (default) or json"],
    ["--url URL", "Gateway base URL, e.g. http://127.0.0.1:8080; default: from the config"],
    ["--config PATH", "Config whose server address and auth.header to use; default: discovered"],
    ["--timeout-ms N", "Give up after N milliseconds (default 600000: answers can be slow)"],
  ],
} as const;

/** Most bytes of an answer read (what a trace may store at most, and then some). */
const maxAnswerBytes = 64 << 20;
/** How long `--compare` waits for the new trace to be written (the writer is asynchronous). */
const traceWaitMs = 15_000;

export const replay: CliCommand = async (args, io) => {
  const { values, positionals } = parseFlags("replay", args, {
    model: { type: "string" },
    route: { type: "string" },
    provider: { type: "string" },
    set: { type: "string", multiple: true },
    "allow-redacted": { type: "boolean" },
    "api-key-env": { type: "string" },
    compare: { type: "boolean" },
    format: { type: "string" },
    url: { type: "string" },
    config: { type: "string" },
    "timeout-ms": { type: "string" },
  }, true);
  const id = traceIdOf(positionals);
  const format = (values.format ?? "text").trim().toLowerCase();
  if (format !== "text" && format !== "json") {
    throw new UsageError(
      `replay: --format must be text or json (got ${JSON.stringify(values.format)})`,
    );
  }
  if (values.url !== undefined && values.config !== undefined) {
    throw new UsageError("replay: give --url or --config, not both");
  }
  const options = replayOptionsOf(values);
  const providerKey = providerKeyOf(values["api-key-env"], io);
  const timeoutMs = parseTimeoutMs("replay", values["timeout-ms"], 600_000);
  const target = await gatewayTarget("replay", values, io);
  if (target === null) return exitCode.failure;
  const client = new GatewayClient(target, io.env[gatewayKeyEnv]?.trim() ?? "", timeoutMs);
  try {
    const source = values.compare === true ? await client.trace(id) : null;
    if (source !== null && "error" in source) return fail(io, source.error);
    // Text without --compare: a streamed answer's text is printed as it arrives.
    const live = format === "text" && source === null ? new LiveText(io) : null;
    const sent = await client.replay(id, options, providerKey, live);
    if ("error" in sent) return fail(io, sent.error);
    const replayed = answerSide(sent.answer);
    let compare: { source: CompareSide; replay: CompareSide } | null = null;
    if (source !== null) {
      const copy = sent.traceId === null ? null : await client.waitForTrace(sent.traceId);
      compare = {
        source: traceSide(source.trace, sent.answer.headers["x-ongoingai-source-answer-protocol"]),
        replay: copy === null || "error" in copy
          ? replayed
          : traceSide(copy.trace, sent.answer.headers["x-ongoingai-answer-protocol"], replayed),
      };
    }
    io.stdout(
      format === "json"
        ? `${
          JSON.stringify({ source_trace_id: id, ...sent.facts, answer: replayed, compare }, null, 2)
        }\n`
        : compare !== null
        ? compareText(id, sent.facts, compare)
        : answerText(id, sent.facts, replayed, live?.printed === true, providerKey !== null),
    );
    // A 2xx whose stream then failed (an error event, a cut) did not answer either.
    const answered = sent.facts.status >= 200 && sent.facts.status < 300 && replayed.error === null;
    return answered ? exitCode.ok : exitCode.failure;
  } catch (error) {
    io.stderr(`replay: ${shownUrl(target.base)}: ${failureReason(error, timeoutMs)}\n`);
    return exitCode.failure;
  }
};

function fail(io: CliIo, message: string): number {
  io.stderr(`replay: ${message}\n`);
  return exitCode.failure;
}

function traceIdOf(positionals: string[]): string {
  if (positionals.length !== 1 || positionals[0]!.trim() === "") {
    throw new UsageError(
      "replay takes one trace id, e.g. `ongoingai replay 01a24f27bc8c73719613694d9ad77d1d` " +
        "(`ongoingai report` or GET /api/traces lists them)",
    );
  }
  return positionals[0]!.trim();
}

/** The API's options from the flags; `--set` values are JSON, or else taken as a string. */
export function replayOptionsOf(values: {
  model?: string | undefined;
  route?: string | undefined;
  provider?: string | undefined;
  set?: string[] | undefined;
  "allow-redacted"?: boolean | undefined;
}): Record<string, unknown> {
  if (values.model !== undefined && values.route !== undefined) {
    throw new UsageError("replay: give --model or --route, not both");
  }
  const options: Record<string, unknown> = {};
  if (values.model !== undefined) options.model = values.model;
  if (values.route !== undefined) options.route = values.route;
  if (values.provider !== undefined) options.provider = values.provider;
  if (values["allow-redacted"] === true) options.allow_redacted = true;
  if (values.set !== undefined && values.set.length > 0) {
    const set: Record<string, unknown> = {};
    for (const pair of values.set) {
      const eq = pair.indexOf("=");
      if (eq <= 0) {
        throw new UsageError(
          `replay: --set takes NAME=VALUE, e.g. --set temperature=0 (got ${JSON.stringify(pair)})`,
        );
      }
      const name = pair.slice(0, eq);
      if (name === "model") {
        throw new UsageError("replay: --set cannot change model; use --model (or --route)");
      }
      const raw = pair.slice(eq + 1);
      let value: unknown = raw;
      try {
        value = JSON.parse(raw);
      } catch {
        // Not JSON: the text itself, as a shell user means `--set user=alice`.
      }
      if (typeof value === "number" && !exactNumber(value)) {
        throw new UsageError(
          `replay: --set ${pair}: JSON numbers this large lose digits (beyond 2^53, or not ` +
            `finite); quote it to send a string: --set '${pair.slice(0, eq)}="${raw}"'`,
        );
      }
      set[pair.slice(0, eq)] = value;
    }
    options.set = set;
  }
  return options;
}

const exactNumber = (v: number) =>
  Number.isFinite(v) && (!Number.isInteger(v) || Number.isSafeInteger(v));

function providerKeyOf(name: string | undefined, io: CliIo): string | null {
  if (name === undefined) return null;
  const value = io.env[name]?.trim();
  if (!value) {
    throw new UsageError(
      `replay: --api-key-env ${name}: the variable is not set (export ${name}=<provider key>)`,
    );
  }
  return value;
}

/** What a sent replay's answer says about itself. */
export interface ReplayFacts {
  status: number;
  trace_id: string | null;
  changed: string[];
  notes: string[];
}

/** The gateway's answer: bytes, headers, and whether it was cut at the bound. */
export interface ReplayAnswer {
  status: number;
  bytes: Uint8Array;
  cut: boolean;
  headers: Record<string, string>;
}

/** Prints a streamed answer's text while it arrives (when the gateway sends an SSE stream). */
class LiveText {
  printed = false;
  #feed: AnswerTextFeed | null = null;

  constructor(private readonly io: CliIo) {}

  headers(status: number, headers: Record<string, string>): void {
    if (status < 200 || status > 299 || headers["x-ongoingai-replay-of"] === undefined) return;
    const protocol = headers["x-ongoingai-answer-protocol"] ?? "";
    this.#feed = AnswerTextFeed.of(
      answerProtocols.includes(protocol) ? protocol as TranslationProtocol : null,
      headers["content-type"] ?? null,
    );
  }

  data(chunk: Uint8Array): void {
    const text = this.#feed?.push(chunk) ?? "";
    if (text === "") return;
    this.io.stdout(terminalSafe(text));
    this.printed = true;
  }
}

function answerText(
  id: string,
  facts: ReplayFacts,
  a: ReturnType<typeof answerSide>,
  printedAlready: boolean,
  keyGiven: boolean,
): string {
  // Text already on the terminal ended with the answer; the summary line follows it.
  const lines = printedAlready
    ? [""]
    : [a.text === "" ? "(no text in the answer)" : terminalSafe(a.text)];
  if (a.error !== null) lines.push(`error: ${terminalSafe(a.error)}`);
  if ((facts.status === 401 || facts.status === 403) && !keyGiven) {
    lines.push(
      "The provider refused the request's credentials: pass the provider key with " +
        "--api-key-env NAME, or configure a key pool for the provider.",
    );
  }
  lines.push(
    "",
    `replayed ${id} as ${facts.trace_id ?? "(not traced)"}: status ${facts.status}` +
      (facts.changed.length > 0 ? `, changed ${facts.changed.join(", ")}` : "") +
      (facts.notes.length > 0 ? ` (${facts.notes.join(", ")})` : ""),
  );
  return `${lines.join("\n")}\n`;
}

/** The API calls `replay` makes, with the gateway key and errors as one line. */
class GatewayClient {
  constructor(
    private readonly target: GatewayTarget,
    private readonly gatewayKey: string,
    private readonly timeoutMs: number,
  ) {}

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { ...extra };
    if (this.gatewayKey !== "") h[this.target.header] = this.gatewayKey;
    return h;
  }

  async trace(id: string): Promise<{ trace: Record<string, unknown> } | { error: string }> {
    const answer = await requestDirect(
      `${this.target.base}/api/traces/${encodeURIComponent(id)}`,
      {
        method: "GET",
        headers: this.#headers({ accept: "application/json" }),
        timeoutMs: this.timeoutMs,
        maxBytes: maxAnswerBytes,
        overflow: "fail",
      },
    );
    if (answer.status !== 200) return { error: this.#refusal(answer) };
    return { trace: JSON.parse(answer.text) as Record<string, unknown> };
  }

  /** The new trace, once the writer stored it (bounded wait). */
  async waitForTrace(id: string): Promise<{ trace: Record<string, unknown> } | { error: string }> {
    const until = Date.now() + traceWaitMs;
    for (;;) {
      const got = await this.trace(id);
      if (!("error" in got) || Date.now() > until) return got;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async replay(
    id: string,
    options: Record<string, unknown>,
    providerKey: string | null,
    live: LiveText | null,
  ): Promise<
    { answer: ReplayAnswer; facts: ReplayFacts; traceId: string | null } | { error: string }
  > {
    const body = new TextEncoder().encode(JSON.stringify(options));
    const answer = await requestDirect(
      `${this.target.base}/api/traces/${encodeURIComponent(id)}/replay`,
      {
        method: "POST",
        headers: this.#headers({
          "content-type": "application/json",
          "content-length": String(body.byteLength),
          ...(providerKey === null ? {} : { "x-ongoingai-provider-key": providerKey }),
        }),
        body,
        timeoutMs: this.timeoutMs,
        maxBytes: maxAnswerBytes,
        overflow: "cut",
        ...(live === null ? {} : {
          onHeaders: (status: number, headers: Record<string, string>) =>
            live.headers(status, headers),
          onData: (chunk: Uint8Array) => live.data(chunk),
        }),
      },
    );
    // Without this header the gateway refused before sending anything.
    if (answer.headers["x-ongoingai-replay-of"] === undefined) {
      return { error: this.#refusal(answer) };
    }
    const traceId = answer.headers["x-ongoingai-trace-id"] ?? null;
    const list = (name: string) => answer.headers[name]?.split(",").filter((x) => x !== "") ?? [];
    return {
      answer,
      traceId,
      facts: {
        status: answer.status,
        trace_id: traceId,
        changed: list("x-ongoingai-replay-changed"),
        notes: list("x-ongoingai-replay-notes"),
      },
    };
  }

  #refusal(answer: { status: number; text: string }): string {
    const { code, message } = errorOf(answer);
    const hint = answer.status === 401
      ? `\nThe gateway runs in team mode: set ${gatewayKeyEnv} to a gateway key with ` +
        "traces:replay, bodies:read and proxy:write."
      : "";
    return `the gateway answered ${answer.status}${code ? ` ${code}` : ""}: ${message}${hint}`;
  }
}
