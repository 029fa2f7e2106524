/**
 * What the API's replay (api/replay.ts) goes through and may be sent to: the gateway's own
 * handler (bound late, since the API is part of it) and this config's providers and routes.
 */
import type { ApiDeps, ReplayContext } from "../api/mod.ts";
import type { GatewayConfig, ResolvedProvider } from "../config/mod.ts";
import type { ProxyRoute } from "../proxy/mod.ts";

export function replayDepsOf(
  config: GatewayConfig,
  routes: ReadonlyMap<ResolvedProvider, ProxyRoute>,
  /** Team mode: the caller's gateway key travels with the replay in `auth.header`. */
  teamMode: boolean,
  send: (req: Request) => Promise<Response>,
): NonNullable<ApiDeps["replay"]> {
  const context: ReplayContext = {
    providers: config.providers.flatMap((p) => {
      const route = routes.get(p);
      return route === undefined
        ? []
        : [{ id: p.id, kind: p.kind, prefix: p.prefix, adapter: route.adapter }];
    }),
    routes: new Set(Object.keys(config.routes)),
  };
  return { send, context, gatewayKeyHeader: teamMode ? config.auth.header : null };
}
