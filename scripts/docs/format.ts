/**
 * `deno task ok` runs `deno fmt --check`, which also formats Markdown (padded tables, prose
 * wrapped at the configured width). Generated text goes through the same formatter, with the
 * repository's deno.json, so the README is the formatter's fixed point and both checks agree.
 */

const repoRoot = new URL("../../", import.meta.url);

/** `text` as `deno fmt` with the repository's deno.json leaves a file ending in `.ext`. */
export async function formatWithDeno(text: string, ext: "md" | "ts"): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", ext, "-"],
    cwd: repoRoot,
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { success, stdout, stderr } = await child.output();
  if (!success) throw new Error(`deno fmt failed: ${new TextDecoder().decode(stderr)}`);
  return new TextDecoder().decode(stdout);
}

export function formatMarkdown(text: string): Promise<string> {
  return formatWithDeno(text, "md");
}
