import type { Kafka } from 'kafkajs';
import { translateKafkaError } from './translate-error';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  configEntries?: { name: string; value: string }[];
}

/** Creates the topics that are missing (existing ones are left as they are); used by `ira setup`, tests and bench. */
export async function ensureTopics(kafka: Kafka, topics: readonly TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((spec) => !existing.has(spec.topic));
    if (missing.length > 0) {
      await admin.createTopics({ waitForLeaders: true, topics: missing.map((spec) => ({ ...spec })) });
    }
  } catch (error) {
    throw translateKafkaError(error, 'create topics');
  } finally {
    await admin.disconnect();
  }
}
