// Entry point bundled by tests/config/bundle_test.ts: loads a config the way the compiled binary
// does, from a directory that holds no project files, and prints the outcome as JSON.
import { formatIssues, loadConfig } from "../../../src/config/mod.ts";

const result = await loadConfig({ env: Deno.env.toObject(), cwd: Deno.cwd() });
console.log(JSON.stringify(
  result.ok
    ? { ok: true, port: result.config.server.port, policy: result.config.pii.policy_id }
    : { ok: false, errors: formatIssues(result.errors) },
));
