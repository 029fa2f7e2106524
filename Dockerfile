# syntax=docker/dockerfile:1
#
# The gateway as a container: `deno compile` output on a distroless base.
#
#   docker build -t ongoingai/gateway .
#   docker run --rm -p 127.0.0.1:8080:8080 -v ongoingai-data:/app/data ongoingai/gateway
#
# Build arguments VERSION (default: deno.json "version"), COMMIT and DATE (RFC 3339) are stamped
# into the binary (`ongoingai version`) and the image labels. The build context has no .git, so
# the commit comes from COMMIT or the stamp says "none".

# The build stage runs on the builder's own platform and cross-compiles: `deno compile --target`
# needs no emulation, so a multi-arch build stays fast. Deno is pinned to the version CI tests
# with (.ci/run); tests/distribution checks that they agree.
FROM --platform=$BUILDPLATFORM denoland/deno:2.9.6 AS build
WORKDIR /build

# Dependencies first: this layer is rebuilt only when deno.json or deno.lock change.
COPY deno.json deno.lock ./
RUN deno install --frozen

COPY src/ src/
COPY migrations/ migrations/
COPY scripts/compile.ts scripts/compile.ts
COPY scripts/compile/ scripts/compile/

ARG TARGETARCH
ARG VERSION=""
ARG COMMIT=""
ARG DATE=""
# TARGETARCH is amd64 or arm64, the release targets linux_amd64 and linux_arm64; any other
# platform stops here with compile's "unknown target" message. The binary is not run here: on
# a cross build it is for another architecture.
RUN deno task compile --target "linux_${TARGETARCH}" --out-dir /out \
      ${VERSION:+--version "$VERSION"} ${COMMIT:+--commit "$COMMIT"} ${DATE:+--date "$DATE"} \
 && mv "/out/ongoingai_linux_${TARGETARCH}" /out/ongoingai \
 && mkdir -p /out/data

# Runtime: deno compile output links against glibc (and libgcc), so a static base such as
# scratch or distroless/static cannot run it. distroless/cc has glibc, libgcc, CA certificates
# for the upstream HTTPS calls, and a nonroot user (65532); no shell, no package manager.
# Pinned by tag to Debian 12; bump it deliberately.
FROM gcr.io/distroless/cc-debian12:nonroot

ARG VERSION=""
ARG COMMIT=""
ARG DATE=""
LABEL org.opencontainers.image.title="OngoingAI Gateway" \
      org.opencontainers.image.description="Headless AI gateway: proxies OpenAI, Anthropic and OpenAI-compatible APIs and records usage, cost and latency per request" \
      org.opencontainers.image.source="https://github.com/ongoingai/gateway" \
      org.opencontainers.image.url="https://github.com/ongoingai/gateway" \
      org.opencontainers.image.documentation="https://github.com/ongoingai/gateway#install" \
      org.opencontainers.image.vendor="OngoingAI" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.created="${DATE}"

COPY --from=build /out/ongoingai /ongoingai
# The SQLite database lives here; owned by the runtime user so the gateway can create it.
COPY --from=build --chown=65532:65532 /out/data /app/data
# Listens on 0.0.0.0:8080, SQLite at /app/data/ongoingai.db. Read-only for the runtime user:
# mount your own config over it (see the README's Install section).
COPY docker/gateway.config.ts /app/gateway.config.ts

USER 65532:65532
WORKDIR /app
VOLUME /app/data
EXPOSE 8080

# No curl in a distroless image: the binary checks itself (GET /api/health, exit 0 when healthy).
# It gives up after 3 s, before Docker's 5 s, so a hung gateway is logged with its own message.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/ongoingai", "health", "--timeout-ms", "3000"]

ENTRYPOINT ["/ongoingai"]
CMD ["serve", "--config", "/app/gateway.config.ts"]
