/**
 * The part of a request's query a trace keeps (issue 22): the parameters that change what a
 * provider does and carry no data, so a replay can send the same request (`alt=sse` makes a
 * Gemini stream an event stream, `api-version` picks Azure's API, Claude Code sends
 * `beta=true`). Everything else is counted, never stored: a query may hold a key (`?key=`)
 * or data. Pure, and cheap for the common case (no query at all).
 */

/** Parameters kept, by name. */
export const storedQueryParameters: ReadonlySet<string> = new Set(["alt", "api-version", "beta"]);

/** A kept value: short, and nothing but what these parameters take. */
const safeValue = /^[A-Za-z0-9._-]{1,64}$/;
/** Most parameters looked at; the rest are counted as dropped without being parsed. */
export const maxQueryParameters = 32;

export interface StoredQuery {
  /** `alt=sse&beta=true` (no `?`); null when none was kept. */
  query: string | null;
  /** Parameters not kept (other names, odd values, past the bound). */
  dropped: number;
}

/** `search`: the request's query with its `?` (`""` when none). */
export function storedQuery(search: string): StoredQuery {
  if (search.length <= 1) return { query: null, dropped: 0 };
  const pairs = search.slice(1).split("&");
  const kept: string[] = [];
  let dropped = 0;
  for (const pair of pairs) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? "" : pair.slice(eq + 1);
    // Parameters seen before this one (empty pairs are none): the bound counts parameters.
    const keep = kept.length + dropped < maxQueryParameters && storedQueryParameters.has(name) &&
      safeValue.test(value) && !kept.some((k) => k.startsWith(`${name}=`));
    if (keep) kept.push(`${name}=${value}`);
    else dropped++;
  }
  return { query: kept.length === 0 ? null : kept.join("&"), dropped };
}
