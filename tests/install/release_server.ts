/**
 * A local stand-in for GitHub's release downloads, laid out as install.sh expects them:
 * `/download/vX.Y.Z/<asset>` serves a release file and `/latest/download/<asset>` answers with a
 * 302 to the latest release's copy, as GitHub does. Every request path is recorded so tests can
 * say exactly what the installer fetched.
 */

/** The fake `ongoingai`: a shell script whose `version` output names its release. */
export function fakeBinary(version: string): string {
  return `#!/bin/sh\nif [ "\${1:-}" = version ]; then echo "${version} (fakecommit, 2026-01-01T00:00:00Z)"; exit 0; fi\necho "fake ongoingai $version: $*"\n`;
}

export interface FakeRelease {
  version: string;
  /** File name → contents, checksums.txt included (unless a test left it out). */
  files: Map<string, Uint8Array>;
}

export interface ReleaseOptions {
  /** Serve these bytes for the asset instead of what checksums.txt describes. */
  tamper?: { asset: string; content: string };
  /** Leave this asset out of checksums.txt (the file itself is still served). */
  unlisted?: string;
}

const enc = new TextEncoder();

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A release with one fake binary per asset and a real sha256sum-format checksums.txt. */
export async function buildRelease(
  version: string,
  assets: readonly string[],
  opts: ReleaseOptions = {},
): Promise<FakeRelease> {
  const files = new Map<string, Uint8Array>();
  const lines: string[] = [];
  for (const asset of assets) {
    const bytes = enc.encode(fakeBinary(version));
    files.set(asset, bytes);
    if (asset !== opts.unlisted) lines.push(`${await sha256Hex(bytes)}  ${asset}`);
  }
  files.set("checksums.txt", enc.encode(lines.join("\n") + "\n"));
  if (opts.tamper) files.set(opts.tamper.asset, enc.encode(opts.tamper.content));
  return { version, files };
}

export interface ReleaseServer {
  /** What ONGOINGAI_INSTALL_BASE_URL points at (GitHub's `.../releases`). */
  baseUrl: string;
  /** Request paths in arrival order. */
  requests: string[];
  close(): Promise<void>;
}

export function startReleaseServer(
  releases: readonly FakeRelease[],
  latest?: string,
): ReleaseServer {
  const requests: string[] = [];
  const byVersion = new Map(releases.map((r) => [r.version, r]));
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    requests.push(path);
    const latestMatch = path.match(/^\/releases\/latest\/download\/([^/]+)$/);
    if (latestMatch && latest !== undefined) {
      const location = `/releases/download/v${latest}/${latestMatch[1]}`;
      return new Response(null, { status: 302, headers: { location } });
    }
    const pinned = path.match(/^\/releases\/download\/v([^/]+)\/([^/]+)$/);
    const file = pinned && byVersion.get(pinned[1] ?? "")?.files.get(pinned[2] ?? "");
    if (file) {
      return new Response(file as BodyInit, {
        headers: { "content-type": "application/octet-stream" },
      });
    }
    return new Response("Not Found", { status: 404 });
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}/releases`,
    requests,
    close: () => server.shutdown(),
  };
}
