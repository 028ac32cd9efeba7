# The PeakOps server. TypeScript runs through tsx, as in development, so the image is the repo as tested.

# The war-room screen is built with the dev toolchain (Vite, gql.tada) and only its output is kept.
FROM node:20-bookworm-slim AS client
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY schema ./schema
COPY client ./client
RUN npm run build:client

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY tsconfig.json ./
COPY server ./server
COPY --from=client /app/client/dist ./client/dist
COPY migrations ./migrations
COPY schema ./schema
EXPOSE 4000
USER node
# --demo loads the demo data into an empty database; drop it to start empty.
CMD ["node", "--import", "tsx", "server/src/main.ts", "--demo"]
