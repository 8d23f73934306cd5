import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { agentQueueIndex, indexNames, type IndexNames } from '../../../src/core/ports/store';
import { endpoints } from './services';

/**
 * One test's private corner of the shared services: topics, groups and an index prefix named from a random UUID,
 * and everything it registers is removed by `cleanup()` (call it in afterEach/afterAll).
 */
export interface TestScope {
  readonly id: string;
  readonly prefix: string;
  readonly indices: IndexNames;
  topic(name: string): string;
  group(name: string): string;
  /** Registers a cleanup step (closing a client, stopping a process); run in reverse order. */
  track(cleanup: () => unknown): void;
  cleanup(): Promise<void>;
}

export function createScope(label: string, engineNodes: readonly string[] = [endpoints.elasticsearch]): TestScope {
  const id = randomUUID().slice(0, 8);
  const prefix = `it-${label}-${id}`;
  const topics = new Set<string>();
  const groups = new Set<string>();
  const steps: (() => unknown)[] = [];
  const indices = indexNames(prefix);
  return {
    id,
    prefix,
    indices,
    topic: (name) => {
      const topic = `${prefix}.${name}`;
      topics.add(topic);
      return topic;
    },
    group: (name) => {
      const group = `${prefix}-${name}`;
      groups.add(group);
      return group;
    },
    track: (cleanup) => void steps.push(cleanup),
    async cleanup() {
      for (const step of steps.reverse()) await Promise.resolve(step()).catch(() => undefined);
      steps.length = 0;
      await deleteKafkaResources([...topics], [...groups]);
      for (const node of engineNodes) await deleteEngineResources(node, indices, prefix);
    },
  };
}

async function deleteKafkaResources(topics: string[], groups: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'ira-it-cleanup', brokers: endpoints.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((topic) => existing.has(topic));
    if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 10000 }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Indices and templates by exact name: Elasticsearch 8 refuses wildcard deletes by default. Besides the four
 * indices: the alerts alias's first backing index and its lifecycle template (serve's retention set-up), and
 * stage 2's work list. The backing index goes first, in a request of its own, taking the alias with it.
 */
async function deleteEngineResources(node: string, indices: IndexNames, prefix: string): Promise<void> {
  await fetch(`${node}/${indices.alerts}-000001?ignore_unavailable=true`, { method: 'DELETE' }).catch(() => undefined);
  const names = [...Object.values(indices), agentQueueIndex(prefix)];
  await fetch(`${node}/${names.join(',')}?ignore_unavailable=true`, { method: 'DELETE' }).catch(() => undefined);
  for (const name of [...names, `${indices.alerts}-lifecycle`]) {
    await fetch(`${node}/_index_template/${name}`, { method: 'DELETE' }).catch(() => undefined);
  }
}
