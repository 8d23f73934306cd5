/**
 * Ingest bench (`npm run bench:ingest [-- --engine elasticsearch|opensearch|both|opensearch,elasticsearch]`): the AIT-ADS attack window
 * (18,252 real alerts) replayed until at least IRA_BENCH_MESSAGES messages sit in a fresh topic, then, in the same
 * process and on the same topic, for each engine:
 *   1. stage 1 end to end (Kafka → normalise → triage → bulk → commit), until every alert is indexed;
 *   2. the sink's limit: the same alert documents (normalised and triaged beforehand, untimed) bulk-indexed straight
 *      into a fresh index with the same template, chunk size and concurrency, no Kafka; and the ratio of 1 to 2;
 * and once, a bare kafkajs consumer doing only JSON.parse, as the ceiling the broker and client allow here.
 * Prints alerts/s and the process RSS (peak, and at 25/50/75/100 % of the pipeline run).
 * Needs the real services (bash scripts/services.sh up kafka elasticsearch opensearch). Endpoints: IRA_ES_NODE
 * (http://127.0.0.1:29200) and IRA_BENCH_OPENSEARCH_NODE (http://127.0.0.1:29201). Tunables: IRA_BENCH_MESSAGES
 * (100000), IRA_BENCH_PARTITIONS (3), and the usual IRA_* settings (IRA_INGEST_BATCH_SIZE, IRA_INGEST_CONCURRENCY).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompressionTypes, type Kafka } from 'kafkajs';
import { createKafka } from '../src/adapters/kafka/kafka-client';
import { createKafkaProducer } from '../src/adapters/kafka/kafka-producer';
import { createDocumentStore } from '../src/adapters/store/create-document-store';
import { indexTemplates } from '../src/adapters/store/index-templates';
import { createServeMetrics } from '../src/app/http-metrics';
import { startTriageStage } from '../src/app/triage-stage';
import { loadConfig, type Config } from '../src/config';
import { normalizeAlert } from '../src/core/alert/normalize';
import type { NormalizedAlert } from '../src/core/alert/schema';
import { indexNames, type WriteOperation } from '../src/core/ports/store';
import { parseAitAdsCsv } from '../src/core/sources/ait-csv';
import { createTriageState, triageBatch } from '../src/core/triage';
import { alertWrites } from '../src/stages/triage/triage-writes';
import { createJsonLogger } from '../src/logger';

const MESSAGES = Number(process.env.IRA_BENCH_MESSAGES ?? 100_000);
const PARTITIONS = Number(process.env.IRA_BENCH_PARTITIONS ?? 3);
const CSV = join(__dirname, '..', 'test', 'fixtures', 'ait-ads', 'russellmitchell_attack_window.csv');

interface MemoryTrace {
  peak: number;
  atQuarter: (number | undefined)[];
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const rate = (count: number, ms: number): string => `${Math.round((count * 1000) / ms).toLocaleString('en-US')}/s`;

function aitMessages(minimum: number): string[] {
  const parsed = parseAitAdsCsv(readFileSync(CSV, 'utf8'));
  if (!parsed.ok) throw new Error(`AIT CSV line ${parsed.error.line}: ${parsed.error.message}`);
  const messages: string[] = [];
  for (let replica = 0; messages.length < minimum; replica++) {
    for (const alert of parsed.value.alerts) {
      messages.push(JSON.stringify({ ...alert, event: { id: `${alert.event.id}-r${replica}` } }));
    }
  }
  return messages;
}

async function produce(kafka: Kafka, topic: string, messages: readonly string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS }] });
  await admin.disconnect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const started = Date.now();
  for (let start = 0; start < messages.length; start += 5000) {
    const slice = messages.slice(start, start + 5000).map((value) => ({ value }));
    await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages: slice });
  }
  await producer.disconnect();
  return Date.now() - started;
}

async function baseline(kafka: Kafka, topic: string, total: number): Promise<number> {
  const consumer = kafka.consumer({ groupId: `${topic}-baseline`, maxBytesPerPartition: 4 * 1024 * 1024, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let parsed = 0;
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        partitionsConsumedConcurrently: PARTITIONS,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) if (message.value) JSON.parse(message.value.toString('utf8'));
          parsed += batch.messages.length;
          if (parsed >= total) resolve();
          return Promise.resolve();
        },
      })
      .catch(reject);
  });
  const elapsed = Date.now() - started;
  await consumer.stop();
  await consumer.disconnect();
  return elapsed;
}

async function pipeline(config: Config, total: number, memory: MemoryTrace): Promise<{ ms: number; counters: Record<string, number> }> {
  const logger = createJsonLogger({ level: 'warn' });
  const store = createDocumentStore(config.store, logger);
  const controller = new AbortController();
  await store.ensureTemplates(indexTemplates(config.store.indexPrefix), controller.signal);
  const kafka = createKafka(config.kafka, logger, 'warn');
  const producer = await createKafkaProducer(kafka);
  const started = Date.now();
  const stage = await startTriageStage({
    config,
    logger,
    kafka,
    producer,
    store,
    signal: controller.signal,
    fail: (error) => controller.abort(error),
    metrics: createServeMetrics(),
  });
  const counters = stage.counters;
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      const done = counters.indexed + counters.duplicates + counters.dlq;
      const rss = process.memoryUsage().rss;
      memory.peak = Math.max(memory.peak, rss);
      for (let quarter = 1; quarter <= 4; quarter++) {
        if (memory.atQuarter[quarter - 1] === undefined && done >= (total * quarter) / 4) memory.atQuarter[quarter - 1] = rss;
      }
      if (controller.signal.aborted) reject(controller.signal.reason as Error);
      if (done >= total && counters.commits > 0) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
  });
  const ms = Date.now() - started;
  await stage.stop();
  await producer.close();
  const indexed = await countIndexed(config, store, controller.signal);
  await store.close();
  return { ms, counters: { ...counters, indexedInElasticsearch: indexed } };
}

async function countIndexed(config: Config, store: ReturnType<typeof createDocumentStore>, signal: AbortSignal): Promise<number> {
  const index = indexNames(config.store.indexPrefix).alerts;
  await store.refresh(index, signal);
  return (await store.search({ index, size: 0 }, signal)).total;
}

type Engine = Config['store']['flavor'];

function enginesFromArguments(argv: readonly string[]): Engine[] {
  const at = argv.indexOf('--engine');
  const value = at >= 0 ? (argv[at + 1] ?? '') : 'elasticsearch';
  // `both` is Elasticsearch first; a list (`opensearch,elasticsearch`) sets the order, to see what warming up costs.
  const names = value === 'both' ? ['elasticsearch', 'opensearch'] : value.split(',');
  if (names.every((name): name is Engine => name === 'elasticsearch' || name === 'opensearch')) return names;
  throw new Error(`--engine must be elasticsearch, opensearch, both or a comma list of them, not ${value}`);
}

/** The alert documents stage 1 would write for these messages, computed once and untimed. */
function alertOperations(messages: readonly string[], index: string): WriteOperation[] {
  const alerts: NormalizedAlert[] = [];
  for (const message of messages) {
    const result = normalizeAlert(message);
    if (result.ok) alerts.push(result.value);
  }
  const triage = triageBatch(createTriageState({ windowMs: 60 * 60_000 }), alerts, Date.now());
  return alertWrites(triage.results, { alerts: index }, new Date().toISOString());
}

/** The sink's limit: the same documents bulk-indexed with `concurrency` writers of `chunkSize`, as stage 1 does. */
async function direct(config: Config, documents: readonly WriteOperation[]): Promise<{ ms: number; indexed: number }> {
  const store = createDocumentStore(config.store, createJsonLogger({ level: 'warn' }));
  const signal = new AbortController().signal;
  await store.ensureTemplates(indexTemplates(config.store.indexPrefix), signal);
  const index = indexNames(config.store.indexPrefix).alerts;
  const operations = documents.map((operation) => ({ ...operation, index }));
  let next = 0;
  let written = 0;
  const started = Date.now();
  const writer = async (): Promise<void> => {
    while (next < operations.length) {
      const chunk = operations.slice(next, next + config.triage.batchSize);
      next += chunk.length;
      const outcomes = await store.bulk(chunk, signal);
      written += outcomes.filter((outcome) => outcome.status === 'written').length;
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.triage.concurrency, PARTITIONS) }, writer));
  const ms = Date.now() - started;
  await store.close();
  return { ms, indexed: written };
}

function engineConfig(engine: Engine, id: string, run: string): Config {
  const node =
    engine === 'opensearch'
      ? (process.env.IRA_BENCH_OPENSEARCH_NODE ?? 'http://127.0.0.1:29201')
      : (process.env.IRA_ES_NODE ?? 'http://127.0.0.1:29200');
  return loadConfig({
    IRA_KAFKA_BROKERS: process.env.IRA_KAFKA_BROKERS ?? '127.0.0.1:29092',
    ...Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('IRA_'))),
    IRA_STORE_FLAVOR: engine,
    IRA_ES_NODE: node,
    IRA_TOPIC_ALERTS: `bench-${id}.alerts`,
    IRA_TOPIC_DLQ: `bench-${id}.dlq`,
    IRA_TOPIC_INCIDENT_EVENTS: `bench-${id}.events`,
    IRA_GROUP_TRIAGE: `bench-${id}-${run}-triage`,
    IRA_INDEX_PREFIX: `bench-${id}-${run}`,
    IRA_KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
  });
}

async function engineVersion(node: string): Promise<string> {
  // The engines' test distributions have no `GET /` (Elasticsearch); the nodes API has the version everywhere.
  const nodes = await fetch(`${node}/_nodes/_local?filter_path=nodes.*.version`).then(
    (response) => response.json() as Promise<{ nodes?: Record<string, { version?: string }> }>,
  );
  return Object.values(nodes.nodes ?? {})[0]?.version ?? '?';
}

async function benchEngine(engine: Engine, id: string, messages: readonly string[], rows: [string, string][]): Promise<string[]> {
  const config = engineConfig(engine, id, `${engine}-e2e`);
  const directConfig = engineConfig(engine, id, `${engine}-direct`);
  const memory: MemoryTrace = { peak: 0, atQuarter: [] };
  const rssBefore = process.memoryUsage().rss;
  const run = await pipeline(config, messages.length, memory);
  const documents = alertOperations(messages, 'unused');
  const sink = await direct(directConfig, documents);
  const e2eRate = (messages.length * 1000) / run.ms;
  const directRate = (documents.length * 1000) / sink.ms;
  const name = `${engine} ${await engineVersion(config.store.node)}`;
  rows.push(
    [`${name} at`, config.store.node],
    [`  stage 1 end to end (Kafka → ${engine}, committed)`, `${(run.ms / 1000).toFixed(1)} s, ${rate(messages.length, run.ms)}`],
    [`  direct bulk, no Kafka (the sink's limit)`, `${(sink.ms / 1000).toFixed(1)} s, ${rate(documents.length, sink.ms)} (${sink.indexed} written)`],
    [`  end to end / direct`, (e2eRate / directRate).toFixed(2)],
    ['  indexed / duplicates / dlq', `${run.counters.indexed} / ${run.counters.duplicates} / ${run.counters.dlq}`],
    [`  alerts in ${engine} after the run`, String(run.counters.indexedInElasticsearch)],
    ['  incident writes / events / commits / retries', `${run.counters.incidentsChanged} / ${run.counters.events} / ${run.counters.commits} / ${run.counters.retries}`],
    ['  RSS before / peak', `${mib(rssBefore)} / ${mib(memory.peak)}`],
    ['  RSS at 25 / 50 / 75 / 100 %', memory.atQuarter.map((value) => (value === undefined ? '?' : mib(value))).join(' / ')],
  );
  const problems: string[] = [];
  if (run.counters.indexedInElasticsearch !== messages.length) {
    problems.push(`${engine}: expected ${messages.length} alerts after the pipeline run, found ${run.counters.indexedInElasticsearch}`);
  }
  if (sink.indexed !== documents.length) problems.push(`${engine}: direct bulk wrote ${sink.indexed} of ${documents.length}`);
  await cleanupIndices(config);
  await cleanupIndices(directConfig);
  return problems;
}

async function main(): Promise<void> {
  const engines = enginesFromArguments(process.argv.slice(2));
  const id = randomUUID().slice(0, 8);
  const config = engineConfig(engines[0] as Engine, id, 'produce');
  const kafka = createKafka(config.kafka, createJsonLogger({ level: 'error' }), 'error');
  const messages = aitMessages(MESSAGES);
  const produceMs = await produce(kafka, config.kafka.topics.alerts, messages);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [config.kafka.topics.dlq, config.kafka.topics.incidentEvents].map((t) => ({ topic: t, numPartitions: PARTITIONS })) });
  await admin.disconnect();

  const rows: [string, string][] = [
    ['messages (AIT-ADS window replayed)', messages.length.toLocaleString('en-US')],
    ['partitions / batch size / concurrency', `${PARTITIONS} / ${config.triage.batchSize} / ${config.triage.concurrency}`],
    ['Kafka', config.kafka.brokers.join(',')],
    ['produce (acks=all, no compression)', `${(produceMs / 1000).toFixed(1)} s, ${rate(messages.length, produceMs)}`],
  ];
  const problems: string[] = [];
  for (const engine of engines) problems.push(...(await benchEngine(engine, id, messages, rows)));
  const baselineMs = await baseline(kafka, config.kafka.topics.alerts, messages.length);
  rows.push(['kafkajs consumer, JSON.parse only', `${(baselineMs / 1000).toFixed(1)} s, ${rate(messages.length, baselineMs)}`]);

  const width = Math.max(...rows.map(([label]) => label.length));
  process.stdout.write(`\ningest bench (${new Date().toISOString()})\n${rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n')}\n`);

  await cleanupTopics(kafka, config);
  if (problems.length > 0) throw new Error(problems.join('; '));
}

async function cleanupTopics(kafka: Kafka, config: Config): Promise<void> {
  if (process.env.IRA_BENCH_KEEP === '1') return;
  const admin = kafka.admin();
  await admin.connect();
  const { topics } = config.kafka;
  await admin.deleteTopics({ topics: [topics.alerts, topics.dlq, topics.incidentEvents] }).catch(() => undefined);
  await admin.disconnect();
}

async function cleanupIndices(config: Config): Promise<void> {
  if (process.env.IRA_BENCH_KEEP === '1') return;
  const names = Object.values(indexNames(config.store.indexPrefix));
  await fetch(`${config.store.node}/${names.join(',')}?ignore_unavailable=true`, { method: 'DELETE' });
  for (const name of names) await fetch(`${config.store.node}/_index_template/${name}`, { method: 'DELETE' });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
