# One image per app, each built from a `turbo prune` of the monorepo (only the app and the
# workspaces it depends on), running the compiled dist as the unprivileged `node` user.
#
#   docker build --target encoder-service --build-arg APP=encoder-service -t aq/encoder-service .
#
# APP must name the same app as --target (docker-compose.yml sets both); a mismatch fails at
# the final COPY, since the pruned build then has no dist for the target's app.
# NODE_IMAGE is the base of every stage: the official image by default; any Debian bookworm
# image with Node.js 20, npm and a `node` user (uid 1000) will do, such as the locally built
# stand-in `npm run test:compose` uses (scripts/compose-test/). No `# syntax=` line: the
# builder's built-in Dockerfile frontend is enough, and a build needs no registry for it.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

# ---- prune: the app's part of the monorepo, package manifests separate from sources ----
FROM base AS prune
ARG APP
ARG TURBO_VERSION=2.11.11
WORKDIR /src
RUN npm install --global "turbo@${TURBO_VERSION}"
COPY . .
RUN test -n "${APP}" || { echo "build with --build-arg APP=<gateway|probe-service|encoder-service|uploader-service|webhook-service>" >&2; exit 1; } \
 && turbo prune "@aq/${APP}" --docker --out-dir /pruned \
 && node scripts/docker/production-tree.mjs /pruned "@aq/${APP}"

# ---- build: every dependency (dev ones too), then the app and its workspaces to dist ----
FROM base AS build
ARG APP
WORKDIR /repo
COPY --from=prune /pruned/json/ ./
RUN npm ci
COPY --from=prune /pruned/full/ ./
COPY tsconfig.base.json ./
RUN npx turbo run build --filter="@aq/${APP}"

# ---- deps: production dependencies only ----
# From /pruned/prod: the pruned manifests without devDependencies and without the workspaces the
# app reaches only through them (@aq/devkit and its test servers), and a lockfile holding only
# what the remaining workspaces reach. (`npm ci --omit=dev` on the plain prune installs devkit's
# dependencies, since every workspace of the pruned tree counts as a production one.)
FROM base AS deps
WORKDIR /app
COPY --from=prune /pruned/prod/ ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtimes: system packages first, so that they stay cached across app changes ----
FROM base AS runtime
ENV NODE_ENV=production
# Each replica's own scratch folder (compose mounts an anonymous volume here, which takes this
# ownership, so the unprivileged user can write to it); services hand work over through the bucket.
RUN mkdir -p /data/work && chown node:node /data/work
ENV WORK_DIR=/data/work
WORKDIR /app

FROM runtime AS runtime-ffmpeg
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*

# ---- one target per app ----
FROM runtime AS gateway
COPY --from=deps /app ./
COPY --from=build /repo/packages/contracts/dist ./packages/contracts/dist
COPY --from=build /repo/packages/config/dist ./packages/config/dist
COPY --from=build /repo/packages/media/dist ./packages/media/dist
COPY --from=build /repo/packages/platform/dist ./packages/platform/dist
COPY --from=build /repo/packages/pipeline/dist ./packages/pipeline/dist
COPY --from=build /repo/apps/gateway/dist ./apps/gateway/dist
COPY --from=build /repo/apps/gateway/schema.graphql ./apps/gateway/schema.graphql
USER node
WORKDIR /app/apps/gateway
ENV GATEWAY_HOST=0.0.0.0 GATEWAY_PORT=4000
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=10s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4000/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]

FROM runtime-ffmpeg AS probe-service
COPY --from=deps /app ./
COPY --from=build /repo/packages/contracts/dist ./packages/contracts/dist
COPY --from=build /repo/packages/config/dist ./packages/config/dist
COPY --from=build /repo/packages/media/dist ./packages/media/dist
COPY --from=build /repo/packages/platform/dist ./packages/platform/dist
COPY --from=build /repo/packages/pipeline/dist ./packages/pipeline/dist
COPY --from=build /repo/apps/probe-service/dist ./apps/probe-service/dist
USER node
WORKDIR /app/apps/probe-service
ENV HEALTH_HOST=0.0.0.0 HEALTH_PORT=8081
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=10s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8081/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]

FROM runtime-ffmpeg AS encoder-service
COPY --from=deps /app ./
COPY --from=build /repo/packages/contracts/dist ./packages/contracts/dist
COPY --from=build /repo/packages/config/dist ./packages/config/dist
COPY --from=build /repo/packages/media/dist ./packages/media/dist
COPY --from=build /repo/packages/platform/dist ./packages/platform/dist
COPY --from=build /repo/packages/pipeline/dist ./packages/pipeline/dist
COPY --from=build /repo/apps/encoder-service/dist ./apps/encoder-service/dist
USER node
WORKDIR /app/apps/encoder-service
ENV HEALTH_HOST=0.0.0.0 HEALTH_PORT=8082
EXPOSE 8082
HEALTHCHECK --interval=10s --timeout=10s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8082/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]

FROM runtime AS uploader-service
COPY --from=deps /app ./
COPY --from=build /repo/packages/contracts/dist ./packages/contracts/dist
COPY --from=build /repo/packages/config/dist ./packages/config/dist
COPY --from=build /repo/packages/media/dist ./packages/media/dist
COPY --from=build /repo/packages/platform/dist ./packages/platform/dist
COPY --from=build /repo/packages/pipeline/dist ./packages/pipeline/dist
COPY --from=build /repo/apps/uploader-service/dist ./apps/uploader-service/dist
USER node
WORKDIR /app/apps/uploader-service
ENV HEALTH_HOST=0.0.0.0 HEALTH_PORT=8083
EXPOSE 8083
HEALTHCHECK --interval=10s --timeout=10s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8083/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]

# Outbound HTTP to the registered endpoints only: no ffmpeg, no bucket.
FROM runtime AS webhook-service
COPY --from=deps /app ./
COPY --from=build /repo/packages/contracts/dist ./packages/contracts/dist
COPY --from=build /repo/packages/config/dist ./packages/config/dist
COPY --from=build /repo/packages/platform/dist ./packages/platform/dist
COPY --from=build /repo/apps/webhook-service/dist ./apps/webhook-service/dist
USER node
WORKDIR /app/apps/webhook-service
ENV HEALTH_HOST=0.0.0.0 HEALTH_PORT=8084
EXPOSE 8084
HEALTHCHECK --interval=10s --timeout=10s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8084/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
