// The container image's default configuration (/app/gateway.config.ts). To change it, mount your
// own config over it, with your policies/ beside it:
//   docker run -v "$PWD/gateway.config.ts:/app/gateway.config.ts:ro" \
//     -v "$PWD/policies:/app/policies:ro" ...
// Secrets are never written here: env("NAME") reads them when the gateway starts, so pass them
// with `docker run -e NAME`.
//
// SECURITY: the gateway listens on 0.0.0.0 because a container's port mapping can only reach it
// there. Without team mode (auth.enabled: false), anyone who can reach that port can read every
// trace through /api/traces. Publish the port on the loopback interface only
// (`-p 127.0.0.1:8080:8080`), or turn on team mode (auth below) before exposing it further.
// Without team mode the gateway answers only to localhost and IP addresses (DNS rebinding);
// other containers that reach it by name need ONGOINGAI_SERVER_ALLOWED_HOSTS=<name>.
import { defineConfig, env } from "ongoingai";

export default defineConfig({
  server: { host: "0.0.0.0", port: 8080 },

  // /app/data is the image's volume: mount it (-v ongoingai-data:/app/data) to keep traces across
  // container restarts. For PostgreSQL: ONGOINGAI_STORAGE_DRIVER=postgres and ONGOINGAI_STORAGE_DSN.
  storage: { driver: "sqlite", path: "/app/data/ongoingai.db" },

  providers: {
    openai: { prefix: "/openai", upstream: "https://api.openai.com" },
    anthropic: { prefix: "/anthropic", upstream: "https://api.anthropic.com" },
  },

  // Bodies stay out of traces unless you opt in.
  tracing: { capture_bodies: false },

  // Team mode: callers send X-OngoingAI-Gateway-Key. Turn it on without editing this file:
  //   -e ONGOINGAI_AUTH_ENABLED=true -e ONGOINGAI_GATEWAY_KEY="$(openssl rand -hex 32)"
  // The admin key then creates narrower keys (`ongoingai keys`, POST /api/gateway-keys).
  auth: {
    enabled: false,
    keys: [
      {
        id: "container-default",
        token: env("ONGOINGAI_GATEWAY_KEY"),
        org_id: "org-default",
        workspace_id: "workspace-default",
        role: "admin",
      },
    ],
  },
});
