import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { endpoints, engineInfo, type EngineInfo } from './helpers/services';

/**
 * Integration tests run against real services (scripts/services.sh starts them). A missing service fails the run
 * here, with the endpoint and the command to start it; it never turns into skipped tests.
 */
const START_HINT = 'start them with `bash scripts/services.sh up` (scripts/test.sh does this first)';

async function kafkaInfo(): Promise<string> {
  const admin = new Kafka({
    clientId: 'ira-it-setup',
    brokers: endpoints.kafkaBrokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 2 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return `${cluster.brokers.length} broker(s), cluster ${cluster.clusterId}`;
  } catch (error) {
    throw new Error(`Kafka is not reachable at ${endpoints.kafkaBrokers.join(',')}: ${String(error)}; ${START_HINT}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function engine(flavor: EngineInfo['flavor'], node: string): Promise<EngineInfo> {
  try {
    return await engineInfo(flavor, node);
  } catch (error) {
    throw new Error(`${flavor} is not reachable at ${node}: ${String(error)}; ${START_HINT}`);
  }
}

/**
 * OpenSearch is part of the suite wherever the project can install it (scripts/opensearch.sh exists); then it must
 * be up like the others. IRA_TEST_OPENSEARCH=0 leaves it out explicitly, and the log says so.
 */
function opensearchWanted(): { wanted: boolean; why: string } {
  if (process.env.IRA_TEST_OPENSEARCH === '0') return { wanted: false, why: 'IRA_TEST_OPENSEARCH=0' };
  const script = join(__dirname, '..', '..', 'scripts', 'opensearch.sh');
  if (!existsSync(script)) return { wanted: false, why: 'this checkout has no scripts/opensearch.sh' };
  return { wanted: true, why: 'scripts/opensearch.sh' };
}

/** The real model server and the real small model the LLM and end-to-end agent tests use. */
async function ollamaInfo(): Promise<string> {
  const host = process.env.IRA_TEST_OLLAMA_HOST ?? 'http://127.0.0.1:21434';
  const model = process.env.IRA_TEST_OLLAMA_MODEL ?? 'ira-smollm2:135m';
  let version: string;
  let models: string[];
  try {
    version = ((await (await fetch(`${host}/api/version`, { signal: AbortSignal.timeout(5000) })).json()) as { version: string }).version;
    const tags = (await (await fetch(`${host}/api/tags`, { signal: AbortSignal.timeout(5000) })).json()) as { models: { name: string }[] };
    models = tags.models.map((entry) => entry.name);
  } catch (error) {
    throw new Error(`Ollama is not reachable at ${host}: ${String(error)}; ${START_HINT}`);
  }
  if (!models.includes(model)) throw new Error(`Ollama at ${host} does not serve ${model}: run \`bash scripts/ollama.sh import-model\``);
  return `Ollama ${host}: version ${version}, model ${model}`;
}

export default async function globalSetup(): Promise<void> {
  const lines: string[] = [];
  lines.push(`Kafka ${endpoints.kafkaBrokers.join(',')}: ${await kafkaInfo()}`);
  const es = await engine('elasticsearch', endpoints.elasticsearch);
  lines.push(`Elasticsearch ${es.node}: version ${es.version} (${es.distribution})`);
  const opensearch = opensearchWanted();
  if (opensearch.wanted) {
    const os = await engine('opensearch', endpoints.opensearch);
    if (os.distribution !== 'opensearch') throw new Error(`${endpoints.opensearch} answers as Elasticsearch, not OpenSearch`);
    lines.push(`OpenSearch ${os.node}: version ${os.version}`);
    process.env.IRA_TEST_OPENSEARCH = '1';
  } else {
    lines.push(`OpenSearch: not part of this run (${opensearch.why})`);
    process.env.IRA_TEST_OPENSEARCH = '0';
  }
  lines.push(await ollamaInfo());
  process.stdout.write(`\nintegration services:\n  ${lines.join('\n  ')}\n`);
}
