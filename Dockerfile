# KGC Integration Layer: production image. `npm start` runs migrations, the Temporal worker
# and the API in one process (see service-api.md); configuration comes from the environment.
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Dependencies first, for layer caching. tsx (which `npm start` uses) is a runtime
# dependency, so dev dependencies (typescript, vitest, drizzle-kit) are left out. `npm install`, not
# `npm ci`: npm's optional-dependency bug leaves @swc/core's platform packages out of the lock file.
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .
# Bundle the workflow code once at build time: workers start faster and smaller (temporal-notes §1).
RUN npm run build:workflows -- /app/.build/workflows.js
ENV WORKFLOW_BUNDLE_PATH=/app/.build/workflows.js

USER node
ENV PORT=3000
EXPOSE 3000

HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# The worker drains on SIGTERM; run with an init (compose sets `init: true`) so signals reach it.
CMD ["npm", "start"]
