import { createKafkaBatchConsumer } from '../adapters/kafka/kafka-batch-consumer';
import { indexNames } from '../core/ports/store';
import type { Stage } from '../stages/stage';
import type { TriageCounters } from '../stages/triage/counters';
import { hydrateFromStore } from '../stages/triage/hydrate';
import { createTriagePipeline } from '../stages/triage/triage-pipeline';
import type { ServeContext } from './serve-context';
import { untilReady } from './until-ready';

export interface TriageStage extends Stage {
  readonly counters: Readonly<TriageCounters>;
}

/** Stage 1: alerts topic → normalise → triage → ira-alerts / ira-incidents / incident events / DLQ. */
export async function startTriageStage(context: ServeContext): Promise<TriageStage> {
  const { config, logger, store, signal } = context;
  const indices = indexNames(config.store.indexPrefix);
  const hydrate = () => hydrateFromStore(store, indices.incidents, { ...config.triage.options, limit: config.triage.options.maxTrackedIncidents, nowMs: Date.now() }, logger, signal);
  const state = await untilReady('hydrate-triage', hydrate, logger, signal);
  const pipeline = createTriagePipeline({
    store,
    producer: context.producer,
    state,
    indices,
    topics: { dlq: config.kafka.topics.dlq, incidentEvents: config.kafka.topics.incidentEvents },
    deadLetterMaxBytes: config.kafka.deadLetterMaxBytes,
    chunkSize: config.triage.batchSize,
    logger: logger.child({ stage: 'triage' }),
    signal,
    rehydrate: hydrate,
  });
  const consumer = createKafkaBatchConsumer(
    context.kafka,
    {
      groupId: config.kafka.groups.triage,
      topic: config.kafka.topics.alerts,
      partitionsConsumedConcurrently: config.triage.concurrency,
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      onFatal: context.fail,
      onRebalance: () => pipeline.rebalanced(),
    },
    logger.child({ stage: 'triage', component: 'consumer' }),
  );
  await untilReady('triage-consumer', () => consumer.run(pipeline.handleBatch), logger, signal);
  logger.info('stage-started', { stage: 'triage', topic: config.kafka.topics.alerts, group: config.kafka.groups.triage });
  return { name: 'triage', counters: pipeline.counters, stop: () => consumer.stop() };
}

