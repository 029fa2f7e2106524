/**
 * Which scope applies to a request. Specificity is the number of selectors a scope sets; the most
 * specific matching scope wins and ties go to the first declared, so reading the list from the
 * top tells which of two equal scopes applies.
 */

export interface ScopeMatch {
  org_id?: string | undefined;
  workspace_id?: string | undefined;
  key_id?: string | undefined;
  provider?: string | undefined;
  route_prefix?: string | undefined;
}

/** Who is asking and where: the identity is the gate's (or "default" without team mode). */
export interface PiiRequest {
  org_id: string;
  workspace_id: string;
  key_id: string | null;
  provider: string;
  /** The normalised gateway path, prefix included. */
  path: string;
}

export function specificity(match: ScopeMatch): number {
  let n = 0;
  if (match.org_id !== undefined) n++;
  if (match.workspace_id !== undefined) n++;
  if (match.key_id !== undefined) n++;
  if (match.provider !== undefined) n++;
  if (match.route_prefix !== undefined) n++;
  return n;
}

/** `/openai/v1` covers `/openai/v1/chat/completions` but not `/openai/v10`. */
export function underPrefix(path: string, prefix: string): boolean {
  const p = prefix.length > 1 && prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  return p === "/" || path === p || path.startsWith(`${p}/`);
}

/**
 * The path as the provider will route it: escapes of unreserved characters (`%63hat` for `chat`)
 * decoded, so that spelling a path differently cannot step out of a route scope. Escapes of
 * anything else (`%2f`) are refused before this point by the path checks.
 */
export function routingPath(path: string): string {
  if (!path.includes("%")) return path;
  return path.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : escape;
  });
}

export function scopeMatches(match: ScopeMatch, req: PiiRequest): boolean {
  return (match.org_id === undefined || match.org_id === req.org_id) &&
    (match.workspace_id === undefined || match.workspace_id === req.workspace_id) &&
    (match.key_id === undefined || match.key_id === req.key_id) &&
    (match.provider === undefined || match.provider === req.provider) &&
    (match.route_prefix === undefined || underPrefix(routingPath(req.path), match.route_prefix));
}

/** Index of the scope that applies, or -1 when none matches. */
export function selectScope(scopes: readonly { match: ScopeMatch }[], req: PiiRequest): number {
  let best = -1;
  let bestSpecificity = 0;
  for (let i = 0; i < scopes.length; i++) {
    const match = scopes[i]!.match;
    const s = specificity(match);
    // Strictly greater: an equal scope declared later never replaces an earlier one.
    if (s > bestSpecificity && scopeMatches(match, req)) {
      best = i;
      bestSpecificity = s;
    }
  }
  return best;
}
