# KGC Integration Layer: production image. `scripts/run-compiled.sh main` runs migrations, the Temporal worker and the API in
# one process (README "Run it"; `worker-main` / `api-main` run one role); configuration comes
# from the environment.

# Build: TypeScript to dist/ and the workflow bundle, with the dev dependencies (typescript).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY drizzle ./drizzle
COPY scripts/run-compiled.sh ./scripts/
# The workflow bundle built once with the code: workers start faster and smaller.
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
# run-compiled.sh caps the heap for a 256 MiB container unless NODE_OPTIONS is set.

USER node
ENV PORT=3000
EXPOSE 3000

HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# The worker drains on SIGTERM; run with an init (compose sets `init: true`) so signals reach it.
CMD ["sh", "scripts/run-compiled.sh", "main"]
