/**
 * The OTLP/HTTP encoding (`observability.otel.protocol`, `OTEL_EXPORTER_OTLP_PROTOCOL` and its
 * per-signal variants): `http/json` or `http/protobuf`. The OTel spec's default is
 * `http/protobuf`; the gateway keeps `http/json` by default so existing setups see no change.
 * `grpc` is a valid OTel value the gateway does not speak: it is refused with what to use
 * instead, rather than sent to a port that would not understand it.
 */
import { z } from "zod";

export const otlpProtocols = ["http/json", "http/protobuf"] as const;
export type OtlpProtocol = (typeof otlpProtocols)[number];

const grpcRefusal =
  "gRPC is not supported; use http/protobuf (or http/json) with the collector's OTLP/HTTP " +
  "port, 4318";

const isGrpc = (value: unknown) =>
  typeof value === "string" && value.trim().toLowerCase() === "grpc";

/** Any other value gets the usual "must be one of" message. */
export const otlpProtocolSchema = z.enum(otlpProtocols, {
  error: (issue) => isGrpc(issue.input) ? `${grpcRefusal} (got "grpc")` : undefined,
});

/** The env parser: the same values, any case; `grpc` gets the refusal above. */
export function parseProtocol(
  raw: string,
): { ok: true; value: OtlpProtocol } | { ok: false; expected: string } {
  const v = raw.trim().toLowerCase();
  if ((otlpProtocols as readonly string[]).includes(v)) {
    return { ok: true, value: v as OtlpProtocol };
  }
  return {
    ok: false,
    expected: v === "grpc"
      ? `http/json or http/protobuf (${grpcRefusal})`
      : "http/json or http/protobuf",
  };
}

/** One signal's encoding: its own setting, else `protocol`. */
export function signalProtocol(
  otel: {
    readonly protocol: OtlpProtocol;
    readonly traces_protocol?: OtlpProtocol | undefined;
    readonly metrics_protocol?: OtlpProtocol | undefined;
  },
  signal: "traces" | "metrics",
): OtlpProtocol {
  return otel[`${signal}_protocol`] ?? otel.protocol;
}
