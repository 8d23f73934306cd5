// jest 29 ignores a per-project testTimeout (jest.config.js), so the budget is set here.
jest.setTimeout(300_000);

import { normalizeAlert } from '../../src/core/alert/normalize';
import { IncidentEvent } from '../../src/stages/incident-event';
import { allIds, countDocuments, termCounts } from './helpers/engine';
import { fixtureMessages } from './helpers/fixtures';
import { collectTopic, createTopics, groupProgress, produceAll, testKafka, testProducer } from './helpers/kafka';
import { createScope, type TestScope } from './helpers/scope';
import { startServe } from './helpers/serve';
import { endpoints, testConfig } from './helpers/services';
import { waitFor } from './helpers/wait-for';

/**
 * Every real fixture of every format goes through Kafka → `ira serve` (stage 1) → Elasticsearch; the counts in the
 * index and on the dead-letter topic must equal, exactly, what the normaliser accepts and refuses.
 */
const engines = [
  { flavor: 'elasticsearch', node: endpoints.elasticsearch },
  ...(process.env.IRA_TEST_OPENSEARCH === '1' ? [{ flavor: 'opensearch', node: endpoints.opensearch }] : []),
];

describe.each(engines)('stage 1 on the real fixtures of every format, into $flavor', ({ flavor, node }) => {
  let scope: TestScope;
  const kafka = testKafka();

  beforeAll(() => {
    scope = createScope(`fixtures-${flavor.slice(0, 2)}`, [node]);
  });
  afterAll(() => scope.cleanup());

  test('every alert is indexed once, every rejection is dead-lettered, every changed incident is stored and announced', async () => {
    const topics = { alerts: scope.topic('alerts'), dlq: scope.topic('dlq'), events: scope.topic('events') };
    await createTopics(kafka, Object.values(topics), 3);
    const messages = fixtureMessages();
    const expectedByFormat: Record<string, Set<string>> = {};
    let rejections = 0;
    for (const message of messages) {
      const result = normalizeAlert(message.raw);
      if (!result.ok) rejections += 1;
      else (expectedByFormat[result.value.ira.format] ??= new Set()).add(result.value.ira.alert_id);
    }
    const expectedIds = new Set(Object.values(expectedByFormat).flatMap((ids) => [...ids]));
    expect(Object.keys(expectedByFormat).sort()).toEqual(
      ['elastic-security', 'generic-json', 'opensearch-finding', 'snort', 'suricata-eve', 'wazuh', 'zeek-notice'],
    );

    const producer = await testProducer(kafka, scope);
    await produceAll(producer, topics.alerts, messages.map((message) => ({ key: null, value: message.raw })));
    const dlq = await collectTopic(kafka, scope, topics.dlq);
    const events = await collectTopic(kafka, scope, topics.events);

    const config = testConfig({
      IRA_TOPIC_ALERTS: topics.alerts,
      IRA_TOPIC_DLQ: topics.dlq,
      IRA_TOPIC_INCIDENT_EVENTS: topics.events,
      IRA_GROUP_TRIAGE: scope.group('triage'),
      IRA_INDEX_PREFIX: scope.prefix,
      IRA_INGEST_BATCH_SIZE: '500',
      IRA_STORE_FLAVOR: flavor,
      IRA_ES_NODE: node,
    });
    const serve = startServe(config);
    scope.track(() => serve.stop());

    const group = scope.group('triage');
    await waitFor(async () => {
      const progress = await groupProgress(kafka, group, topics.alerts);
      return progress.committed === messages.length && progress.end === messages.length;
    }, { description: `group ${group} to commit all ${messages.length} messages`, timeoutMs: 120_000 });
    await waitFor(() => dlq.messages.length >= rejections || undefined, { description: `${rejections} dead letters` });

    const indexed = await countDocuments(scope.indices.alerts, node);
    const byFormat = await termCounts(scope.indices.alerts, 'ira.format', node);
    const table = Object.entries(expectedByFormat).map(([format, ids]) => ({ format, expected: ids.size, indexed: byFormat[format] ?? 0 }));
    process.stdout.write(
      `\nfixtures into ${flavor}: ${messages.length} messages → ${indexed} alerts indexed (expected ${expectedIds.size} distinct ids), ` +
        `${dlq.messages.length} dead letters (expected ${rejections})\n${table.map((row) => `  ${row.format.padEnd(20)} ${row.indexed}/${row.expected}`).join('\n')}\n`,
    );
    expect(indexed).toBe(expectedIds.size);
    for (const row of table) expect(row).toEqual({ ...row, indexed: row.expected });
    expect(dlq.messages).toHaveLength(rejections);
    expect(new Set(await allIds(scope.indices.alerts, node))).toEqual(expectedIds);

    // Every alert points at a stored incident, and every stored incident was announced under its own key.
    const incidentIds = new Set(await allIds(scope.indices.incidents, node));
    const referenced = Object.keys(await termCounts(scope.indices.alerts, 'incident.id', node));
    expect(referenced.length).toBeGreaterThan(0);
    for (const id of referenced) expect(incidentIds.has(id)).toBe(true);
    await waitFor(() => {
      const announced = new Set(events.messages.map((message) => message.key));
      return [...incidentIds].every((id) => announced.has(id)) || undefined;
    }, { description: 'an event for every stored incident' });
    for (const message of events.messages) {
      const event = IncidentEvent.parse(JSON.parse(message.value.toString('utf8')));
      expect(message.key).toBe(event.incident_id);
    }
  });
});
