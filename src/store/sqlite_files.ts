/**
 * The database files hold request metadata and, when capture is on, prompts and completions:
 * only the gateway's user may read them.
 */
import { dirname } from "node:path";

const isWindows = Deno.build.os === "windows";

/**
 * Creates the directory (0700) and an empty database file (0600) when missing. Returns whether
 * the file was created here; an existing file keeps the mode its operator gave it.
 */
export function prepareDatabaseFile(path: string): boolean {
  Deno.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    Deno.openSync(path, { createNew: true, write: true, mode: 0o600 }).close();
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) return false;
    throw err;
  }
  if (!isWindows) Deno.chmodSync(path, 0o600);
  return true;
}

/**
 * SQLite gives -wal and -shm the main file's mode, but a umask or an older file could differ:
 * make sure they are 0600 too.
 */
export function restrictSidecarFiles(path: string): void {
  if (isWindows) return;
  for (const suffix of ["-wal", "-shm"]) {
    try {
      Deno.chmodSync(path + suffix, 0o600);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
}

/** Main file plus WAL: what the database occupies on disk. */
export function sqliteFileSize(path: string): number | null {
  let total = 0;
  for (const file of [path, path + "-wal"]) {
    try {
      total += Deno.statSync(file).size;
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) return null;
    }
  }
  return total;
}
