# The PeakOps server, compiled (`npm run build`) and run with plain node, without dev dependencies.
# Start it against PostgreSQL (DATABASE_URL) or the embedded PGlite in /app/data (mount a volume there).
# It never loads the demo unless asked: DEMO=true. See docs/OPERATIONS.md.

# Build: the server to JavaScript (tsc) and the war-room screen (Vite, gql.tada) with the dev toolchain.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY server/scripts/patch-postgres-driver.mjs ./server/scripts/
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY schema ./schema
COPY server ./server
COPY client ./client
RUN npm run build

# Runtime: production dependencies, the compiled server, the built screen and the migrations — no sources.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# npm ci's postinstall mends the PostgreSQL driver (see the script).
COPY server/scripts/patch-postgres-driver.mjs ./server/scripts/
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/client/dist ./client/dist
COPY migrations ./migrations
# The embedded database's default DATA_DIR (./data), writable by the unprivileged user.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME /app/data
USER node
EXPOSE 4000
# Ready = the database answers and no background loop has stopped. Slim has no curl: node's fetch.
# The start period covers a first boot on PGlite (initdb) and migrations.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is PID 1, so SIGTERM (docker stop) reaches the server's graceful shutdown. Node's flags,
# if any, are start:prod's (package.json; main.prod.test.ts checks they agree).
CMD ["node", "dist/server/main.js"]
