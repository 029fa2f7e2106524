/**
 * The running gateway as a series of generations, one per applied config. The listener's handler
 * reads the current generation once per request, so each request is served entirely by one
 * config snapshot and a reload never touches what is already running: a replaced generation
 * finishes its requests and streams, then is closed. Shutdown ends the exchanges of every
 * generation still running, not only the newest.
 */
import type { GatewayConfig } from "../config/mod.ts";
import type { Gateway } from "./gateway.ts";
import type { Exchange } from "../proxy/mod.ts";
import type { TenantScope } from "../traces/mod.ts";

export interface Generation {
  /** 1 for the config the process started with, then one more per applied reload. */
  readonly number: number;
  readonly gateway: Gateway;
  readonly config: GatewayConfig;
}

interface Tracked extends Generation {
  /** Requests handed to this generation whose response is not yet delivered (or abandoned). */
  open: number;
  retired: boolean;
  /** Retired, and its WebSocket relays all ended (they outlive their upgrade's response). */
  relaysEnded: boolean;
  closed: boolean;
}

export interface Generations {
  /** What new requests are served by. */
  readonly current: Generation;
  /** The `Deno.serve` handler. */
  handle(req: Request, info: { completed: Promise<void> }): Promise<Response>;
  /**
   * New requests go to `next` from now on; the replaced generation is closed once its last
   * response is delivered. False (and `next` left to the caller) once shutdown has begun.
   */
  swap(gateway: Gateway, config: GatewayConfig): Generation | false;
  /** Shutdown has begun in every live generation; swaps are refused from now on. */
  beginShutdown(): void;
  /** Exchanges still streaming and WebSocket relays open, over every live generation. */
  inflight(): number;
  /** The open exchanges of every live generation (`/api/live` tallies them by tenant). */
  exchanges(): Iterable<Exchange>;
  /** The tenant of each WebSocket relay open in every live generation (likewise). */
  relays(): Iterable<TenantScope>;
  /** Ends every open exchange of every live generation. */
  abortInflight(): void;
  /** Resolves once every live generation's ended exchanges have recorded their traces. */
  recorded(): Promise<void>;
  /** Closes every generation not closed yet (the end of shutdown). */
  closeAll(): void;
}

export function createGenerations(gateway: Gateway, config: GatewayConfig): Generations {
  let current: Tracked = tracked(1, gateway, config);
  const live = new Set<Tracked>([current]);
  let shuttingDown = false;

  const close = (gen: Tracked) => {
    if (gen.closed) return;
    gen.closed = true;
    live.delete(gen);
    gen.gateway.close();
  };
  const settled = (gen: Tracked) => {
    gen.open--;
    if (gen.retired && gen.relaysEnded && gen.open === 0) close(gen);
  };

  return {
    get current() {
      return current;
    },
    handle(req, info) {
      // Read once: whatever is swapped in meanwhile, this request stays on this generation.
      const gen = current;
      gen.open++;
      // Rejects when the client went away first; either way the response is done with.
      info.completed.then(() => settled(gen), () => settled(gen));
      return gen.gateway.fetch(req);
    },
    swap(nextGateway, nextConfig) {
      if (shuttingDown) return false;
      const previous = current;
      current = tracked(previous.number + 1, nextGateway, nextConfig);
      live.add(current);
      previous.retired = true;
      // Its relays drain (1012 once their response ends) and keep it live until they end, so
      // shutdown and recorded() still reach them.
      previous.gateway.retire(() => {
        previous.relaysEnded = true;
        if (previous.open === 0) close(previous);
      });
      return current;
    },
    beginShutdown() {
      shuttingDown = true;
      for (const gen of live) gen.gateway.beginShutdown();
    },
    inflight() {
      let n = 0;
      for (const gen of live) n += gen.gateway.inflight.size + gen.gateway.openRelays;
      return n;
    },
    *exchanges() {
      for (const gen of live) yield* gen.gateway.inflight;
    },
    *relays() {
      for (const gen of live) yield* gen.gateway.relayTenants();
    },
    abortInflight() {
      for (const gen of live) gen.gateway.abortInflight();
    },
    async recorded() {
      await Promise.all([...live].map((gen) => gen.gateway.recorded()));
    },
    closeAll() {
      for (const gen of [...live]) close(gen);
    },
  };
}

function tracked(number: number, gateway: Gateway, config: GatewayConfig): Tracked {
  return { number, gateway, config, open: 0, retired: false, relaysEnded: false, closed: false };
}
