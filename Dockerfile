# The PeakOps server. TypeScript runs through tsx, as in development, so the image is the repo as tested.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY tsconfig.json ./
COPY server ./server
COPY client ./client
COPY migrations ./migrations
COPY schema ./schema
EXPOSE 4000
USER node
# --demo loads the demo data into an empty database; drop it to start empty.
CMD ["node", "--import", "tsx", "server/src/main.ts", "--demo"]
