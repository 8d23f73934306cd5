import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from '../../logger';
import type { BatchHandler, InboundMessage, MessageConsumer } from '../../core/ports/messaging';
import { translateKafkaError } from './translate-error';

export interface KafkaBatchConsumerOptions {
  groupId: string;
  topic: string;
  /** Parallel partitions; triage state is shared, so handlers must not hold it across awaits. */
  partitionsConsumedConcurrently?: number;
  maxBytesPerPartition?: number;
  maxWaitTimeInMs?: number;
  sessionTimeoutMs?: number;
  /** The consumer died for good (kafkajs will not restart it): the process should stop. */
  onFatal?: (error: Error) => void;
  /** The group (re)assigned partitions to this member: state kept per partition may now be stale. */
  onRebalance?: () => void;
}

/**
 * kafkajs sends heartbeats only between batches; a handler that waits out a store outage would be evicted from the
 * group. This timer heartbeats meanwhile; when the group rebalances the heartbeat fails, and `lost()` tells the
 * handler to abandon its batch (the partition may already belong to another member).
 */
function startKeepAlive(payload: EachBatchPayload, logger: Logger): { stop: () => void; lost: () => boolean } {
  let lost = false;
  const timer = setInterval(() => {
    payload.heartbeat().catch((error: unknown) => {
      lost = true;
      logger.warn('kafka-heartbeat-failed', { error: error instanceof Error ? error.message : String(error) });
    });
  }, 2000);
  return { stop: () => clearInterval(timer), lost: () => lost };
}

async function commit(payload: EachBatchPayload, offset: string): Promise<void> {
  const { topic, partition } = payload.batch;
  payload.resolveOffset(offset);
  const next = (BigInt(offset) + 1n).toString();
  try {
    await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] });
  } catch (error) {
    throw translateKafkaError(error, `commit ${topic}/${partition}@${next}`);
  }
}

/**
 * A consumer group member that hands whole batches to the pipeline, with `autoCommit` off: offsets move only when
 * the handler calls `commit()` after its writes are acknowledged. Stop = `consumer.stop()` then `disconnect()`
 * (kafkajs has no AbortSignal); an in-flight batch sees `isRunning() === false` and is abandoned uncommitted.
 */
export function createKafkaBatchConsumer(kafka: Kafka, options: KafkaBatchConsumerOptions, logger: Logger): MessageConsumer {
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: options.sessionTimeoutMs ?? 30000,
    heartbeatInterval: 3000,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 4 * 1024 * 1024,
    maxWaitTimeInMs: options.maxWaitTimeInMs ?? 500,
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error('kafka-consumer-crash', { groupId: payload.groupId, restart: payload.restart, error: payload.error.message });
    if (!payload.restart) options.onFatal?.(payload.error);
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    logger.info('kafka-group-joined', { groupId: payload.groupId, memberId: payload.memberId, assignment: payload.memberAssignment });
    options.onRebalance?.();
  });

  const toBatchHandler = (handler: BatchHandler) => async (payload: EachBatchPayload) => {
    const { batch } = payload;
    if (!payload.isRunning() || payload.isStale() || batch.messages.length === 0) return;
    const messages: InboundMessage[] = batch.messages.map((message) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: message.offset,
      key: message.key,
      value: message.value,
      timestamp: message.timestamp,
    }));
    const keepAlive = startKeepAlive(payload, logger);
    try {
      await handler(
        { topic: batch.topic, partition: batch.partition, messages },
        {
          isRunning: () => payload.isRunning() && !payload.isStale() && !keepAlive.lost(),
          pause: () => payload.pause(),
          commit: (offset) => commit(payload, offset),
        },
      );
    } finally {
      keepAlive.stop();
    }
  };

  return {
    async run(handler) {
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
          eachBatch: toBatchHandler(handler),
        });
      } catch (error) {
        throw translateKafkaError(error, `consumer ${options.groupId} start`);
      }
    },
    async stop() {
      await consumer.stop();
      await consumer.disconnect();
    },
  };
}
