/**
 * Debian's Chromium, headless, as a person's browser in tests: opens a local file with a fresh
 * profile and no network (every host resolves to nothing), and returns the DOM after load, what
 * the page logged to its console (CSP refusals included) and, when asked, a screenshot.
 */
import { join } from "node:path";

export function chromiumPath(): string | null {
  for (const name of ["chromium", "chromium-browser"]) {
    for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
      try {
        if (Deno.statSync(join(dir, name)).isFile) return join(dir, name);
      } catch {
        // Not in this directory.
      }
    }
  }
  return null;
}

export interface PageRun {
  dom: string;
  /** The page's console messages, one per line as Chromium logs them. */
  console: string[];
}

function args(profile: string, more: string[], url: string): string[] {
  return [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-extensions",
    `--user-data-dir=${profile}`,
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--enable-logging=stderr",
    "--v=0",
    ...more,
    url,
  ];
}

/** Loads `file` and returns its DOM and console; `screenshot` writes a PNG of `size` too. */
export async function openPage(
  file: string,
  screenshot?: { path: string; size: string },
): Promise<PageRun> {
  const browser = chromiumPath();
  if (browser === null) throw new Error("chromium is not installed (apt-get install chromium)");
  const profile = await Deno.makeTempDir({ prefix: "ongoingai-chromium-" });
  try {
    const url = `file://${file}`;
    const run = async (more: string[]) =>
      await new Deno.Command(browser, {
        args: args(profile, more, url),
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(60_000),
      }).output();
    const out = await run(["--dump-dom"]);
    const log = new TextDecoder().decode(out.stderr);
    if (screenshot !== undefined) {
      await run([`--screenshot=${screenshot.path}`, `--window-size=${screenshot.size}`]);
    }
    return {
      dom: new TextDecoder().decode(out.stdout),
      console: log.split("\n").filter((l) => l.includes(":CONSOLE")),
    };
  } finally {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}
