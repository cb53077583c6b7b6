# One image for the three apps and the console; docker-compose.yml picks the app with APP.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc turbo.json tsconfig.base.json ./
COPY packages ./packages
COPY apps ./apps
RUN npm ci && npx turbo run build --filter='./apps/*' && npm prune --omit=dev

FROM node:24-bookworm-slim
ARG APP
ENV APP=${APP} NODE_ENV=production HTTP_HOST=0.0.0.0
WORKDIR /payhook
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/packages ./packages
COPY --from=build /src/apps ./apps
COPY --from=build /src/package.json ./
USER node
CMD ["sh", "-c", "exec node apps/$APP/dist/main.js"]
