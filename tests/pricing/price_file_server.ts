/**
 * A local HTTP server for price-file fetches: serves the sample file, errors, redirects, a body
 * larger than the caller's bound (with and without Content-Length) and one that never ends.
 */

export interface PriceFileServer {
  url(path: string): string;
  /** What `/toggle` answers next: the sample file, or HTTP 500. */
  toggle: "ok" | "fail";
  /** GET requests seen, per path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

export function startPriceFileServer(
  sample: Uint8Array<ArrayBuffer>,
): Promise<PriceFileServer> {
  const endless = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const state = { toggle: "ok" as "ok" | "fail", hits: new Map<string, number>() };
  const json = (body: Uint8Array<ArrayBuffer>) =>
    new Response(body, { headers: { "content-type": "application/json" } });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    state.hits.set(path, (state.hits.get(path) ?? 0) + 1);
    const redirect = /^\/redirect\/(\d+)$/.exec(path);
    if (redirect) {
      const left = Number(redirect[1]);
      const to = left === 0 ? "/ok" : `/redirect/${left - 1}`;
      return new Response(null, { status: 302, headers: { location: to } });
    }
    switch (path) {
      case "/ok":
        return json(sample);
      case "/toggle":
        return state.toggle === "ok" ? json(sample) : new Response("down", { status: 500 });
      case "/500":
        return new Response("internal error", { status: 500 });
      case "/not-json":
        return new Response("<html>maintenance</html>");
      case "/big":
        return json(new Uint8Array(4096).fill(32));
      case "/big-chunked":
        // No Content-Length: the size is only known by counting.
        return new Response(
          new ReadableStream({
            start(c) {
              for (let i = 0; i < 8; i++) c.enqueue(new Uint8Array(1024).fill(32));
              c.close();
            },
          }),
        );
      case "/never-ends":
        return new Response(
          new ReadableStream<Uint8Array>({
            start(c) {
              c.enqueue(new TextEncoder().encode("{"));
              endless.add(c);
            },
            cancel() {},
          }),
        );
      case "/to-ftp":
        return new Response(null, { status: 301, headers: { location: "ftp://example.com/x" } });
      default:
        return new Response("not found", { status: 404 });
    }
  });
  const port = server.addr.port;
  return Promise.resolve({
    url: (path) => `http://127.0.0.1:${port}${path}`,
    get toggle() {
      return state.toggle;
    },
    set toggle(v) {
      state.toggle = v;
    },
    hits: state.hits,
    async close() {
      for (const c of endless) {
        try {
          c.close();
        } catch {
          // already cancelled by the client's abort
        }
      }
      await server.shutdown();
    },
  });
}
