/**
 * PLACEHOLDER (ws_relay branch): the real version of this file is written by another helper (it
 * installs the agents' npm packages). Until then, the binaries extracted for manual experiments
 * are used when present; null makes the tests that need them ignored with a message.
 */
const extracted = {
  codex: "/tmp/r18/cx/package/vendor/x86_64-unknown-linux-musl/bin/codex",
  claude: "/tmp/r18/cc/package/claude",
} as const;

export async function agentBinary(name: "codex" | "claude"): Promise<string | null> {
  try {
    const info = await Deno.stat(extracted[name]);
    return info.isFile ? extracted[name] : null;
  } catch {
    return null;
  }
}
