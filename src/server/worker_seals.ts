/**
 * Translation's sealed state with several serving isolates (`server.workers`): a client's next
 * turn may land on another isolate, which must open what the first one sealed. So every isolate
 * seals under one key (the config's `translation.state_key`, else one random key the main isolate
 * makes per process, as one isolate would), and the Chat tool-call state map is the main
 * isolate's (a worker's puts and gets are calls).
 */
import type { GatewayConfig } from "../config/mod.ts";
import type { StateMap } from "../providers/mod.ts";
import { StateSeals } from "../proxy/mod.ts";
import type { Rpc } from "./worker_rpc.ts";

type StateMapKey = Parameters<StateMap["get"]>[0];

/** A random key for this process's seals, as long as `translation.state_key` must be. */
export function newProcessSealKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(
    /[+/=]/g,
    (c) => c === "+" ? "-" : c === "/" ? "_" : "",
  );
}

/** The config as an isolate builds its gateway from it: the process's key when it sets none. */
export function withProcessSealKey(config: GatewayConfig, key: string): GatewayConfig {
  const own = config.translation.state_key;
  if (typeof own === "string" && own !== "") return config;
  return { ...config, translation: { ...config.translation, state_key: key } };
}

/** The main isolate's state map, a call away. */
export class RelayedStateMap implements StateMap {
  constructor(private readonly rpc: Rpc) {}
  async put(key: StateMapKey, sealed: string): Promise<void> {
    await this.rpc.call("stateMap", "put", [key, sealed]);
  }
  get(key: StateMapKey): Promise<string | null> {
    return this.rpc.call<string | null>("stateMap", "get", [key]);
  }
}

/** A worker's seals: its keys derived here, its state map the main isolate's. */
export function relayedSeals(rpc: Rpc): StateSeals {
  const seals = new StateSeals();
  Object.defineProperty(seals, "map", { value: new RelayedStateMap(rpc) });
  return seals;
}
