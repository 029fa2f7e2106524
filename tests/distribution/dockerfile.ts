/**
 * A small Dockerfile reader for the distribution tests: no Docker engine runs here, so the
 * image's promises (non-root, volume, health check) are checked on the parsed instructions.
 * Follows the Dockerfile rules that matter for ours: `\` continues a line, comment lines (also
 * inside a continuation) are dropped, `[...]` arguments are the JSON exec form.
 */

export interface Instruction {
  keyword: string;
  /** The arguments as written, continuations joined with a space. */
  args: string;
  /** 1-based line where the instruction starts, for failure messages. */
  line: number;
}

export interface Stage {
  /** The FROM instruction's image reference. */
  image: string;
  name: string | undefined;
  /** `--platform=...` of the FROM, if any. */
  platform: string | undefined;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { parts: string[]; line: number } | null = null;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    if (trimmed.startsWith("#") || (trimmed === "" && pending === null)) continue;
    const continues = trimmed.endsWith("\\");
    const body = continues ? trimmed.slice(0, -1).trim() : trimmed;
    pending ??= { parts: [], line: i + 1 };
    if (body !== "") pending.parts.push(body);
    if (continues) continue;
    const joined = pending.parts.join(" ");
    const m = /^(\S+)\s*(.*)$/.exec(joined);
    if (m) out.push({ keyword: m[1]!.toUpperCase(), args: m[2]!, line: pending.line });
    pending = null;
  }
  return out;
}

export function stages(instructions: readonly Instruction[]): Stage[] {
  const out: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === "FROM") {
      const words = ins.args.split(/\s+/);
      const platform = words.find((w) => w.startsWith("--platform="))?.slice("--platform=".length);
      const rest = words.filter((w) => !w.startsWith("--"));
      const as = rest.findIndex((w) => w.toUpperCase() === "AS");
      out.push({
        image: rest[0]!,
        name: as === -1 ? undefined : rest[as + 1],
        platform,
        instructions: [],
      });
    } else out.at(-1)?.instructions.push(ins);
  }
  return out;
}

/** JSON exec form (`["a", "b"]`), or null for the shell form. */
export function execForm(args: string): string[] | null {
  if (!args.trim().startsWith("[")) return null;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === "string")) return null;
  return parsed;
}

/** COPY/ADD: flags (`--from=build`), sources and destination. */
export function copyParts(
  args: string,
): { flags: Map<string, string>; sources: string[]; dest: string } {
  const words = execForm(args) ?? args.split(/\s+/).filter((w) => w !== "");
  const flags = new Map<string, string>();
  const paths: string[] = [];
  for (const w of words) {
    const m = /^--([a-z-]+)=(.*)$/.exec(w);
    if (m && paths.length === 0) flags.set(m[1]!, m[2]!);
    else paths.push(w);
  }
  return { flags, sources: paths.slice(0, -1), dest: paths.at(-1) ?? "" };
}

/** HEALTHCHECK's command, after its `--interval=...` options. */
export function healthcheckCommand(args: string): string[] | null {
  const m = /(?:^|\s)CMD\s+(.*)$/.exec(args);
  return m ? execForm(m[1]!) : null;
}
