/**
 * A provider's keys (`providers.<id>`): wire format, prefix, upstream, prices, key pool, the
 * cloud kinds' keys (schema_cloud.ts). Part of the one configuration schema (schema.ts).
 */
import { z } from "zod";
import { providerKinds } from "../providers/mod.ts";
import { priceTableSchema } from "./schema_pricing.ts";
import { poolKeysSchema } from "./schema_routes.ts";
import { awsSchema, deploymentsSchema, gcpSchema, modelAliasesSchema } from "./schema_cloud.ts";

const httpUrl = z.string().check((ctx) => {
  let url: URL;
  try {
    url = new URL(ctx.value);
  } catch {
    ctx.issues.push({
      code: "custom",
      input: ctx.value,
      message:
        `must be an absolute http(s) URL such as https://api.openai.com (got "${ctx.value}")`,
    });
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    ctx.issues.push({
      code: "custom",
      input: ctx.value,
      message: `must use http or https (got "${url.protocol.replace(":", "")}")`,
    });
  } else if (url.search || url.hash || url.username || url.password) {
    ctx.issues.push({
      code: "custom",
      input: ctx.value,
      message: "must not contain a query, fragment or credentials; pass keys as request headers",
    });
  }
});

const routePrefix = z
  .string()
  .regex(
    /^\/[A-Za-z0-9._~\-/]*$/,
    "must start with '/' and contain only path characters, e.g. /openai",
  )
  .refine((p) => p !== "/", "must not be '/' (it would capture every path, including /api)")
  .refine((p) => !p.split("/").some((s) => s === "." || s === ".."), "must not contain . or ..")
  .transform((p) => (p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p));

export const timeoutMs = z.number().int().positive().max(24 * 60 * 60 * 1000);

export const providerSchema = z.strictObject({
  kind: z.enum(providerKinds).optional().describe(
    "Wire format. Default: the id for `openai` and `anthropic`, else `openai-compatible`.",
  ),
  prefix: routePrefix.optional().describe(
    "Gateway path routed to this provider, matched on a path-segment boundary and stripped " +
      "before forwarding. Default: `/<id>`.",
  ),
  upstream: httpUrl.optional().describe(
    "Upstream base URL; a path in it is kept as the base of every forwarded path. Default: " +
      "`https://api.openai.com` / `https://api.anthropic.com`, the preset's for a preset id " +
      "(docs/providers-presets.md), `https://generativelanguage.googleapis.com` for kind " +
      "`gemini`, `https://aiplatform.googleapis.com` for kind `vertex` (Vertex AI's global " +
      "endpoint: location `global`; a regional location such as us-east5 needs " +
      "`https://us-east5-aiplatform.googleapis.com`, one provider per location), " +
      "`https://bedrock-runtime.<aws.region, else us-east-1>.amazonaws.com` for kind `bedrock`; " +
      "required for other providers.",
  ),
  prices: priceTableSchema.optional().describe(
    "Prices by model id or family, USD per million tokens; they override and extend the " +
      "built-in table (the only prices an openai-compatible provider has).",
  ),
  stream_usage: z.boolean().optional().describe(
    "OpenAI-format streams: ask upstream for usage (`stream_options.include_usage`) when the " +
      "client did not, and hide that extra chunk from the client. Default: true; set false for " +
      "servers that reject the field.",
  ),
  translation_api: z.enum(["chat", "responses"]).optional().describe(
    "OpenAI-format kinds: the API a request translated for this provider uses (a route's " +
      "client of another protocol, docs/translation.md): `chat` (Chat Completions, every " +
      "OpenAI-compatible server has it) or `responses` (the Responses API: reasoning items and " +
      "their encrypted state carried between turns; OpenAI and Azure OpenAI). Default: chat.",
  ),
  websockets: z.boolean().optional().describe(
    "Relay the WebSocket mode of the Responses API (`GET <prefix>/v1/responses` with " +
      "`Upgrade: websocket`, used by Codex) on providers whose wire format has one. False: such " +
      "upgrades get 426 at once, without dialing the upstream, and clients fall back to HTTPS. " +
      "Default: true. See docs/responses-websocket.md.",
  ),
  enabled: z.boolean().optional().describe(
    "Set false to remove the provider and its route. Default: true.",
  ),
  keys: poolKeysSchema.optional().describe(
    "Key pool: provider keys the gateway uses when a client sends none, only in team mode " +
      "(`auth.enabled`) or when `server.host` is loopback. Spread by weight, a key cooled down " +
      "after a 429 and disabled after 401/402/403 (see docs/routing.md).",
  ),
  aws: awsSchema.optional().describe(
    "Kind `bedrock`: AWS credentials the gateway signs every request with (SigV4), replacing " +
      "the client's own signature (which covers the gateway's host and cannot be forwarded) or " +
      "Bedrock API key. See docs/providers-cloud-credentials.md.",
  ),
  gcp: gcpSchema.optional().describe(
    "Kind `vertex`: a service account whose access token the gateway sends, replacing the " +
      "client's token. See docs/providers-cloud-credentials.md.",
  ),
  deployments: deploymentsSchema.optional().describe(
    "Kind `azure-openai`: deployment name to the model it serves (`{ prod-4o: gpt-4o }`), for " +
      "prices; or `{ model, scope }` with the deployment type.",
  ),
  models: modelAliasesSchema.optional().describe(
    "Model ids the provider names (an ARN, an alias) to the model id they are priced as.",
  ),
});
