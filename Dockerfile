# ira service image: `ira serve` (triage + agent stages). Build: docker build -t ira .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
RUN useradd --system --uid 10001 ira
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY mappings ./mappings
COPY prompts ./prompts
COPY connectors ./connectors
COPY datasets ./datasets
USER ira
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["serve"]
