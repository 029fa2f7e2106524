/**
 * A gateway on a real loopback listener (a WebSocket upgrade needs one: `Deno.upgradeWebSocket`
 * works only on a request `Deno.serve` handed over), with the real config pipeline, a SQLite
 * store and an in-memory writer the test reads, plus a WebSocket client that collects what it
 * receives, and a raw handshake for the refusals (status, headers and JSON body).
 */
import type { GatewayConfigInput } from "../../src/config/mod.ts";
import { createGateway, type Gateway } from "../../src/server/gateway.ts";
import { type KeyStore, openSqliteStore, type TraceStore } from "../../src/store/mod.ts";
import { createLogger } from "../../src/log/mod.ts";
import type { Trace, TraceRecord } from "../../src/traces/mod.ts";
import { configFor, testSecret } from "./gateway_harness.ts";
import { writerSnapshot } from "../testdata/writer_snapshot.ts";

export interface WsGateway {
  origin: string;
  ws: string;
  gateway: Gateway;
  /** The gateway's store (team mode: gateway keys created and revoked there). */
  store: TraceStore & KeyStore;
  traces: Trace[];
  /** The gateway's log, as JSON lines. */
  logs: Record<string, unknown>[];
  tracesSettled(n: number): Promise<Trace[]>;
  close(): Promise<void>;
}

const utf8 = new TextDecoder();

export async function startWsGateway(
  upstream: string,
  extra: GatewayConfigInput = {},
): Promise<WsGateway> {
  const config = configFor(upstream, extra);
  const store = await openSqliteStore({ path: ":memory:" });
  const traces: Trace[] = [];
  const waiters: (() => void)[] = [];
  const writer = {
    enqueue(t: TraceRecord) {
      const text = (b: TraceRecord["request_body"]) =>
        b === null || typeof b === "string" ? b : utf8.decode(b);
      traces.push({
        ...t,
        request_body: text(t.request_body),
        response_body: text(t.response_body),
      });
      for (const w of waiters.splice(0)) w();
      return true;
    },
    snapshot: () => writerSnapshot({}),
  };
  const logs: Record<string, unknown>[] = [];
  const log = createLogger({ format: "json", write: (l) => logs.push(JSON.parse(l)) });
  const gateway = createGateway(config, { store, writer, keyHashSecret: testSecret, log });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => gateway.fetch(req),
  );
  const origin = `http://127.0.0.1:${server.addr.port}`;
  return {
    origin,
    ws: origin.replace("http:", "ws:"),
    gateway,
    store,
    traces,
    logs,
    async tracesSettled(n) {
      while (traces.length < n) await new Promise<void>((r) => waiters.push(r));
      return traces;
    },
    async close() {
      gateway.abortInflight();
      gateway.close();
      await gateway.recorded();
      await server.shutdown();
      await store.close();
    },
  };
}

export interface WsClient {
  socket: WebSocket;
  /** Text frames received, in order. */
  received: string[];
  /** Resolves with the close the client saw. */
  closed: Promise<{ code: number; reason: string }>;
  /** Sends a frame and resolves once `n` frames in all were received whose type ends one. */
  untilTerminal(count: number): Promise<string[]>;
}

const terminal = /"type"\s*:\s*"(response\.completed|response\.failed|response\.incomplete|error)"/;

export async function connectWs(url: string, headers: Record<string, string>): Promise<WsClient> {
  // deno-lint-ignore no-explicit-any
  const socket = new WebSocket(url, { headers } as any);
  const received: string[] = [];
  const listeners: (() => void)[] = [];
  socket.onmessage = (e) => {
    received.push(String(e.data));
    for (const l of listeners.splice(0)) l();
  };
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.onclose = (e) => {
      resolve({ code: e.code, reason: e.reason });
      for (const l of listeners.splice(0)) l();
    };
  });
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = (e) => reject(new Error((e as ErrorEvent).message));
  });
  socket.onerror = () => {};
  return {
    socket,
    received,
    closed,
    async untilTerminal(count) {
      while (received.filter((f) => terminal.test(f.slice(0, 80))).length < count) {
        if (socket.readyState === WebSocket.CLOSED) throw new Error("closed before the end");
        await new Promise<void>((r) => listeners.push(r));
      }
      return received;
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  body: string;
}

/** A WebSocket handshake written by hand, and the (non-101) answer read whole. */
export async function rawUpgrade(
  origin: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(origin);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  await conn.write(new TextEncoder().encode(`${lines.join("\r\n")}\r\n\r\n`));
  let text = "";
  const buf = new Uint8Array(16384);
  try {
    for (;;) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) break;
      text += utf8.decode(buf.subarray(0, n));
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) continue;
      if (text.startsWith("HTTP/1.1 101")) break;
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1];
      if (length !== undefined && text.length >= end + 4 + Number(length)) break;
    }
  } finally {
    conn.close();
  }
  const [head = "", body = ""] = text.split(/\r\n\r\n([\s\S]*)/);
  const [statusLine, ...rest] = head.split("\r\n");
  const h = new Headers();
  for (const line of rest) {
    const i = line.indexOf(":");
    if (i > 0) h.append(line.slice(0, i), line.slice(i + 1).trim());
  }
  return { status: Number(statusLine?.split(" ")[1]), headers: h, body };
}
