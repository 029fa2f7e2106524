/**
 * Path tests shared by the adapters. Paths are matched on their last segments because an
 * upstream may carry a base path (`/openai/v1/chat/completions` on some compatible vendors).
 */

/** Without query string and trailing slash. */
export function cleanPath(path: string): string {
  const q = path.search(/[?#]/);
  const p = q < 0 ? path : path.slice(0, q);
  return p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p;
}

/** `path` ends with the segments of `suffix` (given without a leading slash). */
export function endsWithSegments(path: string, suffix: string): boolean {
  return path === `/${suffix}` || path.endsWith(`/${suffix}`);
}

/** `path` has at least one segment after the segments of `parent`. */
export function isBelow(path: string, parent: string): boolean {
  return path.startsWith(`${parent}/`) || path.includes(`/${parent}/`);
}

/**
 * Every `%2F` (any case) of `path`, query left out, lies inside its segment number `index` (0:
 * the first after the leading `/`): the one place a kind may accept an encoded slash (Bedrock's
 * `/model/{modelId}/...`, where the AWS SDK encodes an ARN's `/`). True when there is none.
 */
export function encodedSlashOnlyIn(path: string, index: number): boolean {
  const segments = cleanPath(path).split("/").slice(1);
  return segments.every((s, i) => i === index || !/%2f/i.test(s));
}
