/**
 * Loading `pricing.sources`: files are read, URLs fetched (bounded) and cached beside the
 * database, so that a failed fetch falls back to the last good copy. Whatever happens is said in
 * notes (the caller logs them, `check` prints them): a file that cannot be read is an error (the
 * operator's own file is wrong), an unreachable URL with no cached copy is an error note too, but
 * the gateway still starts: its prices are then missing, and what they would have priced shows as
 * unpriced (never as zero) until a later start or reload fetches it.
 */
import { dirname, join, resolve } from "node:path";
import type { GatewayConfig } from "../config/mod.ts";
import { displayUrl, fetchBounded } from "./fetch_bounded.ts";
import { type ParsedPriceFile, parseLiteLlm, skipReasons } from "./litellm.ts";
import type { PriceFile, PriceSources } from "./sources_index.ts";

export interface SourceNote {
  level: "info" | "warn" | "error";
  /** The path or URL (without query) the note is about. */
  source: string;
  message: string;
}

export interface LoadedPricing {
  sources: PriceSources;
  notes: SourceNote[];
  /** False when a configured file could not be used (serve refuses to start, reload to apply). */
  ok: boolean;
}

export interface LoadSourcesOptions {
  cwd: string;
  cacheDir: string;
  timeoutMs: number;
  /** Wall clock (ms), for the age of a cached copy. */
  now(): number;
  fetch?: typeof fetch;
  /** False for `check`: fetch and validate, write nothing. Default true. */
  writeCache?: boolean;
  maxBytes?: number;
  /** False for `check` without `--fetch-prices`: URLs are left alone. Default true. */
  fetchUrls?: boolean;
}

/** LiteLLM's file is about 1.6 MB; ten times that leaves room to grow and bounds memory. */
export const maxPriceFileBytes = 16 * 1024 * 1024;
const maxRedirects = 5;

/** Where fetched copies live: `pricing.cache_dir`, else beside the SQLite file, else `./data`. */
export function priceCacheDir(config: Pick<GatewayConfig, "pricing" | "storage">, cwd: string) {
  if (config.pricing.cache_dir !== undefined) return resolve(cwd, config.pricing.cache_dir);
  return config.storage.driver === "sqlite"
    ? dirname(resolve(cwd, config.storage.path))
    : resolve(cwd, "data");
}

export function isUrlSource(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** The config's price files, loaded in order. */
export function loadPricing(
  config: Pick<GatewayConfig, "pricing" | "storage">,
  opts: Omit<LoadSourcesOptions, "cacheDir" | "timeoutMs">,
): Promise<LoadedPricing> {
  return loadPriceSources(config.pricing.sources, {
    ...opts,
    cacheDir: priceCacheDir(config, opts.cwd),
    timeoutMs: config.pricing.fetch_timeout_ms,
  });
}

export async function loadPriceSources(
  list: readonly string[],
  opts: LoadSourcesOptions,
): Promise<LoadedPricing> {
  const files: PriceFile[] = [];
  const notes: SourceNote[] = [];
  let ok = true;
  for (const source of list) {
    if (isUrlSource(source) && opts.fetchUrls === false) continue;
    const loaded = isUrlSource(source)
      ? await loadUrl(source, opts, notes)
      : await loadPath(source, opts, notes);
    if (loaded === false) ok = false;
    else if (loaded !== null) files.push(loaded);
  }
  return { sources: { files }, notes, ok };
}

/** A path that cannot be used is the operator's mistake: false, and an error note. */
async function loadPath(
  source: string,
  opts: LoadSourcesOptions,
  notes: SourceNote[],
): Promise<PriceFile | false> {
  const path = resolve(opts.cwd, source);
  try {
    const parsed = parseBytes(await readCapped(path, opts.maxBytes ?? maxPriceFileBytes));
    notes.push({ level: "info", source, message: `price file loaded: ${summary(parsed)}` });
    return { name: source, byProvider: parsed.byProvider };
  } catch (err) {
    notes.push({
      level: "error",
      source,
      message: `cannot use price file ${path}: ${message(err)}`,
    });
    return false;
  }
}

async function loadUrl(
  source: string,
  opts: LoadSourcesOptions,
  notes: SourceNote[],
): Promise<PriceFile | null> {
  const name = displayUrl(source);
  const cache = join(opts.cacheDir, `prices-${await shortHash(source)}.json`);
  try {
    const bytes = await fetchBounded(source, {
      timeoutMs: opts.timeoutMs,
      maxBytes: opts.maxBytes ?? maxPriceFileBytes,
      maxRedirects,
      ...(opts.fetch === undefined ? {} : { fetch: opts.fetch }),
    });
    const parsed = parseBytes(bytes);
    // Only a copy that parsed and priced something replaces the last good one.
    if (opts.writeCache !== false) await writeCache(cache, bytes, name, notes);
    notes.push({ level: "info", source: name, message: `price file fetched: ${summary(parsed)}` });
    return { name, byProvider: parsed.byProvider };
  } catch (err) {
    return fromCache(name, cache, message(err), opts, notes);
  }
}

async function fromCache(
  name: string,
  cache: string,
  error: string,
  opts: LoadSourcesOptions,
  notes: SourceNote[],
): Promise<PriceFile | null> {
  try {
    const parsed = parseBytes(await readCapped(cache, opts.maxBytes ?? maxPriceFileBytes));
    const age = ageOf((await Deno.stat(cache)).mtime, opts.now());
    notes.push({
      level: "warn",
      source: name,
      message: `price file not fetched (${error}); using the last good copy, fetched ${age} ` +
        `ago (${cache}): ${summary(parsed)}`,
    });
    return { name, byProvider: parsed.byProvider };
  } catch (cacheErr) {
    const why = cacheErr instanceof Deno.errors.NotFound ? "none yet" : message(cacheErr);
    notes.push({
      level: "error",
      source: name,
      message: `price file not fetched (${error}) and no usable cached copy (${why}; ${cache}): ` +
        "starting without it, so models only it prices show as unpriced until a reload or " +
        "restart fetches it",
    });
    return null;
  }
}

async function writeCache(path: string, bytes: Uint8Array, name: string, notes: SourceNote[]) {
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await Deno.writeFile(temp, bytes, { mode: 0o600 });
    await Deno.rename(temp, path);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    notes.push({
      level: "warn",
      source: name,
      message: `price file fetched but not cached (${message(err)}): a failed fetch at the ` +
        "next start will have no copy to fall back on",
    });
  }
}

async function readCapped(path: string, maxBytes: number): Promise<Uint8Array> {
  const info = await Deno.stat(path);
  if (!info.isFile) throw new Error("not a file");
  if (info.size > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
  return await Deno.readFile(path);
}

function parseBytes(bytes: Uint8Array): ParsedPriceFile {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new Error(`not JSON (${message(err)})`);
  }
  const parsed = parseLiteLlm(doc);
  if ("error" in parsed) throw new Error(parsed.error);
  if (parsed.priced === 0) {
    throw new Error(`no entry could be priced (${skippedText(parsed)}); is it LiteLLM's format?`);
  }
  return parsed;
}

/** `2512 models priced, 1130 skipped (mode_not_priced_by_token 1021, ...), ...`. */
export function summary(parsed: ParsedPriceFile): string {
  const skipped = skipReasons.reduce((n, r) => n + parsed.skipped[r], 0);
  return `${parsed.priced} models priced (${parsed.standardBandOnly} without some of their ` +
    `tier prices: a service tier without its input and output price, or a long-context tier ` +
    `without both, is not applied), ` +
    `${skipped} ` +
    `entries skipped${skipped === 0 ? "" : ` (${skippedText(parsed)})`}` +
    notAppliedText(parsed);
}

/** The price keys left out, most frequent first: the five commonest by name, then how many more. */
function notAppliedText(parsed: ParsedPriceFile): string {
  const names = [...parsed.notApplied].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (names.length === 0 && parsed.notAppliedOther === 0) return "";
  let text = `; prices not applied (key: entries): ${
    names.slice(0, 5).map(([k, n]) => `${k}: ${n}`).join(", ")
  }`;
  if (names.length > 5) text += `, and ${names.length - 5} more keys`;
  if (parsed.notAppliedOther > 0) text += `, and ${parsed.notAppliedOther} uses of other keys`;
  return text;
}

function skippedText(parsed: ParsedPriceFile): string {
  return skipReasons.filter((r) => parsed.skipped[r] > 0).map((r) => `${r} ${parsed.skipped[r]}`)
    .join(", ") || "none skipped";
}

function ageOf(mtime: Date | null, now: number): string {
  if (mtime === null) return "an unknown time";
  const minutes = Math.max(0, Math.round((now - mtime.getTime()) / 60_000));
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}

async function shortHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
