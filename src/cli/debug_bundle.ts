/**
 * `ongoingai debug --bundle-out DIR`: the chain as a directory to attach to a bug report,
 * `debug-chain.json` (the JSON output, with a trailing newline) and `manifest.json`
 * (`debug-bundle.v1`: what was selected, with what options, and each file's size and SHA-256).
 */
import { isAbsolute, join } from "node:path";
import { type DebugChainDocument, sha256Hex } from "../api/mod.ts";

export const debugBundleSchemaVersion = "debug-bundle.v1";
export const debugChainFile = "debug-chain.json";
export const debugManifestFile = "manifest.json";

export function selectionMode(doc: DebugChainDocument): "trace_id" | "filter" | "latest" {
  const s = doc.selection;
  if (s.trace_id !== undefined) return "trace_id";
  return Object.keys(s).length > 0 ? "filter" : "latest";
}

export function bundleManifest(doc: DebugChainDocument, chainBytes: Uint8Array, now: number) {
  return {
    schema_version: debugBundleSchemaVersion,
    generated_at: new Date(now).toISOString(),
    selection_mode: selectionMode(doc),
    selection: doc.selection,
    limit: doc.options.limit,
    include_diff: doc.options.include_diff,
    include_bodies: doc.options.include_bodies,
    include_headers: doc.options.include_headers,
    chain: {
      source_trace_id: doc.source_trace_id,
      checkpoint_count: doc.chain.checkpoint_count,
      truncated: doc.chain.truncated,
      diff_count: doc.diffs?.length ?? 0,
      target_checkpoint_id: doc.chain.target_checkpoint_id,
    },
    files: [{ name: debugChainFile, bytes: chainBytes.byteLength, sha256: sha256Hex(chainBytes) }],
  };
}

/** Writes both files; returns the manifest's path. Throws when DIR cannot be made or written. */
export async function writeDebugBundle(
  dir: string,
  doc: DebugChainDocument,
  cwd: string,
  now: () => number,
): Promise<string> {
  const root = isAbsolute(dir) ? dir : join(cwd, dir);
  // The original's modes (0755/0644), except for a bundle holding bodies or headers: prompts and
  // answers are the user's alone (0700/0600).
  const secret = doc.options.include_bodies || doc.options.include_headers;
  await Deno.mkdir(root, { recursive: true, mode: secret ? 0o700 : 0o755 });
  const enc = new TextEncoder();
  const chain = enc.encode(`${JSON.stringify(doc, null, 2)}\n`);
  const mode = secret ? 0o600 : 0o644;
  await Deno.writeFile(join(root, debugChainFile), chain, { mode });
  const manifest = bundleManifest(doc, chain, now());
  const path = join(root, debugManifestFile);
  await Deno.writeFile(path, enc.encode(`${JSON.stringify(manifest, null, 2)}\n`), { mode });
  return path;
}
