import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import {
  createPricer,
  type LoadedPricing,
  loadPriceSources,
  type LoadSourcesOptions,
  type SourceNote,
} from "../../src/pricing/mod.ts";
import { startPriceFileServer } from "./price_file_server.ts";

const sampleUrl = new URL("../testdata/pricing/litellm_sample.json", import.meta.url);
const sample = await Deno.readFile(sampleUrl);
const hour = 3_600_000;

async function withServer(
  fn: (
    server: Awaited<ReturnType<typeof startPriceFileServer>>,
    opts: LoadSourcesOptions,
  ) => Promise<void>,
): Promise<void> {
  const server = await startPriceFileServer(sample);
  const dir = await Deno.makeTempDir({ prefix: "prices-" });
  try {
    await fn(server, {
      cwd: dir,
      cacheDir: join(dir, "data"),
      timeoutMs: 2_000,
      maxBytes: 2048 * 1024,
      now: () => Date.now() + 3 * hour,
    });
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const levels = (loaded: LoadedPricing) => loaded.notes.map((n) => n.level);
const only = (loaded: LoadedPricing): SourceNote => {
  strictEqual(loaded.notes.length, 1, JSON.stringify(loaded.notes));
  return loaded.notes[0]!;
};
const openai = (loaded: LoadedPricing) =>
  createPricer({ id: "openai", kind: "openai", prices: {} }, loaded.sources);

Deno.test("sources: a URL is fetched, used and cached beside the database", async () => {
  await withServer(async (server, opts) => {
    const loaded = await loadPriceSources([server.url("/ok")], opts);
    ok(loaded.ok);
    deepStrictEqual(levels(loaded), ["info"]);
    ok(only(loaded).message.includes("9 models priced"), only(loaded).message);
    strictEqual(openai(loaded)("gpt-6.2-sol")?.cached_input, 0.1);
    const cached = [...Deno.readDirSync(opts.cacheDir)].map((e) => e.name);
    strictEqual(cached.length, 1);
    ok(/^prices-[0-9a-f]{16}\.json$/.test(cached[0]!), cached[0]);
    deepStrictEqual(await Deno.readFile(join(opts.cacheDir, cached[0]!)), sample);
  });
});

Deno.test("sources: HTTP 500 uses the last good copy, with the error and its age", async () => {
  await withServer(async (server, opts) => {
    ok((await loadPriceSources([server.url("/toggle")], opts)).ok);
    server.toggle = "fail";
    const loaded = await loadPriceSources([server.url("/toggle")], opts);
    ok(loaded.ok);
    const note = only(loaded);
    strictEqual(note.level, "warn");
    ok(note.message.includes("HTTP 500"), note.message);
    ok(note.message.includes("last good copy, fetched 3 h ago"), note.message);
    strictEqual(openai(loaded)("gpt-4o-mini")?.input, 0.15);
  });
});

Deno.test("sources: a fetched file that is not a price file never replaces the good copy", async () => {
  await withServer(async (server, opts) => {
    const url = server.url("/ok");
    ok((await loadPriceSources([url], opts)).ok);
    const [name] = [...Deno.readDirSync(opts.cacheDir)].map((e) => e.name);
    // Same URL, now answering garbage: the loader is told so by a fetch that returns it.
    const garbage: typeof fetch = () => Promise.resolve(new Response("<html>maintenance</html>"));
    const loaded = await loadPriceSources([url], { ...opts, fetch: garbage });
    strictEqual(only(loaded).level, "warn");
    ok(only(loaded).message.includes("not JSON"), only(loaded).message);
    deepStrictEqual(await Deno.readFile(join(opts.cacheDir, name!)), sample);
  });
});

const failures: [string, string, Partial<LoadSourcesOptions>, RegExp][] = [
  ["HTTP 500", "/500", {}, /HTTP 500/],
  ["oversize by Content-Length", "/big", { maxBytes: 1024 }, /larger than 1024 bytes/],
  ["oversize counted while reading", "/big-chunked", { maxBytes: 4096 }, /larger than 4096/],
  ["a body that never ends", "/never-ends", { timeoutMs: 300 }, /within 300 ms/],
  ["too many redirects", "/redirect/9", {}, /more than 5 redirects/],
  ["a redirect off http(s)", "/to-ftp", {}, /ftp: URL/],
  ["not a price file", "/not-json", {}, /not JSON/],
];

for (const [name, path, extra, error] of failures) {
  Deno.test(`sources: ${name} with no cached copy starts on the rest, loudly`, async () => {
    await withServer(async (server, opts) => {
      const loaded = await loadPriceSources([server.url(path)], { ...opts, ...extra });
      ok(loaded.ok, "the gateway still starts");
      deepStrictEqual(loaded.sources.files, []);
      const note = only(loaded);
      strictEqual(note.level, "error");
      ok(error.test(note.message), note.message);
      ok(note.message.includes("no usable cached copy (none yet"), note.message);
      // Built-in prices still apply; what only the file priced is unpriced, never 0.
      strictEqual(openai(loaded)("gpt-4o-mini")?.input, 0.15);
    });
  });
}

Deno.test("sources: a few redirects are followed", async () => {
  await withServer(async (server, opts) => {
    const loaded = await loadPriceSources([server.url("/redirect/3")], opts);
    deepStrictEqual(levels(loaded), ["info"]);
    strictEqual(server.hits.get("/ok"), 1);
  });
});

Deno.test("sources: check mode fetches without writing the cache", async () => {
  await withServer(async (server, opts) => {
    const loaded = await loadPriceSources([server.url("/ok")], { ...opts, writeCache: false });
    deepStrictEqual(levels(loaded), ["info"]);
    let exists = true;
    await Deno.stat(opts.cacheDir).catch(() => (exists = false));
    strictEqual(exists, false);
  });
});

Deno.test("sources: check mode without fetching leaves URLs alone", async () => {
  await withServer(async (server, opts) => {
    const loaded = await loadPriceSources([server.url("/ok")], { ...opts, fetchUrls: false });
    ok(loaded.ok);
    deepStrictEqual(loaded.notes, []);
    strictEqual(server.hits.size, 0);
  });
});

Deno.test("sources: a path is read relative to the working directory", async () => {
  await withServer(async (_server, opts) => {
    await Deno.copyFile(sampleUrl, join(opts.cwd, "prices.json"));
    const loaded = await loadPriceSources(["prices.json"], opts);
    ok(loaded.ok);
    strictEqual(only(loaded).source, "prices.json");
    strictEqual(openai(loaded)("gpt-6.2-sol")?.input, 2);
  });
});

Deno.test("sources: a path that cannot be used is an error (serve refuses it)", async () => {
  await withServer(async (_server, opts) => {
    await Deno.writeTextFile(join(opts.cwd, "empty.json"), "{}");
    await Deno.writeTextFile(join(opts.cwd, "big.json"), " ".repeat(4096));
    for (
      const [file, error] of [
        ["missing.json", /No such file|not found/i],
        ["empty.json", /no entry could be priced/],
        ["big.json", /larger than 1024 bytes/],
      ] as const
    ) {
      const loaded = await loadPriceSources([file], { ...opts, maxBytes: 1024 });
      strictEqual(loaded.ok, false, file);
      strictEqual(only(loaded).level, "error");
      ok(error.test(only(loaded).message), only(loaded).message);
    }
  });
});

Deno.test("sources: a network error is reported without the URL's query", async () => {
  await withServer(async (_server, opts) => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close(); // nothing listens there now: the connection is refused
    const url = `http://127.0.0.1:${port}/prices.json?token=s3cret-value`;
    const loaded = await loadPriceSources([url], opts);
    const note = only(loaded);
    strictEqual(note.level, "error");
    strictEqual(note.source, `http://127.0.0.1:${port}/prices.json`);
    ok(!note.message.includes("s3cret"), note.message);
    ok(/fetch failed: .*refused/i.test(note.message), note.message);
  });
});
