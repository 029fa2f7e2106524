/** Reading a Prometheus text scrape in tests: `name{labels}` to value, for every sample line. */

export function parseScrape(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** `{a="x",b="y"}` in the given order, as the registry renders label sets. */
export const labels = (l: Record<string, string>) =>
  `{${Object.entries(l).map(([k, v]) => `${k}="${v}"`).join(",")}}`;

/** The sample key of `name` with labels `l` (none: the bare name). */
export const sample = (name: string, l: Record<string, string> = {}) =>
  Object.keys(l).length === 0 ? name : `${name}${labels(l)}`;
