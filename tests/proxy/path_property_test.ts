/**
 * Property tests for request-target handling: whatever a client puts in the request line,
 * `parseTarget` either refuses it with the documented `invalid_path` error or returns a path that
 * cannot step outside the provider prefix, and the upstream URL built from it stays on the
 * configured upstream origin and below its base path.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { GatewayError } from "../../src/errors/mod.ts";
import {
  hasPathPrefix,
  matchProvider,
  parseTarget,
  type RequestTarget,
  upstreamBase,
  upstreamPath,
  upstreamUrl,
} from "../../src/proxy/path.ts";
import type { ResolvedProvider } from "../../src/config/resolve.ts";

/** Pieces that have tricked path handling somewhere: dot segments, encodings, URL delimiters. */
const trickyPieces = [
  "",
  ".",
  "..",
  "%2e",
  "%2E%2e",
  ".%2e",
  "%2e.",
  "%2f",
  "%2F",
  "%5c",
  "%5C",
  "%252e",
  "\\",
  "/",
  "//",
  "?",
  "#",
  "\t",
  "\n",
  "\r",
  " ",
  "@",
  ":",
  "%",
  "%00",
  "\u0000",
  "\u00e9",
  "\ud800",
  "a..b",
  "v1",
  "openai",
  "anthropic",
  "http://evil.test",
];
const piece = fc.oneof(
  fc.constantFrom(...trickyPieces),
  fc.string({ unit: "binary", maxLength: 6 }),
);
/** Segments made of dots, their encodings and the characters URL parsers silently drop. */
const dotLike = fc
  .array(fc.constantFrom(".", "%2e", "%2E", "\t", "\n", "\r", "a"), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join(""));
const segment = fc.oneof(
  fc.array(piece, { maxLength: 3 }).map((parts) => parts.join("")),
  dotLike,
);
const prefixes = ["/openai", "/anthropic", "/openai/v2", "/groq", "/a.b", "/x/y/z"];
const pathish = fc
  .tuple(
    fc.option(fc.constantFrom(...prefixes), { nil: "" }),
    fc.array(segment, { maxLength: 6 }),
  )
  .map(([prefix, segments]) => `${prefix}/${segments.join("/")}`);
const authorities = ["gw", "GW", "gw:8080", "other.host", "", "user@gw", "gw/"];
const urlish = fc
  .tuple(fc.constantFrom("http://", "https://", ""), fc.constantFrom(...authorities), pathish)
  .map(([scheme, authority, path]) => `${scheme}${authority}${path}`);
const hostHeader = fc.option(fc.constantFrom(...authorities), { nil: null });

/** Runs `parseTarget`, letting only the documented refusal through. */
function parseOrRefuse(url: string, host: string | null): RequestTarget | null {
  try {
    return parseTarget(url, host);
  } catch (error) {
    if (error instanceof GatewayError && error.code === "invalid_path") return null;
    throw error;
  }
}

const dotSegment = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

function assertSafePath(target: RequestTarget): void {
  const { path, search } = target;
  assert.ok(path.startsWith("/"), `path ${JSON.stringify(path)} must start with /`);
  assert.doesNotMatch(path, dotSegment);
  assert.doesNotMatch(path, /%2f|%5c/i);
  assert.ok(!path.includes("//"), `path ${JSON.stringify(path)} has an empty segment`);
  assert.ok(!path.includes("\\"), `path ${JSON.stringify(path)} has a backslash`);
  assert.ok(!/[?#]/.test(path), `path ${JSON.stringify(path)} kept a delimiter`);
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(path, /[\x00-\x1f\x7f]/);
  assert.ok(search === "" || search.startsWith("?"), `search ${JSON.stringify(search)}`);
  assert.ok(!search.includes("#"), `search ${JSON.stringify(search)} kept the fragment`);
}

Deno.test("property: parseTarget on any string throws nothing but invalid_path", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: "binary", maxLength: 80 }),
      fc.option(fc.string({ unit: "binary", maxLength: 12 }), { nil: null }),
      (url, host) => {
        const target = parseOrRefuse(url, host);
        if (target !== null) assertSafePath(target);
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("property: an accepted URL-ish target has a safe path and keeps the request line's text", () => {
  fc.assert(
    fc.property(urlish, hostHeader, (url, host) => {
      const target = parseOrRefuse(url, host);
      if (target === null) return;
      assertSafePath(target);
      // Nothing is normalised: path and query are the request line's own characters, in order.
      assert.ok(url.includes(target.path + target.search), `${url} -> ${JSON.stringify(target)}`);
    }),
    { numRuns: 2000 },
  );
});

const provider = (prefix: string, upstream = "https://api.example.test"): ResolvedProvider => ({
  id: prefix,
  kind: "openai",
  prefix,
  upstream,
  prices: {},
  stream_usage: true,
});

Deno.test("property: matchProvider returns the first provider whose prefix owns the path, or null", () => {
  const anyPrefix = fc.oneof(
    fc.constantFrom(...prefixes),
    fc.string({ unit: "binary", maxLength: 8 }).map((s) => `/${s}`),
  );
  fc.assert(
    fc.property(
      fc.array(anyPrefix, { maxLength: 5 }),
      fc.oneof(pathish, fc.string({ unit: "binary", maxLength: 30 })),
      (list, path) => {
        const providers = list.map((p) => provider(p));
        const found = matchProvider(providers, path);
        const expected = providers.find((p) => hasPathPrefix(path, p.prefix)) ?? null;
        assert.equal(found, expected);
        if (found === null) return;
        // The prefix ends on a segment boundary, so the upstream path is rooted.
        assert.ok(upstreamPath(found.prefix, path).startsWith("/"));
      },
    ),
    { numRuns: 1000 },
  );
});

const upstreams = fc.tuple(
  fc.constantFrom("https://api.openai.com", "http://127.0.0.1:9", "https://h.test:8443"),
  fc.constantFrom("", "/", "/base", "/base/", "/openai/v1", "/a%2fb", "/%2e%2e/x"),
).map(([origin, path]) => origin + path);

Deno.test("property: the upstream URL keeps the configured origin and stays below its base path", () => {
  fc.assert(
    fc.property(
      upstreams,
      fc.constantFrom(...prefixes),
      pathish,
      fc.option(fc.string({ unit: "binary", maxLength: 10 }), { nil: "" }),
      (upstream, prefix, path, query) => {
        const target = parseOrRefuse(`http://gw${path}${query ? `?${query}` : ""}`, "gw");
        if (target === null) return;
        const route = matchProvider([provider(prefix, upstream)], target.path);
        if (route === null) return;
        const base = upstreamBase(upstream);
        const built = new URL(upstreamUrl(base, route.prefix, target));
        assert.equal(built.origin, base.origin, `${upstream} + ${JSON.stringify(target)}`);
        assert.ok(
          built.pathname === (base.basePath || "/") ||
            built.pathname.startsWith(`${base.basePath}/`),
          `${built.pathname} is not below ${base.basePath} (${JSON.stringify(target)})`,
        );
      },
    ),
    { numRuns: 2000 },
  );
});

// Found by the property above: URL parsers drop tab, CR and LF, so `..\r` became `..` after the
// check and the upstream request climbed out of the base path (`https://h/base` -> `https://h/`).
Deno.test("parseTarget refuses control characters that a URL parser would drop into a dot segment", () => {
  for (
    const path of ["/anthropic/..\r", "/openai/.\t./v1", "/openai/%2e\n%2e/x", "/openai/v1\x00"]
  ) {
    assert.throws(
      () => parseTarget(`http://gw${path}`, "gw"),
      (e) => e instanceof GatewayError && e.code === "invalid_path",
      JSON.stringify(path),
    );
  }
});
