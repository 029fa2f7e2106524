/** An OTLP/HTTP JSON receiver on loopback: records every request it gets, decoded. */
export interface Received<T> {
  path: string;
  contentType: string | null;
  /** Every request header, names lowercase. */
  headers: Record<string, string>;
  raw: string;
  body: T;
}

export function startOtlpReceiver<T>() {
  const received: Received<T>[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const raw = await req.text();
    received.push({
      path: new URL(req.url).pathname,
      contentType: req.headers.get("content-type"),
      headers: Object.fromEntries(req.headers),
      raw,
      body: JSON.parse(raw),
    });
    return Response.json({});
  });
  return {
    received,
    endpoint: `http://127.0.0.1:${server.addr.port}`,
    close: () => server.shutdown(),
  };
}
