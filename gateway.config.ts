// The gateway's configuration, reviewed as code. `deno task start` serves with it;
// `deno run -A src/main.ts check` validates it. Every key is optional: delete what you don't need.
// Secrets are never written here: env("NAME") reads them when the gateway starts.
import { defineConfig, env } from "./src/mod.ts";
import { defaultPolicy } from "./policies/default.ts";
import { strictPolicy } from "./policies/strict.ts";

export default defineConfig({
  server: { host: "127.0.0.1", port: 8080 },

  // SQLite needs no setup. For teams: { driver: "postgres", dsn: "postgres://..." }
  // (or ONGOINGAI_STORAGE_DRIVER and ONGOINGAI_STORAGE_DSN).
  storage: { driver: "sqlite", path: "./data/ongoingai.db" },

  providers: {
    openai: { prefix: "/openai", upstream: "https://api.openai.com" },
    anthropic: { prefix: "/anthropic", upstream: "https://api.anthropic.com" },
    // Any OpenAI-compatible API is a configuration, not code. Prices are USD per million tokens;
    // without them its traces carry tokens but cost null ("unpriced"). Enable when you use it.
    groq: {
      kind: "openai-compatible",
      prefix: "/groq",
      upstream: "https://api.groq.com/openai",
      prices: {
        "llama-3.3-70b-versatile": { input: 0.59, output: 0.79 },
        "llama-3.1-8b-instant": { input: 0.05, output: 0.08 },
      },
      enabled: false,
    },
    ollama: {
      kind: "openai-compatible",
      prefix: "/ollama",
      upstream: "http://localhost:11434",
      // Local models cost nothing; pricing them at 0 keeps the cost column honest instead of null.
      prices: { "llama3.2": { input: 0, output: 0 } },
      // Set stream_usage: false for servers that reject stream_options.include_usage.
      enabled: false,
    },
  },

  tracing: {
    // Bodies stay out of traces unless you opt in; PII redaction then applies (policies/default.ts).
    capture_bodies: false,
    body_max_size: 1024 * 1024,
  },

  // PII policies are code too: policies/default.ts is the base, strict.ts is for scopes to pick.
  pii: {
    ...defaultPolicy,
    replacement: { ...defaultPolicy.replacement, hash_salt: env("ONGOINGAI_PII_HASH_SALT") },
    policies: [strictPolicy],
    scopes: [
      // With team mode on: refuse requests carrying PII from one workspace (strict/v1 blocks).
      // { match: { workspace_id: "workspace-compliance" }, policy_id: "strict/v1" },
    ],
  },

  // Team mode: callers send X-OngoingAI-Gateway-Key; provider keys still come from the client.
  auth: {
    enabled: false,
    keys: [
      {
        id: "team-a-dev-1",
        token: env("ONGOINGAI_TEAM_A_KEY"),
        org_id: "org-default",
        workspace_id: "workspace-default",
        role: "developer",
        permissions: ["proxy:write", "analytics:read"],
      },
    ],
  },
});
