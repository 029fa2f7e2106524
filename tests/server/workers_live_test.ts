/**
 * `GET /api/live` with `server.workers: 2`: one `serve` subprocess (the main isolate and one
 * serving worker on one port) in front of the local OpenAI stub. Requests over fresh connections
 * land on both isolates; whichever isolate answers `/api/live`, it counts every isolate's traces
 * (the worker's reach the main isolate's window with the batches it forwards) and every
 * isolate's open streams (the main isolate asks the worker for its own).
 */
import assert from "node:assert/strict";
import { withFiles } from "../config/temp_files.ts";
import { freePort, poll, type ServerProcess, startServer } from "../support/process.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";

function configYaml(port: number, upstream: string): string {
  return [
    "server:",
    "  host: 127.0.0.1",
    `  port: ${port}`,
    "  workers: 2",
    "storage:",
    "  path: data/traces.db",
    "providers:",
    "  openai:",
    `    upstream: ${upstream}`,
    "observability:",
    "  prometheus:",
    "    enabled: true",
    "",
  ].join("\n");
}

/** A request on a connection of its own (a fresh client), so the kernel spreads them. */
async function onFreshConnection<T>(f: (client: Deno.HttpClient) => Promise<T>): Promise<T> {
  const client = Deno.createHttpClient({});
  try {
    return await f(client);
  } finally {
    client.close();
  }
}

function chat(origin: string, client: Deno.HttpClient, headers: Record<string, string> = {}) {
  return fetch(`${origin}/openai/v1/chat/completions`, {
    method: "POST",
    client,
    body: JSON.stringify({ model: "gpt-4o-mini", stream: "x-stub-hang" in headers }),
    headers: {
      "content-type": "application/json",
      authorization: "Bearer sk-proj-AAAAAAAAAAAAAAAAAAAAaaaa",
      ...headers,
    },
  });
}

interface Live {
  open_requests: number;
  open_streams: number;
  last_minute: { requests: number };
}

const live = (origin: string) =>
  onFreshConnection(async (client) => {
    const res = await fetch(`${origin}/api/live`, { client });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    return body as Live;
  });

/** Requests each isolate was handed so far, from the merged scrape. */
async function perIsolate(origin: string): Promise<number[]> {
  const text = await onFreshConnection(async (client) =>
    await (await fetch(`${origin}/metrics`, { client })).text()
  );
  return ["0", "1"].map((i) => {
    const line = text.split("\n").find((l) =>
      l.startsWith(`ongoingai_server_isolate_requests_total{isolate="${i}"}`)
    );
    return line === undefined ? 0 : Number(line.split(" ").at(-1));
  });
}

Deno.test("server.workers 2: /api/live counts every isolate's traces and open streams", async () => {
  const stub = await startUpstreamStub();
  const port = freePort();
  try {
    await withFiles({ "ongoingai.yaml": configYaml(port, stub.url) }, async (dir) => {
      let server: ServerProcess | null = null;
      try {
        server = await startServer([], { cwd: dir, port });
        const { origin } = server;
        const sent = 40;
        const statuses = await Promise.all(
          Array.from({ length: sent }, () =>
            onFreshConnection(async (client) => {
              const res = await chat(origin, client);
              await res.arrayBuffer();
              return res.status;
            })),
        );
        assert.deepEqual(statuses.filter((s) => s !== 200), []);
        // Both isolates were handed some of them (each scrape counts itself once, too).
        const [main, worker] = await perIsolate(origin);
        assert.ok(main! >= 2 && worker! >= 2, `requests per isolate: ${main}, ${worker}`);

        // Every answer, from either isolate, counts all of them once the worker's are forwarded.
        await poll("every trace in the live window", async () => {
          const v = await live(origin);
          return v.last_minute.requests === sent ? true : undefined;
        });
        for (let i = 0; i < 6; i++) assert.equal((await live(origin)).last_minute.requests, sent);

        // Streams held open on fresh connections, so on both isolates.
        const held = 16;
        const before = await perIsolate(origin);
        const streams = await Promise.all(
          Array.from({ length: held }, async () => {
            const client = Deno.createHttpClient({});
            const res = await chat(origin, client, { "x-stub-hang": "body" });
            const reader = res.body!.getReader();
            await reader.read();
            return { client, reader };
          }),
        );
        const after = await perIsolate(origin);
        assert.ok(
          after[0]! - before[0]! >= 2 && after[1]! - before[1]! >= 2,
          `held streams per isolate: ${after[0]! - before[0]! - 1}, ${after[1]! - before[1]! - 1}`,
        );
        for (let i = 0; i < 6; i++) {
          const v = await live(origin);
          assert.equal(v.open_requests, held);
          assert.equal(v.open_streams, held);
        }
        for (const s of streams) {
          await s.reader.cancel();
          s.client.close();
        }
        await poll("no request open", async () => {
          const v = await live(origin);
          return v.open_requests === 0 && v.last_minute.requests === sent + held ? true : undefined;
        });

        const stopped = await server.stop("SIGTERM");
        server = null;
        assert.equal(stopped.code, 0, stopped.logs);
      } finally {
        await server?.kill();
      }
    });
  } finally {
    await stub.close();
  }
});
