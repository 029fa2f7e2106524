/** What the main isolate tells a serving worker when it starts it (`server.workers` > 1). */
import type { RoutingStateSnapshot } from "../routing/mod.ts";
import type { TraceWriterSnapshot } from "../traces/mod.ts";

/** How the shared entry module knows it runs as a serving worker. */
export const serveWorkerName = "ongoingai-serve-worker";

/** The first message a serving worker gets (everything else goes over `port`). */
export interface ServeWorkerInit {
  port: MessagePort;
  index: number;
  configSource: string | null;
  cwd: string;
  /** The environment the config is read with (host and port pinned to the running ones). */
  env: Record<string, string>;
  keyHashSecret: string;
  startedAt: number;
  storeMethods: string[];
  storeDriver: string;
  writer: TraceWriterSnapshot;
  /** The main isolate's routing state now, and whether other instances share it (PostgreSQL). */
  routing: RoutingStateSnapshot;
  routingShared: boolean;
  /** The key every isolate seals translation state under when the config sets none. */
  sealKey: string;
}
