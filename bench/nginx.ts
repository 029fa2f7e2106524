/** Baseline (c): nginx from the system package, when installed, configured from the template. */
import { join } from "node:path";
import { benchDir, type Child, freePort, spawn, waitReady } from "./proc.ts";

export interface Nginx {
  origin: string;
  child: Child;
}

export async function startNginx(
  nginxBin: string,
  stubOrigin: string,
  tmpDir: string,
): Promise<Nginx> {
  const prefix = await Deno.makeTempDir({ dir: tmpDir, prefix: "nginx_" });
  const port = freePort();
  const upstreamPort = new URL(stubOrigin).port;
  const template = await Deno.readTextFile(join(benchDir, "nginx.conf.template"));
  const conf = template.replaceAll("{{PREFIX}}", prefix).replaceAll("{{PORT}}", String(port))
    .replaceAll("{{UPSTREAM_PORT}}", upstreamPort);
  const confPath = join(prefix, "nginx.conf");
  await Deno.writeTextFile(confPath, conf);
  // Run as root, nginx drops its worker to `nobody`; the prefix must stay readable for it.
  await Deno.chmod(prefix, 0o755);
  // -e: the error log before the config is read (the default path needs root).
  const child = spawn("nginx", nginxBin, [
    "-p",
    prefix,
    "-e",
    join(prefix, "error.log"),
    "-c",
    confPath,
  ]);
  const origin = `http://127.0.0.1:${port}`;
  await waitReady(child, `${origin}/health`);
  return { origin, child };
}

/** The nginx binary and its version, or null when it is not installed. */
export async function findNginx(): Promise<{ bin: string; version: string } | null> {
  for (const bin of ["nginx", "/usr/sbin/nginx"]) {
    try {
      const out = await new Deno.Command(bin, { args: ["-v"], stdout: "piped", stderr: "piped" })
        .output();
      const text = new TextDecoder().decode(out.stderr).trim();
      if (out.success) return { bin, version: text.replace(/^nginx version:\s*/, "") };
    } catch { /* not installed here */ }
  }
  return null;
}
