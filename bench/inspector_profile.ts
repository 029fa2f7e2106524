/**
 * A V8 CPU profile of a process started with `--inspect=HOST:PORT`, through the inspector's
 * DevTools protocol (this Deno has no `--cpu-prof`): `Profiler.start` now, `Profiler.stop` gives
 * the `.cpuprofile` JSON that bench/cpuprofile_top.ts sums.
 */

export interface Profiler {
  stop(): Promise<unknown>;
}

export async function startProfiler(hostPort: string): Promise<Profiler> {
  const list = await (await fetch(`http://${hostPort}/json/list`)).json() as {
    webSocketDebuggerUrl: string;
  }[];
  const ws = new WebSocket(list[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let nextId = 1;
  const waiting = new Map<number, (r: unknown) => void>();
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data as string) as { id?: number; result?: unknown };
    if (msg.id !== undefined) waiting.get(msg.id)?.(msg.result);
  };
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  // 200 µs between samples: fine enough for per-chunk work, cheap enough not to skew it.
  await call("Profiler.setSamplingInterval", { interval: 200 });
  await call("Profiler.start");
  return {
    async stop() {
      const r = await call("Profiler.stop") as { profile: unknown };
      ws.close();
      return r.profile;
    },
  };
}
