/**
 * What the lifecycle tests need beyond tests/support: a `serve` process whose log can be read
 * while it runs and which can be sent any signal (SIGHUP included), and an upstream whose
 * streams stay open until the test lets them finish, so no test depends on how fast CI is.
 */
import { join } from "node:path";
import { cliCommand, poll } from "../support/process.ts";
import { httpServer } from "../upstream/servers.ts";

export interface LiveServer {
  origin: string;
  /** Everything logged so far. */
  logs(): string;
  /** Resolves with the log once `pattern` has matched `count` times (default 1). */
  waitForLog(pattern: RegExp, count?: number): Promise<string>;
  signal(signal: Deno.Signal): void;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number>;
  /** SIGKILL unless already exited; for finally blocks. */
  kill(): Promise<void>;
}

/** Starts `serve` in `cwd` and waits until `/api/health` answers. */
export async function startLiveServer(
  cwd: string,
  port: number,
  env: Record<string, string> = {},
): Promise<LiveServer> {
  const child = cliCommand(["serve"], { cwd, env }).spawn();
  let log = "";
  const logDone = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (log += chunk) }),
  );
  const stdoutDone = child.stdout.cancel();
  let exited = false;
  const status = child.status.then(async (s) => {
    exited = true;
    await logDone.catch(() => {});
    await stdoutDone.catch(() => {});
    return s.code;
  });
  const origin = `http://127.0.0.1:${port}`;
  const server: LiveServer = {
    origin,
    logs: () => log,
    waitForLog: (pattern, count = 1) =>
      poll(`log line ${pattern} (x${count})`, () => {
        const seen = log.match(new RegExp(pattern.source, pattern.flags + "g"))?.length ?? 0;
        if (seen >= count) return Promise.resolve(log);
        if (exited) throw new Error(`serve exited while waiting:\n${log}`);
        return Promise.resolve(undefined);
      }),
    signal: (signal) => child.kill(signal),
    exited: status,
    async kill() {
      if (!exited) child.kill("SIGKILL");
      await status;
    },
  };
  try {
    await poll("the gateway answering GET /api/health", async () => {
      if (exited) throw new Error(`serve exited early:\n${log}`);
      const res = await fetch(`${origin}/api/health`);
      await res.body?.cancel();
      return res.ok ? true : undefined;
    });
  } catch (err) {
    await server.kill();
    throw err;
  }
  return server;
}

/** Resolves once a new TCP connection to `origin` is refused. */
export async function connectionRefused(origin: string): Promise<void> {
  const { hostname, port } = new URL(origin);
  await poll("the listener refusing new connections", async () => {
    try {
      const conn = await Deno.connect({ hostname, port: Number(port) });
      conn.close();
      return undefined;
    } catch (err) {
      if (err instanceof Deno.errors.ConnectionRefused) return true;
      throw err;
    }
  });
}

export interface HeldUpstream {
  url: string;
  /** Resolves when the stream with this `x-hold` id has sent its first event. */
  started(id: string): Promise<void>;
  /** Lets the stream with this `x-hold` id finish (usage and `[DONE]`). */
  release(id: string): void;
  /** Resolves when the gateway cancelled the stream with this id. */
  cancelled(id: string): Promise<void>;
  close(): Promise<void>;
}

/** Fixed usage of every answer, so that a test can compute the cost under either price. */
export const heldUsage = { prompt_tokens: 3000, completion_tokens: 2000 };

const enc = new TextEncoder();
const chunk = (body: Record<string, unknown>) =>
  enc.encode(`data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", ...body })}\n\n`);

/**
 * An OpenAI-format chat upstream. A request with `x-hold: ID` gets its first event at once and
 * the rest only after `release(ID)`; any other request gets the whole stream at once.
 */
export function startHeldUpstream(): HeldUpstream {
  const gates = new Map<
    string,
    {
      started: PromiseWithResolvers<void>;
      release: PromiseWithResolvers<void>;
      cancelled: PromiseWithResolvers<void>;
    }
  >();
  const gate = (id: string) => {
    let g = gates.get(id);
    if (g === undefined) {
      g = {
        started: Promise.withResolvers(),
        release: Promise.withResolvers(),
        cancelled: Promise.withResolvers(),
      };
      gates.set(id, g);
    }
    return g;
  };
  const handler = async (req: Request): Promise<Response> => {
    const { model } = await req.json();
    const id = req.headers.get("x-hold");
    const g = id === null ? null : gate(id);
    const body = new ReadableStream<Uint8Array>({
      async start(c) {
        c.enqueue(
          chunk({ model, choices: [{ index: 0, delta: { role: "assistant", content: "Hel" } }] }),
        );
        g?.started.resolve();
        if (g !== null) await g.release.promise;
        c.enqueue(
          chunk({
            model,
            choices: [{ index: 0, delta: { content: "lo" }, finish_reason: "stop" }],
          }),
        );
        c.enqueue(chunk({ model, choices: [], usage: { ...heldUsage, total_tokens: 5000 } }));
        c.enqueue(enc.encode("data: [DONE]\n\n"));
        c.close();
      },
      cancel() {
        g?.cancelled.resolve();
        g?.release.resolve();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  };
  const server = httpServer(handler);
  return {
    url: server.url,
    started: (id) => gate(id).started.promise,
    release: (id) => gate(id).release.resolve(),
    cancelled: (id) => gate(id).cancelled.promise,
    close: async () => {
      for (const g of gates.values()) g.release.resolve();
      await server.close();
    },
  };
}

/** A streamed chat request; the response is returned unread. */
export function streamChat(
  origin: string,
  prefix: string,
  opts: { hold?: string; model?: string; key?: string } = {},
): Promise<Response> {
  return fetch(`${origin}${prefix}/v1/chat/completions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: "Bearer sk-test-lifecycle-000000000000",
      ...(opts.hold === undefined ? {} : { "x-hold": opts.hold }),
      ...(opts.key === undefined ? {} : { "x-ongoingai-gateway-key": opts.key }),
    },
    body: JSON.stringify({ model: opts.model ?? "m1", stream: true, messages: [] }),
  });
}

type TextReader = ReadableStreamDefaultReader<string>;

const textReader = (res: Response): TextReader =>
  res.body!.pipeThrough(new TextDecoderStream()).getReader();

/** Reads to the end: the text, or the text so far and the error that ended it. */
async function drain(reader: TextReader, text = ""): Promise<{ text: string; error: unknown }> {
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { text, error: null };
      text += value;
    }
  } catch (error) {
    return { text, error };
  }
}

/** Reads a response body to its end (or to the error that ended it). */
export const readAll = (res: Response) => drain(textReader(res));

/** Reads until the first SSE event arrived; `rest()` reads the remainder. */
export async function firstEvent(res: Response) {
  const reader = textReader(res);
  let text = "";
  while (!text.includes("\n\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before its first event: ${text}`);
    text += value;
  }
  return { first: text, rest: () => drain(reader, text) };
}

export interface TraceRow {
  model: string;
  request_path: string;
  response_status: number;
  error_code: string | null;
  estimated_cost_usd: number | null;
}

/** The trace rows of a stopped gateway's SQLite file, oldest first. */
export async function traceRows(dir: string): Promise<TraceRow[]> {
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(join(dir, "data", "gw.db"), { readOnly: true });
  try {
    return db.prepare(
      "SELECT model, request_path, response_status, error_code, estimated_cost_usd FROM traces " +
        "ORDER BY timestamp, id",
    ).all().map((row) => ({ ...row }) as unknown as TraceRow);
  } finally {
    db.close();
  }
}
