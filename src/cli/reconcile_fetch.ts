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
  /** Default: the provider's API. Tests point it at a local stub. */
  baseUrl?: string;
  fetch?: typeof fetch;
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
): [string, URLSearchParams][] {
  const end = nextDay(to);
  if (provider === "anthropic") {
    const base = { starting_at: `${from}T00:00:00Z`, ending_at: `${end}T00:00:00Z`, limit: "31" };
    return [
      [
        "/v1/organizations/usage_report/messages",
        new URLSearchParams({
          ...base,
          bucket_width: "1d",
          "group_by[]": "model",
        }),
      ],
      [
        "/v1/organizations/cost_report",
        new URLSearchParams({ ...base, "group_by[]": "description" }),
      ],
    ];
  }
  const base = { start_time: unix(from), end_time: unix(end), bucket_width: "1d" };
  return [
    [
      "/v1/organization/usage/completions",
      new URLSearchParams({
        ...base,
        "group_by[]": "model",
        limit: "31",
      }),
    ],
    [
      "/v1/organization/costs",
      new URLSearchParams({ ...base, "group_by[]": "line_item", limit: "180" }),
    ],
  ];
}

function headersFor(provider: ReportProvider, key: string): Record<string, string> {
  return provider === "anthropic"
    ? { "x-api-key": key, "anthropic-version": "2023-06-01" }
    : { authorization: `Bearer ${key}` };
}

/** Every page of one report; throws with the endpoint and page when one cannot be read. */
async function pagesOf(url: URL, headers: Record<string, string>, f?: typeof fetch) {
  const pages: unknown[] = [];
  for (let page: string | null = null; pages.length < fetchLimits.maxPages;) {
    if (page !== null) url.searchParams.set("page", page);
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
    const d = doc as { has_more?: unknown; next_page?: unknown };
    if (d.has_more !== true || typeof d.next_page !== "string" || d.next_page === "") {
      return pages;
    }
    page = d.next_page;
  }
  throw new Error(`${url.pathname} has more than ${fetchLimits.maxPages} pages: ask fewer days`);
}

/** The usage report, then the cost report, of `provider` for the days `from`..`to`. */
export async function fetchReports(
  provider: ReportProvider,
  o: FetchOptions,
): Promise<FetchedReport[]> {
  const base = (o.baseUrl ?? apis[provider]).replace(/\/+$/, "");
  const out: FetchedReport[] = [];
  for (const [path, params] of endpoints(provider, o.from, o.to)) {
    const url = new URL(`${base}${path}?${params}`);
    out.push({
      name: `${provider} ${path}`,
      pages: await pagesOf(url, headersFor(provider, o.key), o.fetch),
    });
  }
  return out;
}
