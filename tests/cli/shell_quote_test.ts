/**
 * `shell-init` output is `eval`ed (issue 16 item 6): every value must reach the variable exactly,
 * and nothing in it may run. Each value goes through the real shells, as the README runs them:
 * `eval "$(ongoingai shell-init)"` in sh, bash and zsh, `... --shell fish | source` in fish.
 * A shell that is not installed is skipped, and says so.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { exportLine, shellQuote } from "../../src/cli/shell_init.ts";

const dir = await Deno.makeTempDir({ prefix: "ongoingai-quote-" });
const marker = join(dir, "ran");

const values: [string, string][] = [
  ["a plain URL", "http://localhost:8080/openai/v1"],
  ["empty", ""],
  ["command substitution", `a$(touch ${marker})b`],
  ["backticks", `a\`touch ${marker}\`b`],
  ["a single quote", "it's"],
  ["the escape sequence itself", `'\\''`],
  ["quote, then command", `'; touch ${marker}; '`],
  ["double quotes", `"$(touch ${marker})"`],
  ["backslashes", "a\\b\\\\c\\"],
  ["a trailing backslash before a quote", "x\\'"],
  ["a variable", "$HOME ${HOME} $$"],
  ["a newline with a command", `a\ntouch ${marker}\nb`],
  ["glob and tilde", "* ? [a] ~ ~root"],
  ["semicolons and pipes", `x; touch ${marker} | cat & y`],
  ["fish command substitution", `(touch ${marker})`],
  ["fish braces and percent", "{a,b} %self"],
  ["history expansion", "!! !$"],
  ["unicode", "héllo ✓ \u00a0"],
  ["a tab", "a\tb"],
];

async function which(shell: string): Promise<boolean> {
  try {
    const out = await new Deno.Command(shell, {
      args: ["-c", "true"],
      stdout: "null",
      stderr: "null",
    })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

/** The variable `V` after the shell runs `script` the README's way. */
async function run(shell: string, script: string): Promise<string> {
  const file = join(dir, "init");
  await Deno.writeTextFile(file, script);
  const args = shell === "fish"
    ? ["--no-config", "-c", `cat ${file} | source; printf %s "$V"`]
    : ["-c", `eval "$(cat ${file})"; printf %s "$V"`];
  const out = await new Deno.Command(shell, {
    args,
    cwd: dir,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: dir },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `${shell}: ${stderr}`);
  return new TextDecoder().decode(out.stdout);
}

for (const shell of ["sh", "bash", "zsh", "fish"] as const) {
  const installed = await which(shell);
  Deno.test({
    name: `shell-init quoting: ${shell} sets each value exactly and runs nothing`,
    ignore: !installed,
    async fn() {
      for (const [why, value] of values) {
        const got = await run(shell, exportLine("V", value, shell));
        assert.equal(got, value, `${shell}: ${why}`);
        assert.equal(
          await Deno.stat(marker).then(() => true, () => false),
          false,
          `${shell}: ${why} ran a command`,
        );
      }
    },
  });
  if (!installed) console.log(`shell-init quoting: ${shell} is not installed; its cases skipped`);
}

Deno.test("shell-init quoting: the exact text per shell", () => {
  assert.equal(shellQuote("it's", "sh"), `'it'\\''s'`);
  assert.equal(shellQuote("a\\b'c", "fish"), `'a\\\\b\\'c'`);
  assert.equal(exportLine("X", "v", "bash"), "export X='v'\n");
  assert.equal(exportLine("X", "v", "fish"), "set -gx X 'v';\n");
});

Deno.test("shell-init quoting: cleanup", { sanitizeResources: false }, async () => {
  await Deno.remove(dir, { recursive: true });
});
