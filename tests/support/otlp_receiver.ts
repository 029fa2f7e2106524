/**
 * An OTLP/HTTP receiver on loopback: records every request it gets, decoded. A protobuf body
 * (`application/x-protobuf`) is decoded with protobufjs into the shape JSON gives, so one test
 * reads either encoding.
 */
import { decodeOtlp } from "./otlp_proto.ts";

export interface Received<T> {
  path: string;
  contentType: string | null;
  /** Every request header, names lowercase. */
  headers: Record<string, string>;
  /**
   * The body as UTF-8 text: JSON, or protobuf whose strings appear verbatim in it (so a check
   * that no credential leaked reads both encodings).
   */
  raw: string;
  bytes: number;
  body: T;
}

export function startOtlpReceiver<T>() {
  const received: Received<T>[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    const contentType = req.headers.get("content-type");
    const bytes = new Uint8Array(await req.arrayBuffer());
    const proto = contentType === "application/x-protobuf";
    const raw = new TextDecoder().decode(bytes);
    received.push({
      path,
      contentType,
      headers: Object.fromEntries(req.headers),
      raw,
      bytes: bytes.length,
      body: proto
        ? decodeOtlp<T>(
          path.endsWith("/metrics") ? "ExportMetricsServiceRequest" : "ExportTraceServiceRequest",
          bytes,
        )
        : JSON.parse(raw),
    });
    return Response.json({});
  });
  return {
    received,
    endpoint: `http://127.0.0.1:${server.addr.port}`,
    close: () => server.shutdown(),
  };
}
