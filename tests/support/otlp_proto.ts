/**
 * Decodes OTLP protobuf with protobufjs (an independent decoder, from `otlp.proto` beside this
 * file) into the OTLP/JSON shape: camelCase names, 64-bit integers as decimal strings, enums as
 * numbers, trace and span ids as hex.
 */
import protobuf from "protobufjs";

const root = protobuf.parse(
  await Deno.readTextFile(new URL("./otlp.proto", import.meta.url)),
).root;

export type OtlpRequestType = "ExportTraceServiceRequest" | "ExportMetricsServiceRequest";

const idFields = new Set(["traceId", "spanId", "parentSpanId"]);

/** Walks `value`, changing id fields with `change` (hex to bytes, or bytes to hex). */
function mapIds(value: unknown, change: (v: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => mapIds(v, change));
  if (value === null || typeof value !== "object" || value instanceof Uint8Array) return value;
  return Object.fromEntries(
    Object.entries(value).map((
      [k, v],
    ) => [k, idFields.has(k) ? change(v) : mapIds(v, change)]),
  );
}

const toHex = (v: unknown) =>
  v instanceof Uint8Array ? Array.from(v, (b) => b.toString(16).padStart(2, "0")).join("") : v;
const fromHex = (v: unknown) =>
  typeof v === "string" ? Uint8Array.from(v.match(/../g) ?? [], (h) => parseInt(h, 16)) : v;

const shape = { longs: String, enums: Number, bytes: Uint8Array } as const;

/**
 * `bytes` as a collector decodes them. Fields at their proto3 zero value are absent (a root
 * span has no `parentSpanId`; a status code 0 is left out), as a protobuf decoder sees them.
 */
export function decodeOtlp<T>(type: OtlpRequestType, bytes: Uint8Array): T {
  const t = root.lookupType(`otlp.${type}`);
  return mapIds(t.toObject(t.decode(bytes), shape), toHex) as T;
}

/**
 * A canonical form for comparing the two encodings: every field present (zero values filled
 * in), so a JSON document and protobuf bytes that carry the same data compare equal.
 */
export function canonicalFromProto(type: OtlpRequestType, bytes: Uint8Array): unknown {
  const t = root.lookupType(`otlp.${type}`);
  return mapIds(
    t.toObject(t.decode(bytes), { ...shape, defaults: true, arrays: true, oneofs: true }),
    toHex,
  );
}

/** The same canonical form of an OTLP/JSON document (parsed), through protobufjs's own mapping. */
export function canonicalFromJson(type: OtlpRequestType, doc: unknown): unknown {
  const t = root.lookupType(`otlp.${type}`);
  const message = t.fromObject(mapIds(doc, fromHex) as Record<string, unknown>);
  return canonicalFromProto(type, t.encode(message).finish());
}
