/**
 * `wrap --via bedrock|vertex -- claude`: Claude Code on Amazon Bedrock or Google Vertex AI,
 * through the gateway's provider of that kind. Pure: the config's providers, the flags and the
 * environment in; the variables to set and unset, or why it cannot be done, out.
 *
 * Claude Code 2.1.332 (names checked in its binary, behaviour measured against a local stub):
 *
 * - Bedrock: `CLAUDE_CODE_USE_BEDROCK=1`, `ANTHROPIC_BEDROCK_BASE_URL=<gateway>/<prefix>` (it
 *   posts `/model/{id}/invoke-with-response-stream` under it), `CLAUDE_CODE_SKIP_BEDROCK_AUTH=1`
 *   (no SigV4: the gateway signs with its own AWS credentials) and `AWS_REGION`, from which it
 *   picks the model's inference profile (`eu.anthropic.claude-opus-5-5` for `eu-west-1`): the
 *   region must be the gateway's. It also asks the control plane for
 *   `GET /inference-profiles?type=SYSTEM_DEFINED` under the same base URL, without the custom
 *   headers, and carries on when that fails.
 * - Vertex: `CLAUDE_CODE_USE_VERTEX=1`, `ANTHROPIC_VERTEX_BASE_URL=<gateway>/<prefix>/v1` (the
 *   SDK appends `/projects/{p}/locations/{r}/publishers/anthropic/models/{m}:streamRawPredict`),
 *   `ANTHROPIC_VERTEX_PROJECT_ID`, `CLOUD_ML_REGION` and `CLAUDE_CODE_SKIP_VERTEX_AUTH=1` (no
 *   Google token: the gateway brings its own).
 *
 * In both modes Claude Code still sends `ANTHROPIC_CUSTOM_HEADERS` on every model request
 * (measured), so the developer label and a gateway key travel as without `--via`.
 */
import type { ProviderKind } from "../providers/mod.ts";
import { kindProvider } from "./base_urls.ts";
import { programName } from "./wrap_agents.ts";

export const viaKinds = ["bedrock", "vertex"] as const;
export type ViaKind = typeof viaKinds[number];

/** What `--via` needs of a provider (the config's `ResolvedProvider` has more). */
export interface ViaProvider {
  id: string;
  kind: ProviderKind;
  prefix: string;
  upstream: string;
}

export interface ViaRequest {
  kind: ViaKind;
  /** `--region`: the AWS region or the Vertex location. */
  region?: string | undefined;
  /** `--project`: the Google Cloud project (Vertex). */
  project?: string | undefined;
}

export type ViaEnv =
  | { ok: true; provider: string; set: Record<string, string>; unset: string[] }
  | { ok: false; message: string };

const awsRegion = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
/** A Vertex location (`us-east5`, `europe-west1`) or `global`. */
const vertexLocation = /^(?:global|[a-z]+(?:-[a-z]+)*\d{0,2})$/;
/** A Google Cloud project id: 6 to 30 lower-case letters, digits and hyphens. */
const projectId = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** `bedrock-runtime[-fips].<region>.amazonaws.com`: the region; else null. */
export function bedrockRegionOf(upstream: string): string | null {
  const host = hostOf(upstream);
  const m = /^bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host ?? "");
  return m !== null && awsRegion.test(m[1]!) ? m[1]! : null;
}

/** `<location>-aiplatform.googleapis.com`: the location; `aiplatform.googleapis.com`: global. */
export function vertexLocationOf(upstream: string): string | null {
  const host = hostOf(upstream);
  if (host === "aiplatform.googleapis.com") return "global";
  const m = /^([a-z0-9-]+)-aiplatform\.googleapis\.com$/.exec(host ?? "");
  return m !== null && vertexLocation.test(m[1]!) ? m[1]! : null;
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** The first value that is set, with where it came from. */
function firstOf(...values: [string | null | undefined, string][]): [string, string] | null {
  for (const [value, from] of values) {
    if (value !== undefined && value !== null && value.trim() !== "") return [value.trim(), from];
  }
  return null;
}

/**
 * The variables for Claude Code on `request.kind` through the gateway at `origin`. The other
 * cloud's switch is unset (Claude Code would otherwise pick one by its own order).
 */
export function viaEnv(
  providers: readonly ViaProvider[],
  origin: string,
  request: ViaRequest,
  env: Readonly<Record<string, string | undefined>>,
): ViaEnv {
  const provider = kindProvider(providers, request.kind);
  if (provider === null) {
    return {
      ok: false,
      message: `wrap --via ${request.kind}: the config has no provider of kind ${request.kind}; ` +
        `add one (providers.${request.kind}: { kind: "${request.kind}", upstream: ... }) or ` +
        "leave out --via",
    };
  }
  const base = origin + provider.prefix;
  return request.kind === "bedrock"
    ? bedrockEnv(provider, base, request, env)
    : vertexEnv(provider, base, request, env);
}

function bedrockEnv(
  provider: ViaProvider,
  base: string,
  request: ViaRequest,
  env: Readonly<Record<string, string | undefined>>,
): ViaEnv {
  const region = firstOf(
    [request.region, "--region"],
    [bedrockRegionOf(provider.upstream), `provider ${provider.id}'s upstream`],
    [env.AWS_REGION, "AWS_REGION"],
    [env.AWS_DEFAULT_REGION, "AWS_DEFAULT_REGION"],
  );
  if (region === null) {
    return {
      ok: false,
      message:
        `wrap --via bedrock: no AWS region: provider ${provider.id}'s upstream names none; ` +
        "pass --region (the region the gateway signs for, e.g. us-east-1)",
    };
  }
  if (!awsRegion.test(region[0])) {
    return {
      ok: false,
      message: `wrap --via bedrock: ${region[1]} ${JSON.stringify(region[0])} is not an AWS ` +
        "region such as us-east-1",
    };
  }
  return {
    ok: true,
    provider: provider.id,
    set: {
      CLAUDE_CODE_USE_BEDROCK: "1",
      ANTHROPIC_BEDROCK_BASE_URL: base,
      CLAUDE_CODE_SKIP_BEDROCK_AUTH: "1",
      AWS_REGION: region[0],
    },
    unset: ["CLAUDE_CODE_USE_VERTEX"],
  };
}

function vertexEnv(
  provider: ViaProvider,
  base: string,
  request: ViaRequest,
  env: Readonly<Record<string, string | undefined>>,
): ViaEnv {
  const region = firstOf(
    [request.region, "--region"],
    [vertexLocationOf(provider.upstream), `provider ${provider.id}'s upstream`],
    [env.CLOUD_ML_REGION, "CLOUD_ML_REGION"],
  );
  const project = firstOf(
    [request.project, "--project"],
    [env.ANTHROPIC_VERTEX_PROJECT_ID, "ANTHROPIC_VERTEX_PROJECT_ID"],
    [env.GOOGLE_CLOUD_PROJECT, "GOOGLE_CLOUD_PROJECT"],
  );
  const problem = region === null
    ? `no Vertex location: provider ${provider.id}'s upstream names none; pass --region ` +
      "(e.g. us-east5 or global)"
    : !vertexLocation.test(region[0])
    ? `${region[1]} ${
      JSON.stringify(region[0])
    } is not a Vertex location such as us-east5 or global`
    : project === null
    ? "no Google Cloud project: pass --project (or set ANTHROPIC_VERTEX_PROJECT_ID)"
    : !projectId.test(project[0])
    ? `${project[1]} ${JSON.stringify(project[0])} is not a Google Cloud project id`
    : null;
  if (problem !== null) return { ok: false, message: `wrap --via vertex: ${problem}` };
  return {
    ok: true,
    provider: provider.id,
    set: {
      CLAUDE_CODE_USE_VERTEX: "1",
      ANTHROPIC_VERTEX_BASE_URL: `${base}/v1`,
      ANTHROPIC_VERTEX_PROJECT_ID: project![0],
      CLOUD_ML_REGION: region![0],
      CLAUDE_CODE_SKIP_VERTEX_AUTH: "1",
    },
    unset: ["CLAUDE_CODE_USE_BEDROCK"],
  };
}

/**
 * Without `--via`: a note when the user's environment already sends Claude Code to a cloud
 * directly, around the gateway.
 */
export function claudeCloudNote(env: Readonly<Record<string, string | undefined>>): string | null {
  for (
    const [variable, kind] of [["CLAUDE_CODE_USE_BEDROCK", "bedrock"], [
      "CLAUDE_CODE_USE_VERTEX",
      "vertex",
    ]] as const
  ) {
    const value = env[variable]?.trim().toLowerCase();
    if (value !== undefined && value !== "" && value !== "0" && value !== "false") {
      return `wrap: ${variable} is set, so Claude Code talks to ${kind} directly, not through ` +
        `the gateway: run wrap --via ${kind} to send it through the gateway's ${kind} provider`;
    }
  }
  return null;
}

/**
 * What `wrap` does about the clouds for one command: with `--via`, the variables to set and the
 * ones to unset (only those the environment has); without, a note when Claude Code would go to
 * a cloud directly. A message when `--via` cannot be served.
 */
export function claudeCloud(
  via: ViaKind | null,
  providers: readonly ViaProvider[],
  origin: string,
  flags: { region?: string | undefined; project?: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
  program: string,
): { set: Record<string, string>; unset: string[]; notes: string[] } | { message: string } {
  if (via === null) {
    const note = programName(program) === "claude" ? claudeCloudNote(env) : null;
    return { set: {}, unset: [], notes: note === null ? [] : [note] };
  }
  const got = viaEnv(
    providers,
    origin,
    { kind: via, region: flags.region, project: flags.project },
    env,
  );
  if (!got.ok) return { message: got.message };
  return { set: got.set, unset: got.unset.filter((name) => env[name] !== undefined), notes: [] };
}
