/**
 * Fault injection for the disk-full test (reliability F10), and nothing else.
 *
 * A full disk cannot be produced portably on a CI machine (no root, no loopback image), and
 * SQLite's stand-in, `PRAGMA max_page_count`, is a setting of one connection: it is not stored in
 * the file, so a test cannot impose it on the gateway's connection from another process. This
 * variable sets it on the gateway's own connection instead; the test then fills the file up to
 * the limit from its own connection, and frees the space again by dropping what it added.
 *
 * Deliberately not a configuration setting (not in the config schema, the env reference or the
 * docs): an operator who wants a size cap needs one that says what happens when it is reached.
 */
export const sqliteMaxPageCountVariable = "ONGOINGAI_TEST_SQLITE_MAX_PAGE_COUNT";

function processEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // No env permission: a deployment, not a test.
  }
}

/**
 * The page limit the variable asks for, or null when it is unset (always, in production). The
 * reader is a parameter so tests never change the process environment other tests read.
 */
export function injectedMaxPageCount(
  read: (name: string) => string | undefined = processEnv,
): number | null {
  const raw = read(sqliteMaxPageCountVariable);
  if (raw === undefined || raw === "") return null;
  const pages = Number(raw);
  if (!Number.isSafeInteger(pages) || pages < 1) {
    throw new Error(`${sqliteMaxPageCountVariable} must be a positive integer (got "${raw}")`);
  }
  return pages;
}
