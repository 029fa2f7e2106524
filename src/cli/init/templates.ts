/**
 * What `ongoingai init` writes, as text: a starter config with safe defaults, an example policy,
 * and the editor setup that points `"ongoingai"` at the generated declaration file. Kept as strings
 * (not files in the repository) so they are embedded in the bundle and the binary.
 */

/** Where the declaration file goes; deno.json and tsconfig.json below point at it. */
export const typesPath = ".ongoingai/types/ongoingai.d.ts";

export const gatewayConfig =
  `// The gateway's configuration, reviewed as code. \`ongoingai check\` validates it,
// \`ongoingai serve\` runs it. Every key is optional: delete what you don't need.
// Secrets are never written here: env("NAME") reads them when the gateway starts.
// Editors type-check this file with ${typesPath} (see deno.json, tsconfig.json).
import { defineConfig, env } from "ongoingai";
import { defaultPolicy } from "./policies/default.ts";

export default defineConfig({
  // Loopback only. In a container bind 0.0.0.0 (or set ONGOINGAI_HOST) and publish the port.
  server: { host: "127.0.0.1", port: 8080 },

  // SQLite needs no setup; ./data also holds the key-hash secret, so keep it out of git.
  // For teams: { driver: "postgres", dsn: "postgres://..." } (or ONGOINGAI_STORAGE_DSN).
  storage: { driver: "sqlite", path: "./data/ongoingai.db" },

  providers: {
    openai: { prefix: "/openai", upstream: "https://api.openai.com" },
    anthropic: { prefix: "/anthropic", upstream: "https://api.anthropic.com" },
    // Any OpenAI-compatible API is a configuration. Prices are USD per million tokens; without
    // them its traces carry tokens but cost null ("unpriced"). Enable it when you use it.
    groq: {
      kind: "openai-compatible",
      prefix: "/groq",
      upstream: "https://api.groq.com/openai",
      prices: { "llama-3.3-70b-versatile": { input: 0.59, output: 0.79 } },
      enabled: false,
    },
  },

  tracing: {
    // Request and response bodies stay out of traces unless you opt in; the PII policy
    // (policies/default.ts) then redacts what is stored.
    capture_bodies: false,
  },

  // PII rules are code too: policies/default.ts is the base policy. Set ONGOINGAI_PII_HASH_SALT
  // to keep redaction placeholders stable across restarts (a secret, so not written here).
  pii: { ...defaultPolicy },

  // Team mode: callers send X-OngoingAI-Gateway-Key; provider keys still come from the client.
  auth: {
    enabled: false,
    keys: [
      {
        id: "team-a-dev-1",
        token: env("ONGOINGAI_TEAM_A_KEY"),
        role: "developer",
        permissions: ["proxy:write", "analytics:read"],
      },
    ],
  },
});
`;

export const defaultPolicy = `/**
 * The PII policy, reviewed as code. gateway.config.ts spreads it into its \`pii\` block, which
 * makes it the base policy. With \`mode\` unset the gateway decides: \`redact_storage\` when bodies
 * are captured, else \`off\`; \`redact_upstream\` and \`block\` also change what reaches the
 * provider. Try a change before merging it:
 *   echo '{"note":"mail jane@example.com, badge EMP-123456"}' | ongoingai pii scan
 */
import type { PiiPolicy } from "ongoingai";

export const defaultPolicy: PiiPolicy = {
  policy_id: "default/v1",
  detectors: {
    email: true,
    phone: true,
    credit_card: true,
    iban: true,
    ssn: true,
    ip_address: true,
    token_like: true,
  },
  // Identifiers only your company uses: a regex, and a validator that rules out false hits.
  custom_detectors: [
    {
      name: "employee_id",
      pattern: /\\bEMP-\\d{6}\\b/,
      // EMP-000000 is the test badge, not a person.
      validate: (id) => !id.endsWith("000000"),
    },
  ],
  // Exact JSON field names (case, -, _ and spaces aside) whose values are always redacted.
  body: {
    key_denylist: ["email", "phone", "password", "secret", "ssn", "api_key", "authorization"],
  },
  headers: { denylist: ["cookie", "set-cookie"] },
  replacement: { format: "[{type}_REDACTED:{hash}]" },
};
`;

const strictTs = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
};

/** For `deno check gateway.config.ts` and Deno's editor extension. */
export const denoJson = `${
  JSON.stringify(
    {
      imports: { ongoingai: `./${typesPath}`, "@ongoingai/gateway": `./${typesPath}` },
      compilerOptions: strictTs,
    },
    null,
    2,
  )
}\n`;

/** Traces and the generated key-hash secret live in ./data: neither belongs in git. */
export const gitignore = `# ongoingai: the SQLite traces and the key-hash secret (./data)
data/
`;

/** For VS Code's built-in TypeScript and other Node-based editors. */
export const tsconfigJson = `${
  JSON.stringify(
    {
      compilerOptions: {
        ...strictTs,
        target: "ES2022",
        lib: ["ES2022"],
        module: "ESNext",
        moduleResolution: "Bundler",
        allowImportingTsExtensions: true,
        noEmit: true,
        types: [],
        paths: { ongoingai: [`./${typesPath}`], "@ongoingai/gateway": [`./${typesPath}`] },
      },
      include: ["gateway.config.ts", "policies/**/*.ts", typesPath],
    },
    null,
    2,
  )
}\n`;
