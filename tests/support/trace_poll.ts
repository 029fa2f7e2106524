/**
 * Waiting for traces in end-to-end tests: the gateway writes them asynchronously, so a test polls
 * the API until the ones it expects are there (bounded: about 15 seconds, then an error).
 */

// deno-lint-ignore no-explicit-any
export type PolledTrace = any;

/**
 * The traces that `keep` selects, newest first as the API lists them, once at least `n` of them
 * are there among the latest 200.
 */
export async function pollTraces(
  origin: string,
  n: number,
  keep: (t: PolledTrace) => boolean = () => true,
): Promise<PolledTrace[]> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const page = await (await fetch(`${origin}/api/traces?limit=200`)).json();
    const found = (page.items as PolledTrace[]).filter(keep);
    if (found.length >= n) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`fewer than ${n} traces appeared`);
}

/** The traces whose request path contains `marker`, oldest first, once `n` of them are there. */
export async function tracesAt(origin: string, marker: string, n: number): Promise<PolledTrace[]> {
  const found = await pollTraces(origin, n, (t) => t.request_path.includes(marker));
  return found.reverse();
}
