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
