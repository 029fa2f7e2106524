/**
 * Regions of a documentation page owned by the generator: the text between `<!-- BEGIN GENERATED: name -->` and
 * `<!-- END GENERATED: name -->`. Everything outside them is written by people and left alone.
 */

const markerPattern = /<!-- (BEGIN|END) GENERATED: ([a-z0-9_-]+) -->/g;

export const beginMarker = (name: string) => `<!-- BEGIN GENERATED: ${name} -->`;
export const endMarker = (name: string) => `<!-- END GENERATED: ${name} -->`;

interface Region {
  name: string;
  /** Offsets of the region's content: just after the BEGIN line, at the END marker. */
  start: number;
  end: number;
}

/** The generated regions of `text`, in order. Throws on unbalanced or nested markers. */
export function findRegions(text: string): Region[] {
  const regions: Region[] = [];
  let open: { name: string; start: number } | null = null;
  for (const m of text.matchAll(markerPattern)) {
    const [marker, kind, name] = m as unknown as [string, "BEGIN" | "END", string];
    if (kind === "BEGIN") {
      if (open) throw new Error(`${beginMarker(name)} inside the open region "${open.name}"`);
      const lineEnd = text.indexOf("\n", m.index + marker.length);
      open = { name, start: lineEnd === -1 ? text.length : lineEnd + 1 };
    } else {
      if (!open || open.name !== name) {
        throw new Error(`${endMarker(name)} without a matching ${beginMarker(name)}`);
      }
      regions.push({ name, start: open.start, end: m.index });
      open = null;
    }
  }
  if (open) throw new Error(`${beginMarker(open.name)} is never closed`);
  return regions;
}

/**
 * `text` (the page `file`) with every generated region replaced by its section. A section without
 * markers, or a region no section fills, is an error: both mean the page and the generator disagree.
 */
export function applySections(
  text: string,
  sections: Record<string, string>,
  file = "the page",
): string {
  const regions = findRegions(text);
  const seen = new Set<string>();
  let out = "";
  let at = 0;
  for (const region of regions) {
    const body = sections[region.name];
    if (body === undefined) {
      throw new Error(`${file} has a generated region "${region.name}" that nothing generates`);
    }
    if (seen.has(region.name)) {
      throw new Error(`${file} has the generated region "${region.name}" twice`);
    }
    seen.add(region.name);
    out += text.slice(at, region.start) + (body.endsWith("\n") ? body : `${body}\n`);
    at = region.end;
  }
  const missing = Object.keys(sections).filter((name) => !seen.has(name));
  if (missing.length > 0) {
    throw new Error(
      `${file} lacks the markers for ${missing.map((n) => `"${n}"`).join(", ")}; add ` +
        `${beginMarker(missing[0]!)} and ${endMarker(missing[0]!)} where it belongs`,
    );
  }
  return out + text.slice(at);
}

/** Names of the regions of `fresh` whose content differs from the same region of `current`. */
export function staleSections(current: string, fresh: string): string[] {
  const before = new Map(findRegions(current).map((r) => [r.name, current.slice(r.start, r.end)]));
  return findRegions(fresh)
    .filter((r) => before.get(r.name) !== fresh.slice(r.start, r.end))
    .map((r) => r.name);
}
