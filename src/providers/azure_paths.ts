/**
 * Azure OpenAI request paths (after the provider prefix, e.g. `/azure`; the `AzureOpenAI` client
 * of the `openai` SDK appends `/openai` to its endpoint, openai-node `src/azure.ts` @ 7b7d6ca and
 * npm 7.57.0 `azure.js`). Three forms:
 *
 * - `deployment`: `/openai/deployments/{deployment}/{operation}?api-version=...`. The SDK puts
 *   the deployment (its `deployment` option, else the body's `model`) in front of exactly these
 *   operations: `completions`, `chat/completions`, `embeddings`, `audio/transcriptions`,
 *   `audio/translations`, `audio/speech`, `images/generations`, `images/edits`, `batches`
 *   (`_deployments_endpoints`), and only for a POST with a body. The model is in the path.
 * - `openai`: `/openai/{operation}?api-version=...` for every other operation the SDK calls
 *   (`responses`, `files`, `models`, ...): the model, if any, is the body's `model`, and on Azure
 *   it names a deployment.
 * - `v1`: `/openai/v1/{operation}` (Azure's v1 API, August 2025 on: "removes the need for dated
 *   api-version parameters", learn.microsoft.com api-version-lifecycle), used with the plain
 *   `OpenAI` client: the body's `model` names the deployment.
 *
 * The SDK adds `?api-version=<OPENAI_API_VERSION>` to every request (`defaultQuery`); the query is
 * forwarded unchanged. Paths arrive still percent-encoded and are read bounded: a segment that is
 * `.` or `..`, an empty segment, any `%` escape in the deployment or operation (an encoded slash
 * could move a name into another segment), a deployment name outside Azure's character set or
 * past 64 characters, a path past 2048 characters, more than one `api-version` or one outside
 * its grammar: each is refused with a message saying what was wrong and what to send instead.
 */
import { encodeRequestText, readRequestJson } from "./json_body.ts";
import { setTopLevelMember } from "./json_splice.ts";

/** Longest path read at all; longest deployment name (Azure allows 2-64 characters). */
export const maxAzurePathChars = 2048;
export const maxDeploymentChars = 64;
const maxOperationSegments = 8;
const maxApiVersionChars = 32;

/**
 * Deployment names as Azure accepts them: letters, digits, `-`, `_`, `.` (the portal's rule).
 * Names with other characters cannot exist, so a path carrying one is refused, not encoded.
 */
const deploymentGrammar = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const operationSegment = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
/** `2024-10-21`, `2025-04-01-preview`, and the v1 API's `preview` / `latest`. */
const apiVersionGrammar = /^(?:\d{4}-\d{2}-\d{2}(?:-preview)?|preview|latest|v1)$/;

export type AzurePathForm = "deployment" | "openai" | "v1";

export interface AzurePath {
  form: AzurePathForm;
  /** The path's deployment (`deployment` form); null where the body's `model` names it. */
  deployment: string | null;
  /** The operation's segments joined by `/`: `chat/completions`, `responses`, `embeddings`. */
  operation: string;
  /** The `api-version` query parameter as sent; null when absent (the v1 API needs none). */
  apiVersion: string | null;
}

export type AzurePathReading = { ok: true; path: AzurePath } | { ok: false; problem: string };

const expectedForms =
  "expected /openai/deployments/{deployment}/{operation}?api-version=..., /openai/{operation}?api-version=... or /openai/v1/{operation}";

function refused(problem: string): AzurePathReading {
  return { ok: false, problem };
}

/** `path` read as an Azure OpenAI path, or the reason it is refused. */
export function readAzurePath(path: string): AzurePathReading {
  if (path.length > maxAzurePathChars) {
    return refused(`the path is longer than ${maxAzurePathChars} characters; send a shorter one`);
  }
  const q = path.search(/[?#]/);
  const pathPart = q < 0 ? path : path.slice(0, q);
  const apiVersion = apiVersionOf(q < 0 ? "" : path.slice(q));
  if (typeof apiVersion === "object" && apiVersion !== null) return apiVersion;
  if (!pathPart.startsWith("/")) return refused(`the path must start with "/"; ${expectedForms}`);
  const segments = pathPart.slice(1).split("/");
  if (segments.at(-1) === "" && segments.length > 1) segments.pop(); // one trailing slash
  const bad = segments.find((s) => s === "" || s === "." || s === "..");
  if (bad !== undefined) {
    return refused(`the path has an empty, "." or ".." segment; ${expectedForms}`);
  }
  if (segments[0] !== "openai") {
    return refused(`the path does not start with /openai; ${expectedForms}`);
  }
  if (segments[1] === "deployments") return deploymentForm(segments.slice(2), apiVersion);
  if (segments[1] === "v1") return operationForm("v1", segments.slice(2), apiVersion);
  return operationForm("openai", segments.slice(1), apiVersion);
}

/** The readable path, or null (for callers that only need to know whether a model is there). */
export function parseAzurePath(path: string): AzurePath | null {
  const r = readAzurePath(path);
  return r.ok ? r.path : null;
}

function deploymentForm(rest: string[], apiVersion: string | null): AzurePathReading {
  const deployment = rest[0];
  if (deployment === undefined) {
    return refused(`the path names no deployment after /openai/deployments/; ${expectedForms}`);
  }
  const problem = deploymentProblem(deployment);
  if (problem !== null) return refused(problem);
  const op = operationOf(rest.slice(1));
  if (typeof op !== "string") return op;
  return { ok: true, path: { form: "deployment", deployment, operation: op, apiVersion } };
}

function operationForm(
  form: "openai" | "v1",
  rest: string[],
  apiVersion: string | null,
): AzurePathReading {
  const op = operationOf(rest);
  if (typeof op !== "string") return op;
  return { ok: true, path: { form, deployment: null, operation: op, apiVersion } };
}

function operationOf(rest: string[]): string | AzurePathReading {
  if (rest.length === 0) return refused(`the path names no operation; ${expectedForms}`);
  if (rest.length > maxOperationSegments) {
    return refused(
      `the operation has more than ${maxOperationSegments} segments; ${expectedForms}`,
    );
  }
  if (!rest.every((s) => s.length <= 128 && operationSegment.test(s))) {
    return refused(
      `an operation segment holds a percent escape or a character outside letters, digits, ".", "_", ":" and "-"; send the operation unencoded (${expectedForms})`,
    );
  }
  return rest.join("/");
}

/** Why `name` cannot be a deployment name; null when it can. */
export function deploymentProblem(name: string): string | null {
  if (name.length > maxDeploymentChars) {
    return `the deployment name is longer than ${maxDeploymentChars} characters (Azure allows 2-64)`;
  }
  if (name.includes("%")) {
    return `the deployment name "${name}" holds a percent escape; Azure deployment names are letters, digits, ".", "_" and "-": send the name unencoded`;
  }
  if (!deploymentGrammar.test(name)) {
    return `the deployment name "${name}" holds a character Azure does not allow (letters, digits, ".", "_" and "-" only)`;
  }
  return null;
}

/** The one `api-version` of a query (`?...`), null when absent, or a refusal. */
function apiVersionOf(query: string): string | null | AzurePathReading {
  const q = query.startsWith("?") ? query.slice(1).split("#", 1)[0]! : "";
  let found: string | null = null;
  for (const part of q.split("&")) {
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq);
    if (name.toLowerCase() !== "api-version") continue;
    if (found !== null) {
      return refused("the query has more than one api-version; send exactly one");
    }
    const value = eq < 0 ? "" : part.slice(eq + 1);
    if (value.length > maxApiVersionChars || !apiVersionGrammar.test(value)) {
      return refused(
        `api-version "${
          value.slice(0, maxApiVersionChars)
        }" is not an Azure OpenAI API version; send a date such as 2024-10-21 or 2025-04-01-preview`,
      );
    }
    found = value;
  }
  return found;
}

/**
 * Whether Azure accepts `stream_options.include_usage` on a Chat Completions or Completions
 * request with this path: on the v1 API, and from API version 2024-09-01-preview on ("Changes
 * between 2024-09-01-preview and 2024-08-01-preview: ... stream_options & include_usage added",
 * learn.microsoft.com/azure/ai-services/openai/api-version-deprecation; the GA 2024-10-21 spec has
 * `stream_options` on `createChatCompletionRequest`, the GA 2024-06-01 spec has not, and older
 * versions answer 400 "Unknown parameter: 'stream_options'": openai-python #1469 on 2023-05-15,
 * agno #1066). Unknown or absent versions on the older forms: false (forward unchanged).
 */
export function acceptsStreamOptions(path: AzurePath): boolean {
  if (path.form === "v1") return true;
  const v = path.apiVersion;
  if (v === null) return false;
  if (v === "preview" || v === "latest" || v === "v1") return true;
  return v.slice(0, 10) >= "2024-09-01";
}

/**
 * `gen_ai.operation.name` of an Azure operation (OTel GenAI conventions): `chat` for Chat
 * Completions and Responses, `text_completion`, `embeddings`; null for anything else.
 */
export function azureOperationName(path: AzurePath): string | null {
  switch (path.operation) {
    case "chat/completions":
    case "responses":
      return "chat";
    case "completions":
      return "text_completion";
    case "embeddings":
      return "embeddings";
  }
  return null;
}

// P0 shared type, copied from the plan section 10 until P0 lands.
export interface ModelPlacement {
  path: string;
  body: Uint8Array<ArrayBuffer> | null;
}

/**
 * `ProviderAdapter.withModel` for the Azure kind. A route target's `model` names an Azure
 * **deployment** (what the URL and the body's `model` mean on Azure; pricing maps it through the
 * provider's `deployments`). Deployment form: the deployment segment is replaced, and a `model` in
 * the body too (Azure ignores it there, but the request then reads the same everywhere). Other
 * forms: the body's `model` is set. A request whose path is refused, or a deployment name Azure
 * could not have, stays as it is.
 */
export function azureWithModel(request: ModelPlacement, deployment: string): ModelPlacement {
  const parsed = parseAzurePath(request.path);
  if (parsed === null) return request;
  if (parsed.form === "deployment") {
    if (deploymentProblem(deployment) !== null) return request;
    const q = request.path.search(/[?#]/);
    const query = q < 0 ? "" : request.path.slice(q);
    const trailing = (q < 0 ? request.path : request.path.slice(0, q)).endsWith("/") ? "/" : "";
    const path = `/openai/deployments/${deployment}/${parsed.operation}${trailing}${query}`;
    return { path, body: bodyWithModel(request.body, deployment, false) };
  }
  return { path: request.path, body: bodyWithModel(request.body, deployment, true) };
}

/** The body with `model` set (added only when `add`); unchanged when it is no JSON object. */
function bodyWithModel(
  body: Uint8Array<ArrayBuffer> | null,
  model: string,
  add: boolean,
): Uint8Array<ArrayBuffer> | null {
  const json = readRequestJson("POST", null, body);
  if (json === null || (!add && !Object.hasOwn(json.value, "model"))) return body;
  const text = setTopLevelMember(json.text, "model", JSON.stringify(model));
  return text === null ? body : encodeRequestText(json, text);
}
