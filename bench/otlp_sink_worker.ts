/**
 * The OTLP/HTTP collector's server (JSON, or protobuf by content-type), run as a Worker by bench/otlp_sink.ts so that reading the
 * exports never runs on the harness's event loop. It listens on loopback port 0, says which port,
 * counts (see `tally`) and answers the harness's requests for counts and to close.
 */
import { emptyCounts, type FromSink, tally, type ToSink } from "./otlp_sink.ts";
import { tallyProto } from "./otlp_sink_proto.ts";

const scope = globalThis as unknown as {
  postMessage(m: FromSink): void;
  onmessage: ((e: MessageEvent<ToSink>) => void) | null;
};

const counts = emptyCounts();
const server = Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => scope.postMessage({ type: "listening", port }),
}, async (req) => {
  const path = new URL(req.url).pathname;
  if (req.headers.get("content-type") === "application/x-protobuf") {
    const status = tallyProto(counts, path, new Uint8Array(await req.arrayBuffer()));
    return new Response(status === 200 ? null : "expected OTLP protobuf", { status });
  }
  const status = tally(counts, path, await req.text());
  return status === 200 ? Response.json({}) : new Response("expected OTLP/JSON", { status });
});

scope.onmessage = async (e) => {
  if (e.data.type === "counts") scope.postMessage({ type: "counts", counts });
  else {
    await server.shutdown();
    scope.postMessage({ type: "closed" });
  }
};
