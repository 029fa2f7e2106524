/**
 * What `ongoingai check` says about `pricing.sources`, in the words `serve` logs: a file that
 * cannot be used is an error (serve refuses to start with it), an unreachable URL a warning
 * (serve starts without it, on its cached copy or on the other prices). URLs are fetched only
 * when asked (`--fetch-prices`), and then nothing is written to the cache.
 */
import type { ConfigIssue, GatewayConfig } from "../config/mod.ts";
import { displayUrl } from "./fetch_bounded.ts";
import { isUrlSource, loadPricing, type SourceNote } from "./sources.ts";

export interface SourceIssues {
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  /** What was loaded, and URLs left alone: one line each. */
  infos: ConfigIssue[];
}

export async function checkPriceSources(
  config: Pick<GatewayConfig, "pricing" | "storage">,
  opts: { cwd: string; fetchUrls: boolean; fetch?: typeof fetch; now?: () => number },
): Promise<SourceIssues> {
  const out: SourceIssues = { errors: [], warnings: [], infos: [] };
  const sources = config.pricing.sources;
  if (sources.length === 0) return out;
  const loaded = await loadPricing(config, {
    cwd: opts.cwd,
    now: opts.now ?? Date.now,
    writeCache: false,
    fetchUrls: opts.fetchUrls,
    ...(opts.fetch === undefined ? {} : { fetch: opts.fetch }),
  });
  const indexOf = (note: SourceNote) =>
    sources.findIndex((s) =>
      s === note.source || (isUrlSource(s) && displayUrl(s) === note.source)
    );
  for (const note of loaded.notes) {
    const issue = { path: `pricing.sources[${indexOf(note)}]`, message: note.message };
    // An unreachable URL does not stop serve: a warning here, as there.
    const bucket = note.level === "info"
      ? out.infos
      : note.level === "error" && !isUrlSource(sources[indexOf(note)] ?? "")
      ? out.errors
      : out.warnings;
    bucket.push(issue);
  }
  if (!opts.fetchUrls) {
    sources.forEach((s, i) => {
      if (!isUrlSource(s)) return;
      out.infos.push({
        path: `pricing.sources[${i}]`,
        message: `${displayUrl(s)} is fetched at start, not by check ` +
          "(add --fetch-prices to try it)",
      });
    });
  }
  return out;
}
