import type { Kafka } from 'kafkajs';
import { createKafka } from '../adapters/kafka/kafka-client';
import { createKafkaProducer } from '../adapters/kafka/kafka-producer';
import { defaultConnectorsDir, loadConnectors } from '../adapters/kafka/connectors';
import { ensureTopics } from '../adapters/kafka/topics';
import { createDocumentStore } from '../adapters/store/create-document-store';
import type { EngineDocumentStore } from '../adapters/store/http-document-store';
import { indexTemplates } from '../adapters/store/index-templates';
import type { Config } from '../config';
import type { MessageProducer } from '../core/ports/messaging';
import type { DocumentStore } from '../core/ports/store';
import { describeError, isAbortError } from '../errors';
import { redactSecrets, type Logger } from '../logger';
import { packageVersion } from '../version';
import type { ClosableLlm } from '../adapters/llm/create-llm';
import { startFeedbackStage } from './feedback';
import { createServeMetrics } from './http-metrics';
import { startServeHttp, type ServeHttp } from './serve-http';
import type { Stage } from '../stages/stage';
import { startAgentStage } from './agent-stage';
import type { ServeContext } from './serve-context';
import { startTriageStage } from './triage-stage';
import { untilReady } from './until-ready';

async function prepare(config: Config, kafka: Kafka, store: EngineDocumentStore, logger: Logger, signal: AbortSignal): Promise<void> {
  const connectors = loadConnectors(config.kafka.connectorsDir ?? defaultConnectorsDir());
  const elsewhere = connectors.filter((connector) => connector.topic !== config.kafka.topics.alerts);
  logger.info('connectors-loaded', { count: connectors.length, ids: connectors.map((connector) => connector.id) });
  if (elsewhere.length > 0) {
    logger.warn('connectors-other-topic', { topic: config.kafka.topics.alerts, ids: elsewhere.map((connector) => connector.id) });
  }
  await untilReady('index-templates', () => store.ensureTemplates(indexTemplates(config.store.indexPrefix), signal), logger, signal);
  const lifecycle = { prefix: config.store.indexPrefix, retentionDays: config.store.alertsRetentionDays };
  const retention = await untilReady('index-lifecycle', () => store.ensureLifecycle(lifecycle, signal), logger, signal);
  logger.info('index-lifecycle', { ...retention });
  if (config.kafka.createTopics) {
    const { topics, topicPartitions } = config.kafka;
    const names = [
      topics.alerts,
      topics.dlq,
      topics.incidentEvents,
      topics.incidentEventsDlq,
      topics.feedback,
      topics.feedbackDlq,
      ...(config.kafka.publishActions ? [topics.actions] : []),
    ];
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
export interface ServeOptions {
  /** The LLM to use instead of the configured one (tests: a scripted model). */
  readonly llm?: ClosableLlm;
  /** Told where the HTTP endpoint listens (IRA_HTTP_PORT=0 picks a free port). */
  readonly onListening?: (address: { host: string; port: number }) => void;
}

export async function runServe(config: Config, logger: Logger, signal: AbortSignal, options: ServeOptions = {}): Promise<void> {
  // One line with every setting as parsed, defaults included, secrets replaced by "[redacted]".
  logger.info('config-effective', { version: packageVersion(), config: redactSecrets(config) });
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
  const metrics = createServeMetrics();
  const stages: Stage[] = [];
  let producer: MessageProducer | undefined;
  let http: ServeHttp | undefined;
  try {
    // Listening first: /healthz answers (and /readyz says "starting") while Kafka or the store are still coming up.
    http = await startServeHttp(config, kafka, store, metrics, logger);
    options.onListening?.({ host: http.endpoint.host, port: http.endpoint.port });
    await prepare(config, kafka, store, logger, lifetime.signal);
    producer = await untilReady('producer', () => createKafkaProducer(kafka), logger, lifetime.signal);
    http.setProducer(producer);
    const context: ServeContext = {
      config,
      logger,
      kafka,
      producer,
      store: metrics.instrumentStore(store),
      signal: lifetime.signal,
      fail,
      metrics,
      llm: options.llm,
      onModelLoaded: () => http?.markModelLoaded(),
    };
    await startStages(context, stages);
    http.markStarted();
    await waitForAbort(lifetime.signal);
  } catch (error) {
    if (!isAbortError(error)) throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    await shutdown(stages, producer, store, logger);
    await http?.close().catch((error: unknown) => logger.error('http-close-failed', { error: describeError(error) }));
  }
  if (fatal) throw fatal;
}

async function startStages(context: ServeContext, stages: Stage[]): Promise<void> {
  const triage = await startTriageStage(context);
  stages.push(triage);
  context.metrics.attachTriage(triage.counters);
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
  const feedback = await startFeedbackStage(context);
  context.metrics.attachFeedback(feedback.counters);
  stages.push(feedback);
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
