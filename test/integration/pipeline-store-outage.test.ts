// jest 29 ignores a per-project testTimeout (jest.config.js), so the budget is set here.
jest.setTimeout(300_000);

import { aitMessages } from './helpers/ait';
import { countDocuments } from './helpers/engine';
import { startCuttableProxy } from './helpers/cuttable-proxy';
import { createTopics, groupProgress, produceAll, testKafka, testProducer } from './helpers/kafka';
import { createScope, type TestScope } from './helpers/scope';
import { startServe } from './helpers/serve';
import { endpoints, testConfig } from './helpers/services';
import { waitFor } from './helpers/wait-for';

/**
 * Elasticsearch becomes unreachable in the middle of the stream and comes back: stage 1 pauses, retries, commits
 * nothing it has not written, and in the end every alert is indexed exactly once.
 * The outage is made by a TCP relay in front of the shared Elasticsearch (see helpers/cuttable-proxy.ts for why
 * the shared node is not stopped).
 */
describe('stage 1 through an Elasticsearch outage', () => {
  let scope: TestScope;
  const kafka = testKafka();

  beforeAll(() => {
    scope = createScope('outage');
  });
  afterAll(() => scope.cleanup());

  test('pauses while the store is down, never commits past unacknowledged writes, and loses nothing', async () => {
    const proxy = await startCuttableProxy(endpoints.elasticsearch);
    scope.track(() => proxy.close());
    const topics = { alerts: scope.topic('alerts'), dlq: scope.topic('dlq'), events: scope.topic('events') };
    await createTopics(kafka, Object.values(topics), 3);
    const group = scope.group('triage');
    const messages = aitMessages(1).slice(0, 9000);
    const [before, during] = [messages.slice(0, 3000), messages.slice(3000)];
    const serve = startServe(
      testConfig({
        IRA_ES_NODE: proxy.url,
        IRA_STORE_RETRY_MAX_MS: '1000',
        IRA_TOPIC_ALERTS: topics.alerts,
        IRA_TOPIC_DLQ: topics.dlq,
        IRA_TOPIC_INCIDENT_EVENTS: topics.events,
        IRA_GROUP_TRIAGE: group,
        IRA_INDEX_PREFIX: scope.prefix,
        IRA_INGEST_BATCH_SIZE: '500',
      }),
    );
    scope.track(() => serve.stop());
    const producer = await testProducer(kafka, scope);
    await produceAll(producer, topics.alerts, before.map((value) => ({ key: null, value })));
    await waitFor(async () => (await groupProgress(kafka, group, topics.alerts)).committed === before.length, {
      description: 'the first 3000 alerts committed',
    });

    proxy.cut();
    await produceAll(producer, topics.alerts, during.map((value) => ({ key: null, value })));
    await waitFor(() => serve.logs.filter((line) => line.message === 'write-retry').length >= 3 || undefined, {
      description: 'three write retries while Elasticsearch is unreachable',
      describeState: () => serve.logs.slice(-5),
    });
    const duringOutage = await groupProgress(kafka, group, topics.alerts);
    const indexedDuringOutage = await countDocuments(scope.indices.alerts);
    expect(duringOutage.committed).toBe(before.length);
    expect(indexedDuringOutage).toBe(before.length);
    expect(proxy.refused).toBeGreaterThan(0);

    proxy.restore();
    await waitFor(async () => (await groupProgress(kafka, group, topics.alerts)).committed === messages.length, {
      description: `all ${messages.length} committed after the store came back`,
      timeoutMs: 120_000,
    });
    const indexed = await countDocuments(scope.indices.alerts);
    const retries = serve.logs.filter((line) => line.message === 'write-retry').length;
    process.stdout.write(
      `\noutage: ${messages.length} messages; during the outage ${duringOutage.committed} committed, ${indexedDuringOutage} indexed, ` +
        `${proxy.refused} connections refused, ${retries} write retries; after it ${indexed} indexed\n`,
    );
    expect(indexed).toBe(messages.length);
    expect(serve.logs.some((line) => line.message === 'write-resumed')).toBe(true);
  });
});
