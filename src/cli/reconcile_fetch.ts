/**
 * `ongoingai reconcile --fetch`: the provider's own usage and cost reports read from its Admin
 * API, every page, for the days asked. Anthropic: `GET /v1/organizations/usage_report/messages`
 * (by model) and `/v1/organizations/cost_report` (by description), with an Admin API key in
 * `x-api-key`. OpenAI: `GET /v1/organization/usage/completions` (by model) and
 * `/v1/organization/costs` (by line item), with an admin key as a bearer token. Each answer is
 * bounded (time, size, pages) as a price file is.
 */
import { fetchBounded } from "../pricing/mod.ts";
import type { ReportProvider } from "../reconcile/mod.ts";

export interface FetchedReport {
  name: string;
  /** The pages, as the report parser reads a file of concatenated pages. */
  pages: unknown[];
}

export interface FetchOptions {
  from: string;
  to: string;
  key: string;
  /** The usage report by model and API key (the cost reports cannot say which key). */
  byKey?: boolean;
  /** Default: the provider's API. Tests point it at a local stub. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Before each page is asked for: what is fetched ("usage report") and the page's number. */
  onPage?: (what: string, page: number) => void;
}

export const fetchLimits = { timeoutMs: 60_000, maxBytes: 32 * 1024 * 1024, maxPages: 200 };

const apis: Record<ReportProvider, string> = {
  anthropic: "https://api.anthropic.com",
  openai: "https://api.openai.com",
};

/** The day after `day` (`YYYY-MM-DD`): the reports' end bounds are exclusive. */
const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const unix = (day: string) => String(Date.parse(`${day}T00:00:00Z`) / 1000);

function endpoints(
  provider: ReportProvider,
  from: string,
  to: string,
  byKey: boolean,
): [string, URLSearchParams][] {
  const end = nextDay(to);
  const byModel = (params: Record<string, string>) => {
    const p = new URLSearchParams({ ...params, "group_by[]": "model" });
    if (byKey) p.append("group_by[]", "api_key_id");
    return p;
  };
  if (provider === "anthropic") {
    const base = { starting_at: `${from}T00:00:00Z`, ending_at: `${end}T00:00:00Z`, limit: "31" };
    const usage: [string, URLSearchParams] = [
      "/v1/organizations/usage_report/messages",
      byModel({ ...base, bucket_width: "1d" }),
    ];
    // The cost report cannot say which key: by key, tokens are compared, not USD.
    if (byKey) return [usage];
    const cost = new URLSearchParams({ ...base, "group_by[]": "description" });
    return [usage, ["/v1/organizations/cost_report", cost]];
  }
  const base = { start_time: unix(from), end_time: unix(end), bucket_width: "1d" };
  const usage: [string, URLSearchParams] = [
    "/v1/organization/usage/completions",
    byModel({ ...base, limit: "31" }),
  ];
  if (byKey) return [usage];
  const costs = new URLSearchParams({ ...base, "group_by[]": "line_item", limit: "180" });
  return [usage, ["/v1/organization/costs", costs]];
}

function headersFor(provider: ReportProvider, key: string): Record<string, string> {
  return provider === "anthropic"
    ? { "x-api-key": key, "anthropic-version": "2023-06-01" }
    : { authorization: `Bearer ${key}` };
}

/**
 * Every page of one list; throws with the endpoint and page when one cannot be read. Reports page
 * by `next_page` (passed as `page`); Anthropic's key list by `last_id` (passed as `after_id`).
 */
async function pagesOf(url: URL, headers: Record<string, string>, o: FetchOptions, what: string) {
  const f = o.fetch;
  const pages: unknown[] = [];
  for (let page: string | null = null; pages.length < fetchLimits.maxPages;) {
    if (page !== null) url.searchParams.set(cursorParam(url), page);
    o.onPage?.(what, pages.length + 1);
    const bytes = await fetchBounded(url.href, {
      timeoutMs: fetchLimits.timeoutMs,
      maxBytes: fetchLimits.maxBytes,
      maxRedirects: 0,
      headers,
      ...(f === undefined ? {} : { fetch: f }),
    });
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new Error(`page ${pages.length + 1} of ${url.pathname} is not JSON`);
    }
    pages.push(doc);
    const d = doc as { has_more?: unknown; next_page?: unknown; last_id?: unknown };
    const next = cursorParam(url) === "page" ? d.next_page : d.last_id;
    if (d.has_more !== true || typeof next !== "string" || next === "") return pages;
    page = next;
  }
  throw new Error(`${url.pathname} has more than ${fetchLimits.maxPages} pages: ask fewer days`);
}

const keyListPath = "/v1/organizations/api_keys";
const cursorParam = (url: URL) => (url.pathname === keyListPath ? "after_id" : "page");

/** Anthropic's list of its organization's API keys (`partial_key_hint` ends as the key does). */
export async function fetchAnthropicKeys(o: FetchOptions): Promise<unknown[]> {
  const base = (o.baseUrl ?? apis.anthropic).replace(/\/+$/, "");
  const url = new URL(`${base}${keyListPath}?limit=1000`);
  return await pagesOf(url, headersFor("anthropic", o.key), o, "API key list");
}

/** The usage report, then the cost report, of `provider` for the days `from`..`to`. */
export async function fetchReports(
  provider: ReportProvider,
  o: FetchOptions,
): Promise<FetchedReport[]> {
  const base = (o.baseUrl ?? apis[provider]).replace(/\/+$/, "");
  const out: FetchedReport[] = [];
  const lists = endpoints(provider, o.from, o.to, o.byKey === true);
  for (const [i, [path, params]] of lists.entries()) {
    const url = new URL(`${base}${path}?${params}`);
    // The usage report comes first, the cost report (when asked) second.
    const what = i === 0 ? "usage report" : "cost report";
    out.push({
      name: `${provider} ${path}`,
      pages: await pagesOf(url, headersFor(provider, o.key), o, what),
    });
  }
  return out;
}
