/**
 * Who the gateway's own cloud credentials serve (config/semantic_cloud_exposure.ts): like a key
 * pool, `aws` and `gcp` are an error on a listener beyond loopback without team mode, saying why
 * and what to do; loopback or team mode is silent.
 */
import assert from "node:assert/strict";
import { type GatewayConfigInput, validateConfig } from "../../src/config/mod.ts";

const pair = await crypto.subtle.generateKey(
  {
    name: "RSASSA-PKCS1-v1_5",
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: "SHA-256",
  },
  true,
  ["sign", "verify"],
);
const der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
const pem = `-----BEGIN PRIVATE KEY-----\n${
  btoa(String.fromCharCode(...der)).match(/.{1,64}/g)!.join("\n")
}\n-----END PRIVATE KEY-----\n`;
const env = {
  A: "AKIAGATEWAY000000001",
  S: "gW7xsecretEXAMPLE",
  T: "sessiontoken",
  SA: JSON.stringify({
    type: "service_account",
    private_key: pem,
    client_email: "gw@p.iam.gserviceaccount.com",
  }),
  GATEWAY_KEY: "ogk_" + "x".repeat(40),
};
type Providers = NonNullable<GatewayConfigInput["providers"]>;
const aws = { region: "us-east-1", access_key_id: { env: "A" }, secret_access_key: { env: "S" } };
const gcp = { service_account_json: { env: "SA" } };
const bedrockAt = (upstream: string): Providers => ({
  bedrock: { kind: "bedrock", upstream, aws },
});
const vertexAt = (upstream: string): Providers => ({
  vertex: { kind: "vertex", upstream, gcp },
});

export function said(providers: Providers, extra: GatewayConfigInput = {}) {
  const r = validateConfig({ ...extra, providers } as GatewayConfigInput, { env });
  const show = (l: readonly { path: string; message: string; hint?: string }[]) =>
    l.map((i) => `${i.path}: ${i.message}${i.hint ? ` (${i.hint})` : ""}`);
  return { errors: show(r.ok ? [] : r.errors), warnings: show(r.warnings) };
}

const open = { server: { host: "0.0.0.0", port: 8080 } };
const team = {
  server: { host: "0.0.0.0", port: 8080 },
  auth: { enabled: true, keys: [{ id: "k", token: { env: "GATEWAY_KEY" }, role: "developer" }] },
} as GatewayConfigInput;

Deno.test("check: the gateway's own cloud credentials serve like a pool (team mode or loopback)", () => {
  const bedrockHost = "https://bedrock-runtime.us-east-1.amazonaws.com";
  const vertexHost = "https://aiplatform.googleapis.com";
  const table: [string, Providers, GatewayConfigInput, RegExp | null][] = [
    [
      "aws, 0.0.0.0 without auth",
      bedrockAt(bedrockHost),
      open,
      /^providers\.bedrock\.aws: is never used: the gateway's own aws credentials sign requests only in team mode \(auth\.enabled\) or when server\.host is loopback, and server\.host is 0\.0\.0\.0 without auth.*\(turn on auth\.enabled with gateway keys, or listen on 127\.0\.0\.1\)$/,
    ],
    [
      "gcp, 0.0.0.0 without auth",
      vertexAt(vertexHost),
      open,
      /^providers\.vertex\.gcp: is never used: the gateway's own gcp credentials/,
    ],
    ["aws, loopback", bedrockAt(bedrockHost), { server: { host: "127.0.0.1" } }, null],
    ["gcp, ::1", vertexAt(vertexHost), { server: { host: "::1", port: 8080 } }, null],
    ["aws, team mode on 0.0.0.0", bedrockAt(bedrockHost), team, null],
  ];
  for (const [name, providers, extra, want] of table) {
    const got = said(providers, extra);
    const exposure = got.errors.filter((e) => /never used: the gateway's own/.test(e));
    if (want === null) assert.deepEqual(exposure, [], name);
    else {
      assert.equal(exposure.length, 1, `${name}: ${JSON.stringify(got.errors)}`);
      assert.match(exposure[0]!, want, name);
    }
  }
});

Deno.test("check: where the gateway's own cloud credentials travel", () => {
  const loopback = { server: { host: "127.0.0.1" } };
  const table: [string, Providers, RegExp | null, RegExp | null][] = [
    [
      "aws, plain http beyond loopback",
      {
        bedrock: {
          kind: "bedrock",
          upstream: "http://10.1.2.4:8080",
          aws: { ...aws, session_token: { env: "T" } },
        },
      },
      /^providers\.bedrock\.upstream: is plain http to 10\.1\.2\.4, so the gateway's AWS signature \(and session token, if any\) would cross the network in clear text \(use https:\/\/10\.1\.2\.4:8080, or a loopback address for a proxy on this machine\)$/,
      null,
    ],
    [
      "gcp, plain http beyond loopback",
      vertexAt("http://10.1.2.3:8080"),
      /^providers\.vertex\.upstream: is plain http to 10\.1\.2\.3, so the gateway's Google access token would cross the network/,
      null,
    ],
    ["aws, http on loopback (a local proxy)", bedrockAt("http://127.0.0.1:9000"), null, null],
    ["gcp, http on ::1", vertexAt("http://[::1]:9000"), null, null],
    [
      "aws, https to a host that is not AWS",
      bedrockAt("https://bedrock.corp.example"),
      null,
      /^providers\.bedrock\.upstream: bedrock\.corp\.example is not an AWS host, yet the gateway's AWS signature .* goes there with every request \(right for a VPC endpoint or a proxy you run/,
    ],
    [
      "gcp, https to a host that is not Google",
      vertexAt("https://vertex.corp.example"),
      null,
      /^providers\.vertex\.upstream: vertex\.corp\.example is not a Google host/,
    ],
    [
      "aws, a VPC endpoint",
      bedrockAt("https://vpce-0a1b-c2d3.bedrock-runtime.us-east-1.vpce.amazonaws.com"),
      null,
      null,
    ],
    ["aws, dual-stack", bedrockAt("https://bedrock-runtime.us-east-1.api.aws"), null, null],
    ["gcp, a regional host", vertexAt("https://us-east5-aiplatform.googleapis.com"), null, null],
  ];
  for (const [name, providers, error, warning] of table) {
    const got = said(providers, loopback);
    const errors = got.errors.filter((e) => /\.upstream: /.test(e));
    const warnings = got.warnings.filter((e) => /\.upstream: /.test(e));
    assert.deepEqual(errors.length, error === null ? 0 : 1, `${name}: ${JSON.stringify(got)}`);
    if (error !== null) assert.match(errors[0]!, error, name);
    assert.deepEqual(warnings.length, warning === null ? 0 : 1, `${name}: ${JSON.stringify(got)}`);
    if (warning !== null) assert.match(warnings[0]!, warning, name);
  }
});
