/**
 * The one configuration schema. `gateway.config.ts`, `ongoingai.yaml`, `.json` files and the
 * `ONGOINGAI_*` / `OTEL_*` environment all resolve through it, so every source gets the same
 * defaults, the same strictness (unknown keys are errors) and the same messages.
 *
 * Keys are snake_case on purpose: they are the original's YAML keys, and one spelling for both
 * file formats means a YAML config can be pasted into `gateway.config.ts` unchanged.
 */
import { z } from "zod";
import { envRefSchema } from "./schema_env_ref.ts";
import { otlpHeadersSchema } from "./otlp_headers.ts";
import { otlpProtocolSchema } from "./otlp_protocol.ts";
import { authSchema, limitsSchema } from "./schema_team.ts";
import { piiSchema } from "./schema_pii.ts";
import { allowedHostSchema, bindHostSchema } from "./schema_host.ts";
import { pricingSchema } from "./schema_pricing.ts";
import { routesSchema } from "./schema_routes.ts";
import { providerSchema, timeoutMs } from "./schema_provider.ts";
import { translationSchema } from "./schema_translation.ts";

/** `providers/` owns the list of kinds; the schema reads it and passes it on. */
export { type ProviderKind, providerKinds } from "../providers/mod.ts";

export {
  allowedHostSchema,
  bindHostSchema,
  canonicalHost,
  isLoopbackHost,
  isWildcardHost,
} from "./schema_host.ts";

/** `providers.<id>`: schema_provider.ts. */
export { providerSchema };

const MiB = 1024 * 1024;

const KiB = 1024;
/** Deno.serve answers 400 itself to a request head this large, before any handler runs. */
const denoHeadLimit = 64 * KiB;

/** An exact web origin, e.g. `https://app.example.com` or `http://localhost:5173`. */
const webOrigin = z.string().transform((value, ctx) => {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  const exact = url !== null && (url.protocol === "http:" || url.protocol === "https:") &&
    url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
  if (!exact) {
    ctx.addIssue({
      code: "custom",
      message: `must be an exact origin such as https://app.example.com, without a path or ` +
        `wildcard (got "${value}")`,
    });
    return z.NEVER;
  }
  // Browsers send the serialised form: lower-case host, default port left out.
  return url!.origin;
});

const headerName = z.string().regex(
  /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/,
  "must be an HTTP header name such as authorization",
).transform((h) => h.toLowerCase());

export const corsSchema = z.strictObject({
  allowed_origins: z.array(webOrigin).default([]).describe(
    "Origins whose pages may call the gateway, matched exactly (no wildcards, no subdomains). " +
      "Empty: CORS is off.",
  ),
  allowed_headers: z.array(headerName).optional().describe(
    "Request headers a preflight allows. Default: the ones the browser asks for " +
      "(`Access-Control-Request-Headers`), for allowed origins only.",
  ),
  max_age_s: z.number().int().nonnegative().max(86_400).optional().describe(
    "How long browsers may cache a preflight answer (`Access-Control-Max-Age`). Default: not " +
      "sent (browsers then keep it for 5 s).",
  ),
}).prefault({});

export const serverSchema = z.strictObject({
  host: bindHostSchema.default("0.0.0.0").describe(
    "Address to listen on, a host name or IP address; `0.0.0.0` is every interface, " +
      "`127.0.0.1` this machine only. Listening on loopback keeps other machines out, not web " +
      "pages: see `allowed_hosts`.",
  ),
  allowed_hosts: z.array(allowedHostSchema).default([]).describe(
    "Names clients may reach the gateway by, besides `localhost`, IP addresses and a named " +
      "`server.host`; `*.example.com` matches its subdomains, any port is accepted. A request " +
      "whose `Host` is another name gets 421, so that a web page cannot reach the gateway " +
      "through DNS rebinding. Team mode on `0.0.0.0`/`::` with this list empty accepts any " +
      "name (gateway keys guard every route there).",
  ),
  port: z.number().int().min(1, "must be between 1 and 65535").max(
    65535,
    "must be between 1 and 65535",
  ).default(8080).describe("Port of the proxy and the API."),
  shutdown_grace_ms: z.number().int().nonnegative().max(10 * 60 * 1000).default(25_000).describe(
    "After SIGINT/SIGTERM, how long open requests may run before they are ended.",
  ),
  workers: z.number().int().min(1, "must be at least 1 (1 is one isolate, as without it)").max(
    64,
    "must be at most 64: each isolate costs its own memory; more isolates than cores add no throughput",
  ).default(1).describe(
    "Request-serving isolates on the one port (`reusePort`): 1 serves from the main isolate " +
      "only; N > 1 adds N-1 worker isolates that share its trace writer, limit counters and " +
      "metrics (docs/deployment.md). Needs the runtime's `--unstable-net` (set in deno.json and the " +
      "compiled binary). Restart only.",
  ),
  log_format: z.enum(["text", "json"]).default("text").describe(
    "Log lines on stderr: text, or one JSON object per line (also `--log-format`).",
  ),
  max_header_bytes: z.number().int().min(1024).max(denoHeadLimit - 1).default(60 * KiB).describe(
    "Largest request head accepted, counted as the sum of header names and values plus 4 bytes " +
      "of separators per header; a larger one gets 431 `headers_too_large` before anything is " +
      "read or forwarded. The runtime itself answers 400 to heads of 64 KiB or more and to " +
      "more than about 100 headers, before the gateway sees them.",
  ),
  cors: corsSchema.describe(
    "Browser access (CORS). Off unless `allowed_origins` lists an origin: then no " +
      "`Access-Control-*` header is sent, and those of upstream answers are removed.",
  ),
}).prefault({});

export const proxySchema = z.strictObject({
  max_request_body_bytes: z.number().int().positive().default(32 * MiB).describe(
    "Largest request body forwarded; a larger one gets 413. Bytes are counted as they arrive, " +
      "not trusted from Content-Length.",
  ),
  max_decoded_response_bytes: z.number().int().positive().default(64 * MiB).describe(
    "Most bytes of a compressed answer decoded to read its usage (and capture its body); the " +
      "client always gets the answer as sent. Past it, or past 200 decoded bytes per wire byte, " +
      "decoding stops and usage is `unknown` (`usage_unknown_reason` in the trace metadata).",
  ),
  upstream_client: z.enum(["native", "fetch"]).default("native").describe(
    "How upstreams are reached: `native`, the gateway's keep-alive HTTP/1.1 client (about twice " +
      "the throughput), or `fetch`, the runtime's client (HTTP/2, `HTTPS_PROXY`). With an " +
      "`HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` variable set, `native` falls back to `fetch`.",
  ),
  // Generous by default: non-streamed reasoning calls may think for minutes before the headers,
  // and reasoning streams can be silent for a long time between events.
  headers_timeout_ms: timeoutMs.default(600_000).describe(
    "Time allowed until the upstream's response headers arrive, the request body and connecting " +
      "included; then 504 (408 if the client's body was still arriving).",
  ),
  idle_timeout_ms: timeoutMs.default(300_000).describe(
    "Longest silence from the upstream while the gateway waits for the next chunk of a response " +
      "body; then the stream is ended. A client that reads slowly does not count as silence.",
  ),
  total_timeout_ms: z.number().int().nonnegative().max(24 * 60 * 60 * 1000).default(0).describe(
    "Deadline for the whole exchange, streaming included: 504 before the response started, " +
      "else the stream is ended. 0 means no deadline.",
  ),
}).prefault({});

export const storageSchema = z.strictObject({
  driver: z.enum(["sqlite", "postgres"]).default("sqlite").describe(
    "Trace store: `sqlite` (a local file) or `postgres` (`storage.dsn`).",
  ),
  path: z.string().min(1).default("./data/ongoingai.db").describe(
    "SQLite file, relative to the working directory; created with mode 0600 in a 0700 directory.",
  ),
  dsn: z.string().min(1).optional().describe(
    "PostgreSQL connection string; required when `driver` is `postgres`.",
  ),
  pool_max: z.number().int().min(1).max(100).default(10).describe(
    "PostgreSQL: most connections this instance opens (writes use one at a time; API reads the " +
      "rest). Size it so that instances x pool_max stays under the server's max_connections.",
  ),
}).prefault({});

export const tracingSchema = z.strictObject({
  capture_bodies: z.boolean().default(false).describe(
    "Store request and response bodies in traces.",
  ),
  body_max_size: z.number().int().positive().default(MiB).describe(
    "Most bytes stored per request body and per response body; the rest is cut and the trace " +
      "says so. Usage parsing reads whole streams regardless.",
  ),
  queue_size: z.number().int().positive().max(10_000_000).default(16_384).describe(
    "Traces waiting to be written. A full queue drops and counts traces rather than slowing " +
      "requests.",
  ),
  queue_max_body_bytes: z.number().int().positive().default(64 * MiB).describe(
    "Captured body bytes allowed in the queue. Beyond it, new traces are still queued but " +
      "without their bodies (counted, and marked `bodies_dropped` in their metadata), so that " +
      "capturing under load cannot exhaust memory.",
  ),
  batch_size: z.number().int().positive().max(100_000).default(512).describe(
    "Most traces written in one transaction.",
  ),
  flush_interval_ms: z.number().int().positive().max(60_000).default(50).describe(
    "Longest wait before a partly filled batch is written.",
  ),
  key_hash_secret: z.union([z.string().min(16), envRefSchema]).optional().describe(
    "Secret of the provider-key fingerprint (HMAC-SHA256), 16+ characters, e.g. " +
      '`env("ONGOINGAI_KEY_HASH_SECRET")`. Default: generated on first start and kept in ' +
      "`ongoingai.secret` beside the database, mode 0600.",
  ),
}).prefault({});

export const otelSchema = z.strictObject({
  enabled: z.boolean().default(false).describe(
    "Export OpenTelemetry traces and metrics. Any `OTEL_*` variable also turns it on.",
  ),
  endpoint: z.string().default("localhost:4318").describe("OTLP/HTTP collector, host:port or URL."),
  protocol: otlpProtocolSchema.default("http/json").describe(
    "OTLP/HTTP encoding: `http/json` (default, unchanged for existing setups) or " +
      "`http/protobuf` (the OTel spec's default and recommended: about half the bytes and " +
      "cheaper to encode). gRPC is not supported. `OTEL_EXPORTER_OTLP_PROTOCOL` sets it.",
  ),
  traces_protocol: otlpProtocolSchema.optional().describe(
    "Encoding of span export only, over `protocol` (`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`).",
  ),
  metrics_protocol: otlpProtocolSchema.optional().describe(
    "Encoding of metric push only, over `protocol` (`OTEL_EXPORTER_OTLP_METRICS_PROTOCOL`).",
  ),
  insecure: z.boolean().default(true).describe("Plain HTTP to the collector."),
  service_name: z.string().default("ongoingai-gateway").describe(
    "`service.name` resource attribute.",
  ),
  traces_enabled: z.boolean().default(true).describe("Export spans."),
  metrics_enabled: z.boolean().default(true).describe("Push metrics over OTLP."),
  // Optional, without defaults: `check` must tell a key that was written from one left out, to
  // report a disagreement with `observability.prometheus` (the defaults live in that section).
  prometheus_enabled: z.boolean().optional().describe(
    "The original's name for `observability.prometheus.enabled`.",
  ),
  prometheus_path: z.string().optional().describe(
    "The original's name for `observability.prometheus.path`.",
  ),
  sampling_ratio: z.number().min(0).max(1).default(1).describe(
    "Share of requests traced (parent-based sampling).",
  ),
  export_timeout_ms: z.number().int().positive().default(3000).describe("OTLP export timeout."),
  metric_export_interval_ms: z.number().int().positive().default(10_000).describe(
    "Interval between metric pushes.",
  ),
  headers: otlpHeadersSchema.describe(
    "Headers sent with every OTLP request (collector auth), name to value; a value may be " +
      '`env("NAME")`. `OTEL_EXPORTER_OTLP_HEADERS` sets them too, its names winning over these.',
  ),
  traces_headers: otlpHeadersSchema.describe(
    "Headers for span export only, over `headers` (`OTEL_EXPORTER_OTLP_TRACES_HEADERS`).",
  ),
  metrics_headers: otlpHeadersSchema.describe(
    "Headers for metric push only, over `headers` (`OTEL_EXPORTER_OTLP_METRICS_HEADERS`).",
  ),
}).prefault({});

/** Written or not, like the original's `otel.prometheus_*` keys; `prometheusSetting` merges them. */
export const prometheusSchema = z.strictObject({
  enabled: z.boolean().optional().describe(
    "Serve a Prometheus scrape endpoint (default false), OTLP export on or not.",
  ),
  path: z.string().optional().describe("Path of the scrape endpoint (default `/metrics`)."),
}).prefault({});

export const configSchema = z.strictObject({
  server: serverSchema.describe("The HTTP listener."),
  proxy: proxySchema.describe("Request size limit and upstream timeouts."),
  storage: storageSchema.describe("Where traces are kept."),
  providers: z.record(
    z.string().regex(
      /^[a-z][a-z0-9_-]*$/,
      "provider ids are lowercase letters, digits, - and _, starting with a letter (e.g. groq)",
    ),
    providerSchema,
  )
    .default({}).describe(
      "Upstream APIs by id. `openai` and `anthropic` are built in and on unless disabled; the " +
        "preset ids (mistral, deepseek, xai, groq, together, fireworks, openrouter, ollama, " +
        "vllm: docs/providers-presets.md) are OpenAI-compatible providers with their defaults; " +
        "any other id is an OpenAI-compatible provider with its own `upstream`.",
    ),
  routes: routesSchema.describe(
    "Model names clients may ask for, each resolved to targets (provider and model) with " +
      "retries, fallbacks, timeouts and circuit breakers; see docs/routing.md.",
  ),
  tracing: tracingSchema.describe("What a trace keeps and how traces are written."),
  observability: z.strictObject({
    otel: otelSchema.describe(
      "OpenTelemetry: spans and metrics over OTLP/HTTP (JSON or protobuf), and a Prometheus " +
        "scrape endpoint.",
    ),
    prometheus: prometheusSchema.describe(
      "The Prometheus scrape endpoint; `otel.prometheus_*` are its original names.",
    ),
  }).prefault({}).describe("Telemetry export."),
  pii: piiSchema.describe(
    "PII detection and redaction: policies as code (see docs/pii.md).",
  ),
  auth: authSchema.describe(
    "Team mode: gateway keys, roles and tenants. Keys come from this file and from the " +
      "database (key API).",
  ),
  pricing: pricingSchema.describe(
    "Extra price files (LiteLLM's format) over the built-in table; see docs/pricing.md.",
  ),
  limits: z.strictObject({
    per_key: limitsSchema.describe("Limits for each gateway key; 0 means none."),
    per_workspace: limitsSchema.describe("Limits for each workspace; 0 means none."),
  }).prefault({}).describe(
    "Rate limits and budgets, enforced in team mode (`auth.enabled`) on provider routes: over " +
      "a limit the request is refused with 429 and `Retry-After`, not forwarded, and traced as " +
      "`rate_limited`. With PostgreSQL the counters are shared by every instance; with SQLite " +
      "they are kept per process.",
  ),
  translation: translationSchema.describe(
    "Protocol translation (a route whose target speaks another protocol than the client): " +
      "the thinking state seal key and the Responses store; see docs/translation.md.",
  ),
});

/** What a config author writes: everything optional, defaults filled in by the loader. */
export type GatewayConfigInput = z.input<typeof configSchema>;
/** The parsed file, before providers are resolved. */
export type ParsedConfig = z.output<typeof configSchema>;
export {
  maxUsdPerMillion,
  type ModelPrice,
  modelPriceSchema,
  type PriceTable,
  priceTableSchema,
  type PricingConfig,
  pricingSchema,
  validFromMs,
} from "./schema_pricing.ts";
export {
  defaultConnectMs,
  maxAttempts,
  maxRouteTargets,
  type ParsedRoute,
  poolKeySchema,
  type RouteConfigInput,
  type RouteFunction,
  type RouteRequest,
  routeSchema,
  routeStrategies,
  type RouteTargetInput,
  routeTargetSchema,
  streamCommits,
} from "./schema_routes.ts";
