# SLA Ledger service image. Production runs against a normal Postgres (DATABASE_URL);
# the embedded Postgres is only used when DATABASE_URL is unset.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
COPY bench bench
COPY migrations migrations
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/migrations migrations
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# A bounded V8 heap: without it V8 lets garbage pile up to twice the process's working set (docs/operations.md, Memory).
CMD ["node", "--max-old-space-size=192", "dist/apps/api/src/main.js"]
