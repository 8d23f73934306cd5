import { Kafka, logLevel, type Producer } from 'kafkajs';
import { endpoints } from './services';
import type { TestScope } from './scope';

export function testKafka(clientId = 'ira-it'): Kafka {
  return new Kafka({ clientId, brokers: endpoints.kafkaBrokers, logLevel: logLevel.ERROR });
}

export async function createTopics(kafka: Kafka, topics: readonly string[], numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions })) });
  } finally {
    await admin.disconnect();
  }
}

/** A connected plain producer (acks=all), disconnected by the scope's cleanup. */
export async function testProducer(kafka: Kafka, scope: TestScope): Promise<Producer> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  scope.track(() => producer.disconnect());
  return producer;
}

export interface Produced {
  key: string | null;
  value: Buffer | string | null;
}

/** Produces in slices so a large fixture set does not make one huge request. */
export async function produceAll(producer: Producer, topic: string, messages: readonly Produced[]): Promise<void> {
  for (let start = 0; start < messages.length; start += 1000) {
    await producer.send({ topic, acks: -1, messages: messages.slice(start, start + 1000).map((m) => ({ key: m.key, value: m.value })) });
  }
}

export interface Consumed {
  key: string | null;
  value: Buffer;
  partition: number;
  headers: Record<string, string>;
}

/**
 * Starts a throw-away consumer that collects everything on `topic` from the beginning. Read `messages` inside a
 * waitFor; the scope stops it.
 */
export async function collectTopic(kafka: Kafka, scope: TestScope, topic: string): Promise<{ messages: Consumed[] }> {
  const collected: { messages: Consumed[] } = { messages: [] };
  const consumer = kafka.consumer({ groupId: scope.group(`collect-${topic.slice(-24)}`), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
      collected.messages.push({ key: message.key?.toString() ?? null, value: message.value ?? Buffer.alloc(0), partition, headers });
      return Promise.resolve();
    },
  });
  scope.track(async () => {
    await consumer.stop();
    await consumer.disconnect();
  });
  return collected;
}

/** Sum over partitions of the group's committed offsets (what it will not read again) and of the topic's ends. */
export async function groupProgress(kafka: Kafka, group: string, topic: string): Promise<{ committed: number; end: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    const committed = (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    const end = ends.reduce((sum, p) => sum + Number(p.high), 0);
    return { committed, end };
  } finally {
    await admin.disconnect();
  }
}
