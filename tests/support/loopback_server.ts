/** A handler served on a loopback port for the time of a test's function. */

/** `handler` on 127.0.0.1 (a free port) while `fn` runs, given the base URL; stopped after. */
export async function servedOnLoopback(
  handler: (req: Request) => Response | Promise<Response>,
  fn: (url: string) => Promise<void>,
): Promise<void> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}
