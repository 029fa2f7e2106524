/**
 * The V8 inspector of a child Deno process started with `--inspect=127.0.0.1:PORT`, spoken over
 * its WebSocket (the Chrome DevTools Protocol). For tests that measure what a real gateway
 * process holds: memory still reachable after a full garbage collection is a property of that
 * process alone, whatever else runs on the machine (unlike its resident size, which moves with
 * when the collector happens to run).
 */

export interface Inspector {
  /**
   * Bytes the process still holds after a full garbage collection: the V8 heap in use plus the
   * memory outside it that JavaScript objects keep (ArrayBuffer contents).
   */
  heldBytes(): Promise<number>;
  close(): Promise<void>;
}

interface Reply {
  id?: number;
  result?: { result?: { value?: unknown }; exceptionDetails?: unknown };
  error?: { message: string };
}

const held = "(() => { const m = Deno.memoryUsage(); return m.heapUsed + m.external; })()";

export async function connectInspector(port: number): Promise<Inspector> {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const url = (targets as { webSocketDebuggerUrl?: string }[])[0]?.webSocketDebuggerUrl;
  if (url === undefined) throw new Error(`no inspector target on port ${port}`);
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`cannot open the inspector at ${url}`));
  });
  const pending = new Map<number, (reply: Reply) => void>();
  ws.onmessage = (e) => {
    const reply = JSON.parse(String(e.data)) as Reply;
    if (reply.id !== undefined) pending.get(reply.id)?.(reply);
  };
  let next = 0;
  const call = (method: string, params: Record<string, unknown> = {}) => {
    const id = ++next;
    const reply = new Promise<Reply>((resolve) => pending.set(id, resolve));
    ws.send(JSON.stringify({ id, method, params }));
    return reply.then((r) => {
      pending.delete(id);
      if (r.error !== undefined) throw new Error(`${method}: ${r.error.message}`);
      return r.result;
    });
  };
  return {
    async heldBytes() {
      await call("HeapProfiler.collectGarbage");
      const result = await call("Runtime.evaluate", { expression: held, returnByValue: true });
      const value = result?.result?.value;
      if (typeof value !== "number") {
        throw new Error(`the process did not say its memory: ${JSON.stringify(result)}`);
      }
      return value;
    },
    close() {
      const closed = new Promise<void>((resolve) => (ws.onclose = () => resolve()));
      ws.close();
      return closed;
    },
  };
}
