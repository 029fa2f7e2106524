/**
 * Field-name rules: `password`, `api_key`. Names are compared in a normal form (no case, no `-`,
 * `_` or spaces), so `apiKey`, `API-KEY` and `api_key` are one name. A plain entry must equal
 * the whole name: the original gateway matched substrings, so its `token` entry hit `max_tokens`
 * and broke every Anthropic request. `*` in an entry opts in to wider matches (`*password*`).
 */

export function normaliseFieldName(name: string): string {
  return name.replace(/[-_\s]/g, "").toLowerCase();
}

/** A predicate over member names for a denylist; names are cached since APIs repeat them. */
export function fieldNameMatcher(denylist: readonly string[]): (name: string) => boolean {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of denylist) {
    const norm = normaliseFieldName(entry);
    if (norm === "" || norm.replaceAll("*", "") === "") continue;
    if (!norm.includes("*")) exact.add(norm);
    else patterns.push(globToRegExp(norm));
  }
  if (exact.size === 0 && patterns.length === 0) return () => false;
  const cache = new Map<string, boolean>();
  return (name) => {
    let hit = cache.get(name);
    if (hit !== undefined) return hit;
    const norm = normaliseFieldName(name);
    hit = exact.has(norm) || patterns.some((p) => p.test(norm));
    // Member names come from clients: bound the cache so odd traffic cannot grow it forever.
    if (cache.size < 4096) cache.set(name, hit);
    return hit;
  };
}

function globToRegExp(glob: string): RegExp {
  const body = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${body.join(".*")}$`);
}
