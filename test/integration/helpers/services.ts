import { loadConfig, type Config } from '../../../src/config';

/** The real services the integration tests use (started by scripts/services.sh); overridable for CI elsewhere. */
export const endpoints = {
  kafkaBrokers: (process.env.IRA_TEST_KAFKA_BROKERS ?? '127.0.0.1:29092').split(','),
  elasticsearch: process.env.IRA_TEST_ES_NODE ?? 'http://127.0.0.1:29200',
  opensearch: process.env.IRA_TEST_OPENSEARCH_NODE ?? 'http://127.0.0.1:29201',
};

/** Where OpenSearch is expected; `global-setup.ts` fails the run when it is expected and not up. */
export function opensearchExpected(): boolean {
  return process.env.IRA_TEST_OPENSEARCH !== '0';
}

export interface EngineInfo {
  flavor: 'elasticsearch' | 'opensearch';
  node: string;
  version: string;
  distribution: string;
}

/**
 * An engine's version from `GET /_nodes/_local` (the test distributions have no `GET /` handler), and whether it
 * calls itself Elasticsearch (the `X-elastic-product` header every Elasticsearch 8 response carries).
 */
export async function engineInfo(flavor: EngineInfo['flavor'], node: string): Promise<EngineInfo> {
  const response = await fetch(`${node}/_nodes/_local?filter_path=nodes.*.version`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${flavor} at ${node} answered HTTP ${response.status}`);
  const body = (await response.json()) as { nodes?: Record<string, { version?: string }> };
  const version = Object.values(body.nodes ?? {})[0]?.version ?? '?';
  const distribution = response.headers.get('x-elastic-product') === 'Elasticsearch' ? 'elasticsearch' : 'opensearch';
  return { flavor, node, version, distribution };
}

/** A Config for one test: the real endpoints plus the test's own topics, group and index prefix. */
export function testConfig(settings: Record<string, string>): Config {
  return loadConfig({
    IRA_KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    IRA_ES_NODE: endpoints.elasticsearch,
    IRA_LOG_LEVEL: 'warn',
    // These tests are about stage 1; stage 2 (the agent, with a real LLM) has its own tests.
    IRA_AGENT_ENABLED: 'false',
    // Tests run side by side: each serve's HTTP endpoint takes a free port (logged as http-listening).
    IRA_HTTP_PORT: '0',
    ...settings,
  });
}
