import type { Kafka } from 'kafkajs';
import { createKafka } from '../adapters/kafka/kafka-client';
import { createKafkaBatchConsumer } from '../adapters/kafka/kafka-batch-consumer';
import { createKafkaProducer } from '../adapters/kafka/kafka-producer';
import { defaultConnectorsDir, loadConnectors } from '../adapters/kafka/connectors';
import { ensureTopics } from '../adapters/kafka/topics';
import { createDocumentStore } from '../adapters/store/create-document-store';
import { indexTemplates } from '../adapters/store/index-templates';
import { sleep } from '../adapters/retry';
import type { Config } from '../config';
import { indexNames, type DocumentStore } from '../core/ports/store';
import { DEFAULT_TRIAGE_OPTIONS } from '../core/triage';
import { describeError, isAbortError, isRetryable } from '../errors';
import type { Logger } from '../logger';
import type { TriageCounters } from '../pipeline/counters';
import { hydrateFromStore } from '../pipeline/hydrate';
import type { MessageProducer } from '../pipeline/ports';
import { createTriagePipeline } from '../pipeline/triage-pipeline';
import { startAgentStage } from '../agent-pipeline/agent-stage';

/** A running stage of `ira serve`: stopped in reverse order of start on shutdown. */
export interface Stage {
  readonly name: string;
  stop(): Promise<void>;
}

/** What the stages share: one Kafka client, one producer, one store. */
export interface ServeContext {
  config: Config;
  logger: Logger;
  kafka: Kafka;
  producer: MessageProducer;
  store: DocumentStore;
  /** Aborted on shutdown (or when a consumer dies for good). */
  signal: AbortSignal;
  fail: (error: Error) => void;
}

/** Retries a startup step while its failure is retryable (the store or Kafka still starting), until aborted. */
async function untilReady<T>(what: string, step: () => Promise<T>, logger: Logger, signal: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!isRetryable(error) || signal.aborted) throw error;
      const delayMs = Math.min(10000, 500 * 2 ** (attempt - 1));
      logger.warn('startup-retry', { step: what, attempt, delayMs, error: describeError(error) });
      await sleep(delayMs, signal);
    }
  }
}

export interface TriageStage extends Stage {
  readonly counters: Readonly<TriageCounters>;
}

/** Stage 1: alerts topic → normalise → triage → ira-alerts / ira-incidents / incident events / DLQ. */
export async function startTriageStage(context: ServeContext): Promise<TriageStage> {
  const { config, logger, store, signal } = context;
  const indices = indexNames(config.store.indexPrefix);
  const windowMs = config.triage.windowMinutes * 60_000;
  const state = await untilReady(
    'hydrate-triage',
    () => hydrateFromStore(store, indices.incidents, { windowMs, limit: DEFAULT_TRIAGE_OPTIONS.maxTrackedIncidents }, logger, signal),
    logger,
    signal,
  );
  const pipeline = createTriagePipeline({
    store,
    producer: context.producer,
    state,
    indices,
    topics: { dlq: config.kafka.topics.dlq, incidentEvents: config.kafka.topics.incidentEvents },
    chunkSize: config.triage.batchSize,
    logger: logger.child({ stage: 'triage' }),
    signal,
  });
  const consumer = createKafkaBatchConsumer(
    context.kafka,
    {
      groupId: config.kafka.groups.triage,
      topic: config.kafka.topics.alerts,
      partitionsConsumedConcurrently: config.triage.concurrency,
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      onFatal: context.fail,
    },
    logger.child({ stage: 'triage', component: 'consumer' }),
  );
  await untilReady('triage-consumer', () => consumer.run(pipeline.handleBatch), logger, signal);
  logger.info('stage-started', { stage: 'triage', topic: config.kafka.topics.alerts, group: config.kafka.groups.triage });
  return { name: 'triage', counters: pipeline.counters, stop: () => consumer.stop() };
}

async function prepare(config: Config, kafka: Kafka, store: DocumentStore, logger: Logger, signal: AbortSignal): Promise<void> {
  const connectors = loadConnectors(config.kafka.connectorsDir ?? defaultConnectorsDir());
  const elsewhere = connectors.filter((connector) => connector.topic !== config.kafka.topics.alerts);
  logger.info('connectors-loaded', { count: connectors.length, ids: connectors.map((connector) => connector.id) });
  if (elsewhere.length > 0) {
    logger.warn('connectors-other-topic', { topic: config.kafka.topics.alerts, ids: elsewhere.map((connector) => connector.id) });
  }
  await untilReady('index-templates', () => store.ensureTemplates(indexTemplates(config.store.indexPrefix), signal), logger, signal);
  if (config.kafka.createTopics) {
    const { topics, topicPartitions } = config.kafka;
    const names = [topics.alerts, topics.dlq, topics.incidentEvents, ...(config.kafka.publishActions ? [topics.actions] : [])];
    const specs = names.map((topic) => ({ topic, numPartitions: topicPartitions }));
    await untilReady('topics', () => ensureTopics(kafka, specs), logger, signal);
  }
}

/**
 * Composition root of `ira serve`. Runs until `signal` aborts (the CLI's main aborts it on SIGTERM/SIGINT), then
 * stops the consumers (in-flight batches are abandoned uncommitted) and closes the clients.
 * Extension point: stage 2 (the agent consumer on `ira.incident-events`) is started beside stage 1 in
 * `startStages`, from the same ServeContext.
 */
export async function runServe(config: Config, logger: Logger, signal: AbortSignal): Promise<void> {
  const lifetime = new AbortController();
  const onAbort = (): void => lifetime.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) lifetime.abort(signal.reason);
  let fatal: Error | undefined;
  const fail = (error: Error): void => {
    fatal = error;
    lifetime.abort(error);
  };
  const store = createDocumentStore(config.store, logger);
  const kafka = createKafka(config.kafka, logger, config.logLevel);
  const stages: Stage[] = [];
  let producer: MessageProducer | undefined;
  try {
    await prepare(config, kafka, store, logger, lifetime.signal);
    producer = await untilReady('producer', () => createKafkaProducer(kafka), logger, lifetime.signal);
    const context: ServeContext = { config, logger, kafka, producer, store, signal: lifetime.signal, fail };
    await startStages(context, stages);
    await waitForAbort(lifetime.signal);
  } catch (error) {
    if (!isAbortError(error)) throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    await shutdown(stages, producer, store, logger);
  }
  if (fatal) throw fatal;
}

async function startStages(context: ServeContext, stages: Stage[]): Promise<void> {
  const triage = await startTriageStage(context);
  stages.push(triage);
  const timer = setInterval(() => context.logger.info('triage-stats', { ...triage.counters }), 60_000);
  timer.unref();
  stages.push({
    name: 'stats',
    stop: () => {
      clearInterval(timer);
      context.logger.info('triage-stats', { ...triage.counters, final: true });
      return Promise.resolve();
    },
  });
  if (context.config.agent.enabled) stages.push(await startAgentStage(context));
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

async function shutdown(stages: Stage[], producer: MessageProducer | undefined, store: DocumentStore, logger: Logger): Promise<void> {
  for (const stage of [...stages].reverse()) {
    try {
      await stage.stop();
      logger.info('stage-stopped', { stage: stage.name });
    } catch (error) {
      logger.error('stage-stop-failed', { stage: stage.name, error: describeError(error) });
    }
  }
  await producer?.close().catch((error: unknown) => logger.error('producer-close-failed', { error: describeError(error) }));
  await store.close().catch((error: unknown) => logger.error('store-close-failed', { error: describeError(error) }));
}
