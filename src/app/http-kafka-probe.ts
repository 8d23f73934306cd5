import type { Admin, Kafka } from 'kafkajs';
import { ErrorCodes, IraError } from '../errors';
import type { PartitionLag } from './http-metrics';

/** Rejects after `ms` (kafkajs' admin calls take no signal and can wait out long broker retries). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IraError(ErrorCodes.kafkaUnavailable, `${what}: no answer within ${ms} ms`, { retryable: true })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One kafkajs admin client for `/readyz` (the cluster answers) and `/metrics` (consumer lag per group and
 * partition), connected on first use and reconnected after a failure.
 */
export function createKafkaProbe(kafka: Kafka, timeoutMs: number) {
  let admin: Admin | undefined;
  const connected = async (): Promise<Admin> => {
    if (admin) return admin;
    const created = kafka.admin({ retry: { retries: 0 } });
    await within(created.connect(), timeoutMs, 'kafka admin connect');
    admin = created;
    return created;
  };
  const guarded = async <T>(what: string, call: (client: Admin) => Promise<T>): Promise<T> => {
    try {
      return await within(connected().then(call), timeoutMs, what);
    } catch (error) {
      const stale = admin;
      admin = undefined;
      await stale?.disconnect().catch(() => undefined);
      throw error;
    }
  };
  return {
    check: async (): Promise<void> => {
      const cluster = await guarded('kafka describe cluster', (client) => client.describeCluster());
      if (cluster.brokers.length === 0) throw new IraError(ErrorCodes.kafkaUnavailable, 'the cluster lists no broker', { retryable: true });
    },
    lag: (groups: readonly { group: string; topic: string }[]): Promise<PartitionLag[]> =>
      guarded('kafka consumer lag', async (client) => {
        const lags: PartitionLag[] = [];
        for (const { group, topic } of groups) {
          const [ends, committed] = await Promise.all([client.fetchTopicOffsets(topic), client.fetchOffsets({ groupId: group, topics: [topic] })]);
          const byPartition = new Map((committed[0]?.partitions ?? []).map((item) => [item.partition, Number(item.offset)]));
          for (const end of ends) {
            const high = Number(end.high);
            const done = byPartition.get(end.partition) ?? -1;
            // No commit yet: everything from the low watermark on is still to do.
            lags.push({ group, topic, partition: end.partition, lag: Math.max(0, high - (done < 0 ? Number(end.low) : done)) });
          }
        }
        return lags;
      }),
    close: async (): Promise<void> => {
      await admin?.disconnect().catch(() => undefined);
      admin = undefined;
    },
  };
}
