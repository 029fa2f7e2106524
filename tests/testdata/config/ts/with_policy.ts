// A config importing a policy file and JSON data by relative paths, and the gateway's public
// module by its path in this repository (mapped to the loader's in-process exports).
import { defineConfig, env } from "../../../../src/mod.ts";
import { strictPolicy } from "./policies/strict.ts";
import limits from "./policies/limits.json" with { type: "json" };

export default defineConfig({
  server: { port: limits.port },
  pii: strictPolicy,
  auth: { keys: [{ id: "team-a", token: env("TEAM_A_KEY") }] },
});
