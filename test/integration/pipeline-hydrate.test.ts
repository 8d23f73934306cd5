// jest 29 ignores a per-project testTimeout (jest.config.js), so the budget is set here.
jest.setTimeout(300_000);

import { normalizeAlert } from '../../src/core/alert/normalize';
import { aitMessages } from './helpers/ait';
import { termCounts } from './helpers/engine';
import { createTopics, groupProgress, produceAll, testKafka, testProducer } from './helpers/kafka';
import { createScope, type TestScope } from './helpers/scope';
import { startServe } from './helpers/serve';
import { endpoints, testConfig } from './helpers/services';
import { waitFor } from './helpers/wait-for';

/**
 * A restarted `ira serve` continues the incidents of the previous run (triage state hydrated from ira-incidents):
 * alerts that arrive after the restart join incidents opened before it, instead of opening new ones.
 */
describe('stage 1 restart continuity', () => {
  let scope: TestScope;
  const kafka = testKafka();

  beforeAll(() => {
    scope = createScope('hydrate');
  });
  afterAll(() => scope.cleanup());

  test('alerts after a restart join the incidents opened before it', async () => {
    const topics = { alerts: scope.topic('alerts'), dlq: scope.topic('dlq'), events: scope.topic('events') };
    await createTopics(kafka, Object.values(topics), 1);
    const group = scope.group('triage');
    const config = testConfig({
      IRA_TOPIC_ALERTS: topics.alerts,
      IRA_TOPIC_DLQ: topics.dlq,
      IRA_TOPIC_INCIDENT_EVENTS: topics.events,
      IRA_GROUP_TRIAGE: group,
      IRA_INDEX_PREFIX: scope.prefix,
    });
    // The AIT window in time order: the second half continues the hosts and attacks of the first.
    const messages = aitMessages(1).slice(0, 6000);
    const [before, after] = [messages.slice(0, 3000), messages.slice(3000)];
    const producer = await testProducer(kafka, scope);
    const ingest = async (batch: string[], total: number): Promise<void> => {
      const serve = startServe(config);
      await produceAll(producer, topics.alerts, batch.map((value) => ({ key: null, value })));
      await waitFor(async () => (await groupProgress(kafka, group, topics.alerts)).committed === total, {
        description: `${total} committed`,
      });
      await serve.stop();
      const hydrated = serve.logs.find((line) => line.message === 'triage-hydrated');
      process.stdout.write(`hydrate: run ending at ${total} started with ${String(hydrated?.incidents)} stored incidents\n`);
    };
    await ingest(before, before.length);
    const incidentsBefore = new Set(Object.keys(await termCounts(scope.indices.alerts, 'incident.id', endpoints.elasticsearch)));
    await ingest(after, messages.length);
    const all = await termCounts(scope.indices.alerts, 'incident.id', endpoints.elasticsearch);
    const total = Object.values(all).reduce((sum, count) => sum + count, 0);
    const secondRunIds = after.map((raw) => {
      const result = normalizeAlert(raw);
      if (!result.ok) throw new Error('an AIT row no longer normalises');
      return result.value.ira.alert_id;
    });
    const grown = await countJoined(scope.indices.alerts, secondRunIds, [...incidentsBefore]);
    process.stdout.write(`hydrate: ${incidentsBefore.size} incidents before the restart; ${grown} alerts after it joined them\n`);
    expect(total).toBe(messages.length);
    expect(grown).toBeGreaterThan(0);
  });
});

/** How many of the given alerts point at one of the given incidents. */
async function countJoined(index: string, alertIds: string[], incidentIds: string[]): Promise<number> {
  const response = await fetch(`${endpoints.elasticsearch}/${index}/_count`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: { bool: { filter: [{ terms: { 'ira.alert_id': alertIds } }, { terms: { 'incident.id': incidentIds } }] } },
    }),
  });
  return ((await response.json()) as { count: number }).count;
}
