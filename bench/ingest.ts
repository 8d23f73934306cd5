/**
 * Ingest bench (`npm run bench:ingest`): the AIT-ADS attack window (18,252 real alerts) replayed until at least
 * IRA_BENCH_MESSAGES messages sit in a fresh topic, then, in the same process and on the same topic:
 *   1. stage 1 end to end (Kafka → normalise → triage → Elasticsearch bulk → commit), until every alert is indexed;
 *   2. a bare kafkajs consumer doing only JSON.parse, as the ceiling the broker and client allow here.
 * Prints alerts/s for both and the process RSS (peak, and at 25/50/75/100 % of the pipeline run).
 * Needs the real services (bash scripts/services.sh up kafka elasticsearch). Tunables: IRA_BENCH_MESSAGES (100000),
 * IRA_BENCH_PARTITIONS (3), and the usual IRA_* settings (IRA_INGEST_BATCH_SIZE, IRA_INGEST_CONCURRENCY, ...).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompressionTypes, type Kafka } from 'kafkajs';
import { createKafka } from '../src/adapters/kafka/kafka-client';
import { createKafkaProducer } from '../src/adapters/kafka/kafka-producer';
import { createDocumentStore } from '../src/adapters/store/create-document-store';
import { indexTemplates } from '../src/adapters/store/index-templates';
import { startTriageStage } from '../src/app/triage-stage';
import { loadConfig, type Config } from '../src/config';
import { indexNames } from '../src/core/ports/store';
import { parseAitAdsCsv } from '../src/core/sources/ait-csv';
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
  const stage = await startTriageStage({ config, logger, kafka, producer, store, signal: controller.signal, fail: (error) => controller.abort(error) });
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

async function main(): Promise<void> {
  const id = randomUUID().slice(0, 8);
  const topic = `bench-${id}.alerts`;
  const prefix = `bench-${id}`;
  const config = loadConfig({
    IRA_KAFKA_BROKERS: process.env.IRA_KAFKA_BROKERS ?? '127.0.0.1:29092',
    IRA_ES_NODE: process.env.IRA_ES_NODE ?? 'http://127.0.0.1:29200',
    ...Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('IRA_'))),
    IRA_TOPIC_ALERTS: topic,
    IRA_TOPIC_DLQ: `bench-${id}.dlq`,
    IRA_TOPIC_INCIDENT_EVENTS: `bench-${id}.events`,
    IRA_GROUP_TRIAGE: `bench-${id}-triage`,
    IRA_INDEX_PREFIX: prefix,
    IRA_KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
  });
  const kafka = createKafka(config.kafka, createJsonLogger({ level: 'error' }), 'error');
  const messages = aitMessages(MESSAGES);
  const produceMs = await produce(kafka, topic, messages);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [config.kafka.topics.dlq, config.kafka.topics.incidentEvents].map((t) => ({ topic: t, numPartitions: PARTITIONS })) });
  await admin.disconnect();

  const memory: MemoryTrace = { peak: 0, atQuarter: [] };
  const rssBefore = process.memoryUsage().rss;
  const run = await pipeline(config, messages.length, memory);
  const baselineMs = await baseline(kafka, topic, messages.length);

  // The engines' test distributions have no `GET /`; the nodes API has the version everywhere.
  const nodes = await fetch(`${config.store.node}/_nodes/_local?filter_path=nodes.*.version`).then(
    (response) => response.json() as Promise<{ nodes?: Record<string, { version?: string }> }>,
  );
  const engineVersion = Object.values(nodes.nodes ?? {})[0]?.version ?? '?';
  const rows: [string, string][] = [
    ['messages (AIT-ADS window replayed)', messages.length.toLocaleString('en-US')],
    ['partitions / batch size / concurrency', `${PARTITIONS} / ${config.triage.batchSize} / ${config.triage.concurrency}`],
    ['services', `Kafka ${config.kafka.brokers.join(',')}, ${config.store.flavor} ${engineVersion} at ${config.store.node}`],
    ['produce (acks=all, no compression)', `${(produceMs / 1000).toFixed(1)} s, ${rate(messages.length, produceMs)}`],
    ['stage 1 end to end (Kafka → ES, committed)', `${(run.ms / 1000).toFixed(1)} s, ${rate(messages.length, run.ms)}`],
    ['kafkajs consumer, JSON.parse only', `${(baselineMs / 1000).toFixed(1)} s, ${rate(messages.length, baselineMs)}`],
    ['indexed / duplicates / dlq', `${run.counters.indexed} / ${run.counters.duplicates} / ${run.counters.dlq}`],
    ['alerts in Elasticsearch after the run', String(run.counters.indexedInElasticsearch)],
    ['incident writes / events / commits / retries', `${run.counters.incidentsChanged} / ${run.counters.events} / ${run.counters.commits} / ${run.counters.retries}`],
    ['RSS before / peak', `${mib(rssBefore)} / ${mib(memory.peak)}`],
    ['RSS at 25 / 50 / 75 / 100 %', memory.atQuarter.map((value) => (value === undefined ? '?' : mib(value))).join(' / ')],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  process.stdout.write(`\ningest bench (${new Date().toISOString()})\n${rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n')}\n`);

  await cleanup(kafka, config, prefix);
  if (run.counters.indexedInElasticsearch !== messages.length) {
    throw new Error(`expected ${messages.length} alerts in Elasticsearch, found ${run.counters.indexedInElasticsearch}`);
  }
}

async function cleanup(kafka: Kafka, config: Config, prefix: string): Promise<void> {
  if (process.env.IRA_BENCH_KEEP === '1') return;
  const admin = kafka.admin();
  await admin.connect();
  const { topics } = config.kafka;
  await admin.deleteTopics({ topics: [topics.alerts, topics.dlq, topics.incidentEvents] }).catch(() => undefined);
  await admin.disconnect();
  const names = Object.values(indexNames(prefix));
  await fetch(`${config.store.node}/${names.join(',')}?ignore_unavailable=true`, { method: 'DELETE' });
  for (const name of names) await fetch(`${config.store.node}/_index_template/${name}`, { method: 'DELETE' });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
