/**
 * What a request that matched no route is told. A path outside `/api/` was most likely meant
 * for a provider but sent without its prefix (a client given `http://gateway/v1` as its base
 * URL): the answer names the prefixes this config routes, so the fix is in the message.
 */

/** A route to a provider, as the config resolved it. */
export interface ProviderPrefix {
  id: string;
  /** The provider's kind (reconciliation reads whose account a provider is billed to). */
  kind?: string;
  /** Leading '/', no trailing '/'. */
  prefix: string;
}

/** More would drown the hint; the rest is counted. */
const maxListed = 8;

export function routeNotFoundMessage(
  method: string,
  path: string,
  providers: readonly ProviderPrefix[],
): string {
  const head = `no route for ${method} ${path}`;
  if (path === "/api" || path.startsWith("/api/")) return `${head}; API routes are under /api/`;
  if (providers.length === 0) {
    return `${head}: no provider is enabled, so requests to a provider have no route (see providers in the config); API routes are under /api/`;
  }
  // A provider's API path (`/v1/...`) is shown under each prefix as it would be sent; any other
  // path would make a silly example, so the prefix is shown alone.
  const apiPath = path === "/v1" || path.startsWith("/v1/");
  const sorted = [...providers].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const listed = sorted.slice(0, maxListed).map((p) =>
    `${p.id} under ${apiPath ? `${p.prefix}${path}` : `${p.prefix}/...`}`
  );
  const more = sorted.length > maxListed ? ` (and ${sorted.length - maxListed} more)` : "";
  return `${head}: no provider prefix. Requests to a provider go under its prefix: ${
    listed.join(", ")
  }${more}; API routes are under /api/; see the README`;
}
