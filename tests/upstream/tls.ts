/**
 * A throwaway CA and a server certificate for localhost/127.0.0.1, made with `openssl` when it
 * is installed. rustls refuses a CA certificate used as a server's own, hence two certificates.
 */

export interface TlsMaterial {
  caCert: string;
  cert: string;
  key: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`openssl ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
}

async function make(): Promise<TlsMaterial> {
  const dir = await Deno.makeTempDir({ prefix: "upstream-tls-" });
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    await openssl(
      [
        "req",
        "-x509",
        ...ec,
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=test CA",
      ],
      dir,
    );
    await openssl(
      ["req", ...ec, "-keyout", "key.pem", "-out", "leaf.csr", "-subj", "/CN=localhost"],
      dir,
    );
    await Deno.writeTextFile(
      `${dir}/ext.cnf`,
      "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    );
    await openssl([
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "cert.pem",
      "-days",
      "2",
      "-extfile",
      "ext.cnf",
    ], dir);
    return {
      caCert: await Deno.readTextFile(`${dir}/ca.pem`),
      cert: await Deno.readTextFile(`${dir}/cert.pem`),
      key: await Deno.readTextFile(`${dir}/key.pem`),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

let made: Promise<TlsMaterial | string> | null = null;

/** The material, or why there is none (a reason for `ignore`). */
export function tlsMaterial(): Promise<TlsMaterial | string> {
  made ??= make().catch((err) =>
    err instanceof Deno.errors.NotFound
      ? "openssl is not installed (apt-get install openssl); TLS cases skipped"
      : `could not make a test certificate: ${err.message}`
  );
  return made;
}
