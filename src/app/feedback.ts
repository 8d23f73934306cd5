import { randomUUID } from 'node:crypto';
import { createKafkaBatchConsumer } from '../adapters/kafka/kafka-batch-consumer';
import { createKafka } from '../adapters/kafka/kafka-client';
import { createKafkaProducer } from '../adapters/kafka/kafka-producer';
import type { Config } from '../config';
import { FeedbackMessage } from '../core/documents/feedback';
import type { OutboundMessage } from '../core/ports/messaging';
import { indexNames } from '../core/ports/store';
import { ErrorCodes, IraError } from '../errors';
import type { Logger } from '../logger';
import { createFeedbackHandler, type FeedbackCounters } from '../stages/feedback/feedback-handler';
import type { Stage } from '../stages/stage';
import type { ServeContext } from './serve-context';
import { untilReady } from './until-ready';

export interface FeedbackStage extends Stage {
  readonly counters: Readonly<FeedbackCounters>;
}

/**
 * A feedback message as the CLI and the HTTP endpoint send it: validated, with a fresh `feedback_id`, the report
 * time and where it came from filled in when the caller left them out. Throws IraError(configInvalid) with the
 * schema's issues when `input` is not a feedback message.
 */
export function completeFeedback(input: unknown, source: string, now: Date = new Date()): FeedbackMessage {
  const parsed = FeedbackMessage.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`);
    throw new IraError(ErrorCodes.configInvalid, `invalid feedback: ${issues.join('; ')}`, { details: { issues } });
  }
  return { source, feedback_id: randomUUID(), reported_at: now.toISOString(), ...parsed.data };
}

/** The `ira.feedback` record: keyed by recommendation id, so one recommendation's reports stay in order. */
export function feedbackRecord(message: FeedbackMessage): OutboundMessage {
  return { key: message.recommendation_id, value: JSON.stringify(message) };
}

/** `ira feedback`: one message to the feedback topic, acknowledged by the broker, then the client is closed. */
export async function produceFeedback(config: Config, message: FeedbackMessage, logger: Logger, signal: AbortSignal): Promise<{ topic: string }> {
  const kafka = createKafka(config.kafka, logger, config.logLevel);
  const producer = await createKafkaProducer(kafka);
  try {
    await producer.send(config.kafka.topics.feedback, [feedbackRecord(message)], signal);
  } finally {
    await producer.close();
  }
  return { topic: config.kafka.topics.feedback };
}

/** Stage 3 of `ira serve`: the feedback consumer group on `ira.feedback` (src/stages/feedback/). */
export async function startFeedbackStage(context: ServeContext): Promise<FeedbackStage> {
  const { config, signal } = context;
  const log = context.logger.child({ stage: 'feedback' });
  const handler = createFeedbackHandler({
    store: context.store,
    producer: context.producer,
    indices: indexNames(config.store.indexPrefix),
    topics: { dlq: config.kafka.topics.feedbackDlq, incidentEvents: config.kafka.topics.incidentEvents },
    logger: log,
    signal,
    now: () => new Date(),
  });
  const consumer = createKafkaBatchConsumer(
    context.kafka,
    {
      groupId: config.kafka.groups.feedback,
      topic: config.kafka.topics.feedback,
      partitionsConsumedConcurrently: 1,
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      onFatal: context.fail,
    },
    log.child({ component: 'consumer' }),
  );
  await untilReady('feedback-consumer', () => consumer.run(handler.handleBatch), log, signal);
  log.info('stage-started', { topic: config.kafka.topics.feedback, group: config.kafka.groups.feedback });
  return { name: 'feedback', counters: handler.counters, stop: () => consumer.stop() };
}
