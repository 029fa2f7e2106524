/**
 * The provider keys of issue 20's cloud kinds: AWS credentials the gateway signs Bedrock
 * requests with, a Google service account for Vertex, Azure deployments and model aliases for
 * pricing. Parsed and checked here; each is read only by its kind (semantic_cloud.ts refuses it
 * elsewhere). `deployments` and `models` are read by the `azure-openai` kind (pricing and the
 * trace's model), `aws` by `bedrock` and `gcp` by `vertex` (resolve_cloud.ts).
 */
import { z } from "zod";
import type { ProviderKind } from "../providers/mod.ts";
import { envRefSchema } from "./schema_env_ref.ts";

/** A secret, as the config's other secrets: the value, or better `env("NAME")`. */
const secret = z.union([z.string().min(1), envRefSchema]);

const awsRegion = z.string().regex(
  /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/,
  "must be an AWS region such as us-east-1",
);

export const awsSchema = z.strictObject({
  region: awsRegion.optional().describe(
    "Region to sign for. Default: the one in the upstream host (`bedrock-runtime.<region>." +
      "amazonaws.com`).",
  ),
  access_key_id: secret.describe(
    'Access key id, e.g. `env("AWS_ACCESS_KEY_ID")` (YAML: `{ env: AWS_ACCESS_KEY_ID }`).',
  ),
  secret_access_key: secret.describe(
    'Secret access key, e.g. `env("AWS_SECRET_ACCESS_KEY")`.',
  ),
  session_token: secret.optional().describe(
    'Session token of temporary credentials, e.g. `env("AWS_SESSION_TOKEN")`.',
  ),
});

export const gcpSchema = z.strictObject({
  service_account_json: secret.optional().describe(
    "A service account key (the JSON itself), e.g. " +
      '`env("GOOGLE_SERVICE_ACCOUNT_JSON")`. Give this or `service_account_file`.',
  ),
  service_account_file: z.string().min(1).optional().describe(
    "Path of a service account key file (the JSON the Cloud console downloads), read when the " +
      "config is loaded (and on reload). Give this or `service_account_json`.",
  ),
}).refine(
  (g) => (g.service_account_json === undefined) !== (g.service_account_file === undefined),
  { message: "give exactly one of service_account_json and service_account_file" },
);

const deploymentName = z.string().regex(
  /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
  "must be an Azure deployment name: letters, digits, . _ -",
);

export const deploymentsSchema = z.record(
  deploymentName,
  z.union([
    z.string().min(1),
    z.strictObject({
      model: z.string().min(1).describe("The model the deployment serves (priced as it)."),
      scope: z.enum(["global", "data_zone", "regional"]).optional().describe(
        "Deployment type, for its price multiplier. Default: global.",
      ),
    }),
  ]),
);

export const modelAliasesSchema = z.record(
  z.string().min(1),
  z.string().min(1).describe("The model id it is priced as."),
);

/** Which kinds read each key; any other kind refuses it (a key silently ignored misleads). */
export const cloudKeyKinds = {
  aws: ["bedrock"],
  gcp: ["vertex"],
  deployments: ["azure-openai"],
  models: ["gemini", "vertex", "azure-openai", "bedrock"],
  translation_api: ["openai", "openai-compatible", "azure-openai"],
} as const satisfies Record<string, readonly ProviderKind[]>;
