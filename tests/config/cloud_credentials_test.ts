/**
 * What `check` says about the gateway's own cloud credentials (config/semantic_cloud_credentials.ts
 * and resolve_cloud.ts): every way the gateway would fail to sign or to get a token is an error
 * naming the key and what to do, a plaintext secret is a warning, and no message quotes a value.
 * (`bedrock` and `vertex` may still be refused as unavailable kinds in this build: that error is
 * left out of the comparison.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type GatewayConfigInput, validateConfig } from "../../src/config/mod.ts";

type Providers = NonNullable<GatewayConfigInput["providers"]>;

function issues(
  providers: Providers,
  env: Record<string, string> = {},
  extra: GatewayConfigInput = {},
) {
  // Loopback: the gateway's own credentials serve only there or in team mode (cloud_exposure_test).
  const result = validateConfig({ server: { host: "127.0.0.1" }, ...extra, providers }, { env });
  const shown = (list: readonly { path: string; message: string; hint?: string }[]) =>
    list.filter((i) => !i.path.endsWith(".kind")).map((i) =>
      `${i.path}: ${i.message}${i.hint ? ` (${i.hint})` : ""}`
    );
  return {
    errors: shown(result.ok ? [] : result.errors),
    warnings: shown(result.warnings),
    config: result.ok ? result.config : null,
  };
}

const host = "https://bedrock-runtime.us-east-1.amazonaws.com";
const secret = "gW7x/Kq2+secret/of+the+gateway+EXAMPLEKEY";
const env = {
  AWS_ACCESS_KEY_ID: "AKIAGATEWAY000000001",
  AWS_SECRET_ACCESS_KEY: secret,
};
const awsRefs = {
  access_key_id: { env: "AWS_ACCESS_KEY_ID" },
  secret_access_key: { env: "AWS_SECRET_ACCESS_KEY" },
};

Deno.test("check, aws: each unusable credential is an error saying what to do", () => {
  const table: [string, Providers, Record<string, string>, RegExp[]][] = [
    ["complete", { bedrock: { kind: "bedrock", upstream: host, aws: awsRefs } }, env, []],
    [
      "access key id variable unset",
      { bedrock: { kind: "bedrock", upstream: host, aws: awsRefs } },
      { AWS_SECRET_ACCESS_KEY: secret },
      [
        /^providers\.bedrock\.aws\.access_key_id: environment variable AWS_ACCESS_KEY_ID is not set, so the gateway has no AWS access key id to sign with \(export AWS_ACCESS_KEY_ID=/,
      ],
    ],
    [
      "an access key id without its secret",
      { bedrock: { kind: "bedrock", upstream: host, aws: awsRefs } },
      { AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID },
      [/^providers\.bedrock\.aws\.secret_access_key: environment variable AWS_SECRET_ACCESS_KEY is not set/],
    ],
    [
      "no secret_access_key at all",
      {
        bedrock: {
          kind: "bedrock",
          upstream: host,
          aws: { access_key_id: awsRefs.access_key_id } as never,
        },
      },
      env,
      [/^providers\.bedrock\.aws\.secret_access_key: is required: expected a string or an env reference/],
    ],
    [
      "no region: a custom upstream host names none",
      {
        bedrock: { kind: "bedrock", upstream: "https://llm-proxy.internal.example", aws: awsRefs },
      },
      env,
      [/^providers\.bedrock\.aws\.region: is not set, and the upstream host llm-proxy\.internal\.example names no region .*\(set providers\.bedrock\.aws\.region, for example us-east-1\)/],
    ],
    [
      "temporary keys without their session token",
      { bedrock: { kind: "bedrock", upstream: host, aws: awsRefs } },
      { ...env, AWS_ACCESS_KEY_ID: "ASIAGATEWAY000000002" },
      [/^providers\.bedrock\.aws\.access_key_id: is a temporary access key id \(ASIA\.\.\.\), which AWS refuses without its session token \(add session_token: env\("AWS_SESSION_TOKEN"\)\)/],
    ],
    [
      "a secret given as the access key id",
      { bedrock: { kind: "bedrock", upstream: host, aws: awsRefs } },
      { ...env, AWS_ACCESS_KEY_ID: secret },
      [/^providers\.bedrock\.aws\.access_key_id: is not an AWS access key id/],
    ],
    [
      "aws on another kind",
      { groq: { aws: awsRefs } },
      env,
      [/^providers\.groq\.aws: is read only by providers of kind bedrock/],
    ],
  ];
  for (const [name, providers, vars, expected] of table) {
    const { errors } = issues(providers, vars);
    assert.equal(errors.length, expected.length, `${name}: ${errors.join("\n")}`);
    expected.forEach((re, i) => assert.match(errors[i]!, re, name));
    for (const e of errors) assert.ok(!e.includes(secret), name);
  }
});

Deno.test("check, aws: warnings for a plaintext secret, another region, an unset session token", () => {
  const { errors, warnings } = issues({
    bedrock: {
      kind: "bedrock",
      upstream: host,
      aws: {
        region: "eu-west-3",
        access_key_id: "AKIAGATEWAY000000001",
        secret_access_key: secret,
        session_token: { env: "AWS_SESSION_TOKEN" },
      },
    },
  });
  assert.deepEqual(errors, []);
  assert.equal(warnings.length, 3, warnings.join("\n"));
  assert.match(warnings.join("\n"), /aws\.secret_access_key: is a plaintext secret/);
  assert.match(
    warnings.join("\n"),
    /aws\.session_token: environment variable AWS_SESSION_TOKEN is not set: requests are signed without a session token/,
  );
  assert.match(
    warnings.join("\n"),
    /aws\.region: is eu-west-3, but the upstream host bedrock-runtime\.us-east-1\.amazonaws\.com is in us-east-1/,
  );
  for (const w of warnings) assert.ok(!w.includes(secret));
});

Deno.test("check, aws: a key pool next to the gateway's credentials is a warning (never sent)", () => {
  const { errors, warnings } = issues(
    {
      bedrock: {
        kind: "bedrock",
        upstream: host,
        aws: awsRefs,
        keys: [{ id: "k1", key: { env: "POOL_KEY" } }],
      },
    },
    { ...env, POOL_KEY: "ABSKpoolkey0123456789" },
    { server: { host: "127.0.0.1" } },
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(warnings, [
    "providers.bedrock.keys: are never sent: the gateway's own aws credentials replace every " +
    "other credential on this provider's requests (remove providers.bedrock.keys, or the aws block)",
  ]);
});

Deno.test("check, gcp: a key pool next to the gateway's service account is a warning (never sent)", () => {
  const json = JSON.stringify({
    type: "service_account",
    client_email: "gw@p.iam.gserviceaccount.com",
    private_key: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
  });
  const { errors, warnings } = issues(
    {
      vertex: {
        kind: "vertex",
        gcp: { service_account_json: { env: "SA_JSON" } },
        keys: [{ id: "k1", key: { env: "POOL_KEY" } }],
      } as Providers[string],
    },
    { SA_JSON: json, POOL_KEY: "ya29.pool-token" },
    { server: { host: "127.0.0.1" } },
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(warnings, [
    "providers.vertex.keys: are never sent: the gateway's own gcp credentials replace every " +
    "other credential on this provider's requests (remove providers.vertex.keys, or the gcp block)",
  ]);
});

Deno.test("check, gcp: an unreadable, non-JSON or non-key service account is an error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-gcp-" });
  try {
    const good = JSON.stringify({
      type: "service_account",
      client_email: "gw@p.iam.gserviceaccount.com",
      private_key: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
    });
    await Deno.writeTextFile(join(dir, "good.json"), good);
    await Deno.writeTextFile(join(dir, "html.json"), "<html>not a key</html>");
    await Deno.writeTextFile(
      join(dir, "user.json"),
      JSON.stringify({ type: "authorized_user", client_id: "x", refresh_token: "y" }),
    );
    const vertex = (gcp: Record<string, unknown>): Providers => ({
      vertex: { kind: "vertex", gcp } as Providers[string],
    });
    const table: [string, Providers, Record<string, string>, RegExp | null][] = [
      ["a good key file", vertex({ service_account_file: join(dir, "good.json") }), {}, null],
      [
        "a good key in a variable",
        vertex({ service_account_json: { env: "SA" } }),
        { SA: good },
        null,
      ],
      [
        "a missing file",
        vertex({ service_account_file: join(dir, "missing.json") }),
        {},
        /gcp\.service_account_file: .*missing\.json does not exist \(give the path of the service account's JSON key file/,
      ],
      [
        "not JSON",
        vertex({ service_account_file: join(dir, "html.json") }),
        {},
        /gcp\.service_account_file: the key: is not JSON/,
      ],
      [
        "a user credential, not a service account",
        vertex({ service_account_file: join(dir, "user.json") }),
        {},
        /is a "authorized_user" credential; only "service_account" keys are supported/,
      ],
      [
        "a path in the JSON variable",
        vertex({ service_account_json: { env: "SA" } }),
        { SA: "/home/me/key.json" },
        /gcp\.service_account_json: holds a file path, not the key's JSON \(use service_account_file/,
      ],
      [
        "the variable unset",
        vertex({ service_account_json: { env: "SA" } }),
        {},
        /gcp\.service_account_json: environment variable SA is not set/,
      ],
      [
        "both keys",
        vertex({ service_account_json: { env: "SA" }, service_account_file: "/x" }),
        { SA: good },
        /give exactly one of service_account_json and service_account_file/,
      ],
      [
        "a PKCS#1 key",
        vertex({ service_account_json: { env: "SA" } }),
        {
          SA: JSON.stringify({
            client_email: "gw@p",
            private_key: "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n",
          }),
        },
        /PKCS#1 key.*\(convert it: openssl pkcs8 -topk8 -nocrypt -in key\.pem\)/,
      ],
    ];
    for (const [name, providers, vars, expected] of table) {
      const { errors } = issues(providers, vars);
      if (expected === null) assert.deepEqual(errors, [], name);
      else {
        assert.equal(errors.length, 1, `${name}: ${errors.join("\n")}`);
        assert.match(errors[0]!, expected, name);
        assert.ok(!errors[0]!.includes("MIIE"), name);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
