# syntax=docker/dockerfile:1
# One image for every process of the system, each started as `delivery start <name>`
# (api, relay, email, vendor, projection); see docker-compose.yml. Node 24 LTS runs it.

# --- build: install everything, compile to JavaScript, then keep production dependencies only ---
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN npm install --global pnpm@12.4.2
# The store is filled from the lockfile alone, so this layer is reused until the lockfile changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile \
 && pnpm build \
 && rm -rf node_modules packages/*/node_modules \
 && pnpm install --offline --frozen-lockfile --prod \
 && rm -rf bench examples postman scripts packages/*/src packages/sdk/dist/*.d.ts

# --- runtime: built code, production dependencies, no package manager, not root ---
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
RUN ln -s /app/packages/cli/bin/delivery /usr/local/bin/delivery
USER node
EXPOSE 3000
# Liveness of the API (/healthz); docker-compose.yml asks the API for readiness (/readyz) and turns the check
# off for the workers, which serve no HTTP.
HEALTHCHECK --interval=10s --timeout=3s --retries=6 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT ?? 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["delivery"]
CMD ["start", "api"]
