// jest 29 ignores a per-project testTimeout (jest.config.js), so the budget is set here.
jest.setTimeout(300_000);

import { aitMessages } from './helpers/ait';
import { countDocuments } from './helpers/engine';
import { collectTopic, createTopics, groupProgress, produceAll, testKafka, testProducer } from './helpers/kafka';
import { createScope, type TestScope } from './helpers/scope';
import { endpoints } from './helpers/services';
import { spawnServe, type ServeProcess } from './helpers/serve';
import { waitFor } from './helpers/wait-for';

/**
 * `ira serve` killed with SIGKILL in the middle of the stream (no shutdown hook, no last commit), then started
 * again: the alerts index ends with every alert exactly once, and the group's committed offset reaches the end.
 */
describe('stage 1 killed mid-stream and restarted', () => {
  let scope: TestScope;
  const kafka = testKafka();
  const processes: ServeProcess[] = [];

  beforeAll(() => {
    scope = createScope('restart');
    scope.track(async () => {
      for (const serve of processes) {
        if (serve.child.exitCode !== null || serve.child.signalCode !== null) continue;
        serve.child.kill('SIGKILL');
        await serve.exited;
      }
    });
  });
  afterAll(() => scope.cleanup());

  test('loses no alert and duplicates none', async () => {
    const topics = { alerts: scope.topic('alerts'), dlq: scope.topic('dlq'), events: scope.topic('events') };
    await createTopics(kafka, Object.values(topics), 3);
    const messages = aitMessages(2);
    const environment = {
      IRA_KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
      IRA_ES_NODE: endpoints.elasticsearch,
      IRA_TOPIC_ALERTS: topics.alerts,
      IRA_TOPIC_DLQ: topics.dlq,
      IRA_TOPIC_INCIDENT_EVENTS: topics.events,
      IRA_GROUP_TRIAGE: scope.group('triage'),
      IRA_INDEX_PREFIX: scope.prefix,
      IRA_INGEST_BATCH_SIZE: '500',
      IRA_KAFKA_SESSION_TIMEOUT_MS: '6000',
      IRA_LOG_LEVEL: 'warn',
      IRA_AGENT_ENABLED: 'false',
      IRA_GROUP_AGENT: scope.group('agent'),
    };
    const dlq = await collectTopic(kafka, scope, topics.dlq);
    const producer = await testProducer(kafka, scope);
    await produceAll(producer, topics.alerts, messages.slice(0, messages.length / 2).map((value) => ({ key: null, value })));

    const first = spawnServe(environment);
    processes.push(first);
    const atKill = await waitFor(async () => {
      const indexed = await countDocuments(scope.indices.alerts);
      return indexed >= 2000 ? indexed : undefined;
    }, { description: 'the first process to index 2000 alerts', timeoutMs: 120_000, describeState: () => first.output().slice(-2000) });
    first.child.kill('SIGKILL');
    await first.exited;
    const committedAtKill = (await groupProgress(kafka, scope.group('triage'), topics.alerts)).committed;
    const indexedAtKill = await countDocuments(scope.indices.alerts);
    // Every commit follows the writes of what it covers: the dead process committed nothing it had not indexed.
    expect(committedAtKill).toBeLessThanOrEqual(indexedAtKill);
    // The rest of the stream arrives while nothing consumes it.
    await produceAll(producer, topics.alerts, messages.slice(messages.length / 2).map((value) => ({ key: null, value })));
    expect(atKill).toBeLessThan(messages.length);

    const second = spawnServe(environment);
    processes.push(second);
    await waitFor(async () => (await groupProgress(kafka, scope.group('triage'), topics.alerts)).committed === messages.length, {
      description: `all ${messages.length} messages committed after the restart`,
      timeoutMs: 300_000,
      describeState: () => second.output().slice(-2000),
    });
    const indexed = await countDocuments(scope.indices.alerts);
    process.stdout.write(
      `\nrestart: ${messages.length} messages; killed with ${indexedAtKill} indexed / ${committedAtKill} committed; after restart ${indexed} indexed, ${dlq.messages.length} dead letters\n`,
    );
    expect(indexed).toBe(messages.length);
    expect(dlq.messages).toHaveLength(0);
    second.child.kill('SIGTERM');
    const exit = await second.exited;
    expect({ ...exit, output: exit.code === 0 ? '' : second.output().slice(-3000) }).toEqual({ code: 0, signal: null, output: '' });
  });
});
