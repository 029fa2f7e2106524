/**
 * The README and docs/ link to each other by relative paths and #anchors; moving text between
 * pages breaks them silently. Every relative link must name a file of the repository and, with
 * an anchor into Markdown, a heading of that file (GitHub's slugs). Nothing is skipped: a page
 * another branch adds must exist once the branches are merged.
 */
import assert from "node:assert/strict";

const repoRoot = new URL("../../", import.meta.url);

async function markdownFiles(): Promise<string[]> {
  const files = ["README.md", "ARCHITECTURE.md"];
  for await (const entry of Deno.readDir(new URL("docs/", repoRoot))) {
    if (entry.isFile && entry.name.endsWith(".md")) files.push(`docs/${entry.name}`);
  }
  return files.sort();
}

/** Text outside fenced code blocks and code spans, where a `[x](y)` is not a link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "").replace(/`[^`\n]*`/g, "``");
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to `-`, repeats numbered. */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const withoutCode = markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "");
  for (const m of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

Deno.test("links: GitHub anchors are computed as GitHub does", () => {
  const anchors = anchorsOf("# A `GET /api/health`\n## Team mode\n## Team mode\n## `serve`: start");
  assert.deepEqual([...anchors], ["a-get-apihealth", "team-mode", "team-mode-1", "serve-start"]);
});

Deno.test("links: every relative link of README.md and docs/ resolves", async () => {
  const broken: string[] = [];
  for (const file of await markdownFiles()) {
    const base = new URL(file, repoRoot);
    const text = await Deno.readTextFile(base);
    for (const m of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
      const [path, anchor] = target.split("#") as [string, string | undefined];
      const url = path === "" ? base : new URL(path, base);
      let targetText: string | null = null;
      try {
        const info = await Deno.stat(url);
        if (info.isFile && url.pathname.endsWith(".md")) targetText = await Deno.readTextFile(url);
      } catch {
        broken.push(`${file}: ${target} (no such file)`);
        continue;
      }
      if (anchor && targetText !== null && !anchorsOf(targetText).has(anchor)) {
        broken.push(`${file}: ${target} (no such heading)`);
      }
    }
  }
  assert.deepEqual(broken, []);
});
