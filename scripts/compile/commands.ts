/**
 * What `deno task compile` runs and writes: the `deno compile` arguments (with the permissions
 * the gateway needs baked in), the checksum file, and a readable message for the failure every
 * offline machine hits.
 */
import type { Target } from "./options.ts";

/**
 * Baked into the binary, as `deno compile` requires. Broad on purpose: `storage.path` and
 * `--config` may name any file, `env("NAME")` any variable, upstreams any host, and `wrap` runs
 * whatever command it is given. No FFI, no dynamic imports: the config is transpiled, not imported.
 */
export const runtimePermissions = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
] as const;

export function denoCompileArgs(target: Target, outDir: string, entry = "src/main.ts"): string[] {
  return [
    "compile",
    ...runtimePermissions,
    // Request signals abort only when the client really goes away (deno#27005).
    "--unstable-no-legacy-abort",
    // `server.workers` > 1: serving isolates share the port through reusePort.
    "--unstable-net",
    "--target",
    target.triple,
    "--output",
    `${outDir}/${target.output}`,
    entry,
  ];
}

/** `sha256sum` format, so `cd dist && sha256sum -c checksums.txt` verifies a download. */
export function checksumsText(files: readonly { name: string; sha256: string }[]): string {
  return files.map((f) => `${f.sha256}  ${f.name}\n`).join("");
}

/** A plain explanation when `deno compile` could not fetch its runtime; null otherwise. */
export function compileFailureHint(stderr: string, target: Target): string | null {
  if (!/denort|dl\.deno\.land|Setting up base binary/i.test(stderr)) return null;
  return `deno compile could not download the Deno runtime (denort) for ${target.triple}: this ` +
    "machine cannot reach dl.deno.land. Build where it can (the release job does), or point " +
    "DENORT_BIN at a denort binary (not deno) for this target. `deno task bundle` works " +
    "offline: `deno run -A --unstable-no-legacy-abort --unstable-net dist/ongoingai.js` runs its output.";
}
