/**
 * Which model an Azure OpenAI exchange records, and what its provider key travels in.
 *
 * Model: Azure requests name a **deployment** (the path's `{deployment}`, or the body's `model` on
 * `/openai/responses` and the v1 API), a name the customer chose. The answer names the model
 * behind it (`"model": "gpt-4o-mini-2024-07-18"` in chat chunks, langchain4j #2385; `""` in the
 * first chunk and in content-filter annotation chunks, which `modelOf` reads as none). The trace
 * records, in order: the model the config's `deployments` maps the deployment to (the operator's
 * declaration, also what pricing uses), else the answer's model, else the deployment name.
 *
 * Credentials: `AzureOpenAI` (openai-node `src/azure.ts` `authHeaders`, npm 7.57.0) sends an API
 * key as `api-key: <key>` (and then sets `redirect: "manual"`), and a Microsoft Entra ID token
 * from `azureADTokenProvider` as `Authorization: Bearer <token>` through the base client's
 * `bearerAuth`; the two options are mutually exclusive. The REST specs declare the same two
 * schemes (`apiKey`: header `api-key`; `bearer`: OAuth2 against login.microsoftonline.com;
 * azure-rest-api-specs `inference/stable/2024-10-21/inference.yaml`). On the v1 API Microsoft's
 * examples use the plain `OpenAI` client with the API key as its `api_key`, which it sends as
 * `Authorization: Bearer <key>`: there a bearer value may be a key or an Entra token.
 */
import type { AzurePath } from "./azure_paths.ts";

// P0 shared type, copied from the plan section 10 until P0 lands (config `deployments`).
export type DeploymentMapping = string | {
  model: string;
  scope?: "global" | "data_zone" | "regional";
};

export interface AzureModelInput {
  /** The deployment the request named: the path's, else the body's `model` (prepared model). */
  deployment: string | null;
  /** The model the answer named (`UsageReport.model` read from the body), null when none. */
  answerModel: string | null;
  /** The provider's config `deployments` (deployment name → model), when it has one. */
  deployments?: Readonly<Record<string, DeploymentMapping>>;
}

export interface AzureModel {
  /** The model the trace records. */
  model: string | null;
  /** The deployment the request named (keep it in trace metadata: `azure_deployment`). */
  deployment: string | null;
  /**
   * The id to price with: the deployment when the config maps it (pricing's `mappedPriceKey`
   * then applies the mapping and its `scope`), else `model`. Pricing by the mapped model instead
   * would lose a `data_zone` or `regional` scope.
   */
  priceId: string | null;
}

/** The mapped model of `deployment`; null when the mapping does not name it exactly. */
export function mappedDeploymentModel(
  deployment: string,
  deployments: Readonly<Record<string, DeploymentMapping>> | undefined,
): string | null {
  if (deployments === undefined || !Object.hasOwn(deployments, deployment)) return null;
  const to = deployments[deployment]!;
  const model = typeof to === "string" ? to : to.model;
  return model.trim() === "" ? null : model;
}

export function azureTraceModel(input: AzureModelInput): AzureModel {
  const deployment = blankToNull(input.deployment);
  const mapped = deployment === null ? null : mappedDeploymentModel(deployment, input.deployments);
  const model = mapped ?? blankToNull(input.answerModel) ?? deployment;
  return { model, deployment, priceId: mapped !== null ? deployment : model };
}

/** The deployment a request names: the path's on the deployment form, else the body's model. */
export function requestDeployment(path: AzurePath, bodyModel: string | null): string | null {
  return path.form === "deployment" ? path.deployment : blankToNull(bodyModel);
}

function blankToNull(v: string | null): string | null {
  if (v === null) return null;
  const t = v.trim();
  return t === "" ? null : t;
}

/** How a request authenticates to Azure, as the client sent it. */
export type AzureClientCredential =
  | { kind: "api_key"; value: string }
  | { kind: "bearer"; value: string }
  | { kind: "none" };

const bearer = /^bearer(?:\s+|$)/i;

/**
 * What the client sent: `api-key` first (what `AzureOpenAI` sends for a key), else an
 * `Authorization: Bearer` value (an Entra ID token, or a key on the v1 API). Blank values and a
 * bare scheme are no credential, as for the fingerprint (headers.ts `providerKeyFrom`).
 */
export function azureClientCredential(headers: Headers): AzureClientCredential {
  const key = headers.get("api-key")?.trim();
  if (key) return { kind: "api_key", value: key };
  const auth = headers.get("authorization")?.trim();
  if (auth && bearer.test(auth)) {
    const token = auth.replace(bearer, "").trim();
    if (token) return { kind: "bearer", value: token };
  }
  return { kind: "none" };
}

/**
 * The header a pool key (an Azure API key from the gateway's config) is sent in, `[name, value]`
 * as `credentialOf` in proxy/route_context.ts returns it. Deployment and `/openai/...` forms:
 * `api-key` (the specs' key scheme, what `AzureOpenAI` sends). The v1 API: `Authorization:
 * Bearer <key>`, as Microsoft's v1 examples send a key through the plain `OpenAI` client
 * (whether v1 also takes `api-key` was not checked). An Entra token is never a pool key: the
 * gateway mints no tokens. Without a path (a caller that has none): `api-key`.
 */
export function azurePoolKeyHeader(key: string, form?: AzurePath["form"]): [string, string] {
  return form === "v1" ? ["authorization", `Bearer ${key}`] : ["api-key", key];
}
