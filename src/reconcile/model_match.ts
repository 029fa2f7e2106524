/**
 * Which gateway model ids and report model ids are the same line. Reports name dated snapshots
 * (`claude-sonnet-4-5-20250929`, `gpt-4o-2024-08-06`) where a trace may hold the alias a client
 * asked for, or the other way round. The rule, per family (the id without its date suffix):
 * when both sides name exactly the same ids of the family, each id is its own line (two
 * snapshots stay apart); when they name different ids, the family is one line under the undated
 * id, listing the ids of each side. Ids are compared as given (case included).
 */

// `-20250929` (Anthropic) or `-2024-08-06` (OpenAI) at the end of an id.
const dateSuffix = /-(?:\d{8}|\d{4}-\d{2}-\d{2})$/;

/** The id without a trailing date: `gpt-4o-2024-08-06` → `gpt-4o`. */
export function undated(id: string): string {
  return id.replace(dateSuffix, "");
}

export interface ModelLines {
  /** Gateway model id → line model. */
  gateway: Map<string, string>;
  /** Report model id → line model. */
  report: Map<string, string>;
}

export function modelLines(gatewayIds: Iterable<string>, reportIds: Iterable<string>): ModelLines {
  const families = new Map<string, { g: Set<string>; r: Set<string> }>();
  const family = (id: string) => {
    const key = undated(id);
    const f = families.get(key) ?? { g: new Set<string>(), r: new Set<string>() };
    families.set(key, f);
    return f;
  };
  for (const id of gatewayIds) family(id).g.add(id);
  for (const id of reportIds) family(id).r.add(id);
  const out: ModelLines = { gateway: new Map(), report: new Map() };
  for (const [key, { g, r }] of families) {
    const apart = g.size === 0 || r.size === 0 || sameSet(g, r);
    for (const id of g) out.gateway.set(id, apart ? id : key);
    for (const id of r) out.report.set(id, apart ? id : key);
  }
  return out;
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
