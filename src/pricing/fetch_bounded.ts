/**
 * One GET of a price file, bounded in every way a remote server could stretch it: total time
 * (redirects and body included), body size (counted as it arrives, Content-Length not trusted),
 * and redirects (followed by hand, at most a few, never from https down to http).
 */
import { concatBytes } from "../bytes.ts";

export interface FetchBounds {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  fetch?: typeof fetch;
  /** Sent to the first URL only: a credential never follows a redirect elsewhere. */
  headers?: Record<string, string>;
}

/** The URL as logs may show it: without query or fragment (they can carry tokens). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url.replace(/[?#].*$/, "");
  }
}

/** An http(s) URL as messages quote it: up to white space or a quote. */
const quotedUrl = /\bhttps?:\/\/[^\s"'<>`]+/gi;

/**
 * `text` with every http(s) URL in it shown by `displayUrl`. The runtime quotes a URL in its own
 * normal form (lower-case scheme and host, spaces percent-encoded), not as configured, so the
 * configured strings and their normal forms are replaced first (a raw one may hold a space), then
 * any URL at all, then any query or fragment of `known` left standing on its own.
 */
export function redactUrls(text: string, known: readonly string[] = []): string {
  const forms = known.flatMap((u) => {
    try {
      const parsed = new URL(u);
      return [u, parsed.href, parsed.search, parsed.hash];
    } catch {
      return [u];
    }
  });
  let out = text;
  for (const form of forms) {
    // A bare "?" or "#" (nothing after it) carries nothing and would match too much.
    if (form.length > 1) out = out.replaceAll(form, /^[?#]/.test(form) ? "" : displayUrl(form));
  }
  return out.replace(quotedUrl, (match) => {
    // Punctuation after a URL ("(http://h/p?q=1):") is the message's, not the URL's.
    const [, body = match, tail = ""] = /^(.*?)([)\].,;:]*)$/.exec(match) ?? [];
    return displayUrl(body) + tail;
  });
}

const redirectStatus = new Set([301, 302, 303, 307, 308]);

/** The body's bytes; throws an Error whose message says what went wrong. */
export async function fetchBounded(url: string, bounds: FetchBounds): Promise<Uint8Array> {
  const doFetch = bounds.fetch ?? fetch;
  const signal = AbortSignal.timeout(bounds.timeoutMs);
  let current = url;
  try {
    for (let redirects = 0;; redirects++) {
      const headers = redirects === 0 ? bounds.headers ?? {} : {};
      const res = await doFetch(current, { redirect: "manual", signal, headers });
      if (redirectStatus.has(res.status)) {
        await res.body?.cancel();
        const next = nextLocation(current, res.headers.get("location"));
        if (redirects >= bounds.maxRedirects) {
          throw new Error(`more than ${bounds.maxRedirects} redirects`);
        }
        current = next;
        continue;
      }
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new Error(`HTTP ${res.status} from ${displayUrl(current)}`);
      }
      return await readCapped(res, bounds.maxBytes);
    }
  } catch (err) {
    if (signal.aborted) throw new Error(`no complete answer within ${bounds.timeoutMs} ms`);
    // The runtime's network errors quote the URL, query included, and these messages are logged.
    throw new Error(redactUrls(describe(err), [url, current]));
  }
}

/** `fetch failed: Connection refused (os error 111)`: the runtime puts the reason in `cause`. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : null;
  return cause === null || err.message.includes(cause) ? err.message : `${err.message}: ${cause}`;
}

function nextLocation(from: string, location: string | null): string {
  if (location === null) throw new Error("a redirect without a Location header");
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new Error(`a redirect to an invalid URL`);
  }
  if (next.protocol !== "https:" && next.protocol !== "http:") {
    throw new Error(`a redirect to a ${next.protocol} URL`);
  }
  if (new URL(from).protocol === "https:" && next.protocol === "http:") {
    throw new Error(`a redirect from https down to http (${displayUrl(next.href)})`);
  }
  return next.href;
}

async function readCapped(res: Response, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new Error(`the file is larger than ${maxBytes} bytes`);
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw tooLarge();
  }
  if (res.body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return concatBytes(chunks);
}
