// jest 29 ignores a per-project testTimeout (jest.config.js), so the budget is set here.
jest.setTimeout(300_000);

import { DeadLetter } from './helpers/dead-letter';
import { allIds } from './helpers/engine';
import { fixtureMessages } from './helpers/fixtures';
import { collectTopic, createTopics, groupProgress, testKafka, testProducer } from './helpers/kafka';
import { createScope, type TestScope } from './helpers/scope';
import { startServe } from './helpers/serve';
import { endpoints, testConfig } from './helpers/services';
import { indexTemplates } from '../../src/adapters/store/index-templates';
import { waitFor } from './helpers/wait-for';
import { normalizeAlert } from '../../src/core/alert/normalize';

/** A template above the shipped one for this test's alerts indices, identical but for `source.address` typed `ip`. */
async function installStricterAlertsTemplate(scope: TestScope): Promise<void> {
  const shipped = indexTemplates(scope.prefix).find((template) => template.name === scope.indices.alerts);
  if (shipped === undefined) throw new Error('no alerts template');
  const body = structuredClone(shipped.body) as { priority?: number; template: { mappings: { properties: { source: { properties: Record<string, unknown> } } } } };
  body.priority = 1000;
  body.template.mappings.properties.source.properties.address = { type: 'ip' };
  const name = `${scope.prefix}-alerts-stricter`;
  const response = await fetch(`${endpoints.elasticsearch}/_index_template/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`stricter template: HTTP ${response.status} ${await response.text()}`);
  scope.track(() => fetch(`${endpoints.elasticsearch}/_index_template/${name}`, { method: 'DELETE' }));
}

/** Malformed input between valid alerts: the bad ones go to the DLQ with their reason and exact bytes, the rest is indexed. */
describe('dead-letter topic', () => {
  let scope: TestScope;
  const kafka = testKafka();

  beforeAll(() => {
    scope = createScope('dlq');
  });
  afterAll(() => scope.cleanup());

  test('malformed messages land in the DLQ with their reason while the valid ones around them are indexed', async () => {
    const topics = { alerts: scope.topic('alerts'), dlq: scope.topic('dlq'), events: scope.topic('events') };
    // One partition, so "around them" is literal: each bad message sits between two valid ones in offset order.
    await createTopics(kafka, Object.values(topics), 1);
    const valid = fixtureMessages().filter((message) => message.file.startsWith('suricata-eve/')).slice(0, 8);
    const bad: { value: Buffer | null; reason: string }[] = [
      { value: Buffer.from('{"timestamp": "2018-01-01T00:00:00Z", "event_type": "alert", '), reason: 'unparseable' },
      { value: Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x7b, 0xc3, 0x28]), reason: 'unknown-format' },
      { value: null, reason: 'empty' },
      { value: Buffer.from('[{"event_type":"alert"}]'), reason: 'unknown-format' },
      { value: Buffer.from('{"note":"no time, no alert"}'), reason: 'invalid' },
      { value: Buffer.from('the weather is fine today'), reason: 'unknown-format' },
      // Valid for the normaliser (which moves a non-IP address to source.address), refused by a mapping stricter
      // than the shipped one (an operator's template types source.address as ip): dead-lettered by the store.
      { value: Buffer.from('{"@timestamp":"2024-05-01T10:00:00Z","message":"bad address","source":{"ip":"999.1.1.1"}}'), reason: 'store-rejected' },
    ];
    for (const entry of bad.filter((entry) => entry.value !== null && entry.reason !== 'store-rejected' && entry.reason !== 'empty')) {
      const result = normalizeAlert(entry.value!.toString('utf8'));
      expect(result.ok ? 'accepted' : result.error.reason).toBe(entry.reason);
    }
    const sequence: { key: string; value: Buffer | null; bad?: string }[] = [];
    valid.forEach((message, index) => {
      sequence.push({ key: `v${index}`, value: Buffer.from(message.raw) });
      const entry = bad[index];
      if (entry) sequence.push({ key: `b${index}`, value: entry.value, bad: entry.reason });
    });
    const producer = await testProducer(kafka, scope);
    await producer.send({ topic: topics.alerts, acks: -1, messages: sequence.map(({ key, value }) => ({ key, value })) });

    await installStricterAlertsTemplate(scope);
    const dlq = await collectTopic(kafka, scope, topics.dlq);
    const serve = startServe(
      testConfig({
        IRA_TOPIC_ALERTS: topics.alerts,
        IRA_TOPIC_DLQ: topics.dlq,
        IRA_TOPIC_INCIDENT_EVENTS: topics.events,
        IRA_GROUP_TRIAGE: scope.group('triage'),
        IRA_INDEX_PREFIX: scope.prefix,
      }),
    );
    scope.track(() => serve.stop());
    await waitFor(async () => (await groupProgress(kafka, scope.group('triage'), topics.alerts)).committed === sequence.length, {
      description: 'all messages committed',
    });
    await waitFor(() => dlq.messages.length >= bad.length || undefined, { description: `${bad.length} dead letters` });

    expect(dlq.messages).toHaveLength(bad.length);
    for (const [index, message] of dlq.messages.entries()) {
      const letter = DeadLetter.parse(JSON.parse(message.value.toString('utf8')));
      const offset = sequence.findIndex((entry) => entry.key === message.key);
      const original = sequence[offset]!;
      expect({ key: message.key, reason: letter.reason }).toEqual({ key: `b${index}`, reason: original.bad });
      expect(message.headers['ira-reason']).toBe(letter.reason);
      expect(Buffer.from(letter.original_base64, 'base64').equals(original.value ?? Buffer.alloc(0))).toBe(true);
      expect(letter).toMatchObject({ topic: topics.alerts, partition: 0, offset: String(offset) });
      expect(letter.message.length).toBeGreaterThan(0);
      if (letter.reason === 'invalid') expect(letter.issues.length).toBeGreaterThan(0);
      if (letter.reason === 'store-rejected') expect(letter.message).toMatch(/parsing_exception/);
    }
    const expectedIds = valid.map((message) => {
      const result = normalizeAlert(message.raw);
      if (!result.ok) throw new Error(`fixture ${message.file} no longer normalises`);
      return result.value.ira.alert_id;
    });
    expect(new Set(await allIds(scope.indices.alerts))).toEqual(new Set(expectedIds));
  });
});
