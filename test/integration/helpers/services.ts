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

/** `GET /` of an engine: its version and distribution, or a clear error naming the endpoint. */
export async function engineInfo(flavor: EngineInfo['flavor'], node: string): Promise<EngineInfo> {
  const response = await fetch(node, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${flavor} at ${node} answered HTTP ${response.status}`);
  const body = (await response.json()) as { version?: { number?: string; distribution?: string } };
  return { flavor, node, version: body.version?.number ?? '?', distribution: body.version?.distribution ?? 'elasticsearch' };
}

/** A Config for one test: the real endpoints plus the test's own topics, group and index prefix. */
export function testConfig(settings: Record<string, string>): Config {
  return loadConfig({
    IRA_KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    IRA_ES_NODE: endpoints.elasticsearch,
    IRA_LOG_LEVEL: 'warn',
    ...settings,
  });
}
