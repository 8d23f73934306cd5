import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeadLetter } from '../../src/stages/dead-letter';
import type { IncidentEvent } from '../../src/stages/incident-event';
import { collectTopic, createTopics, groupProgress, testKafka, testProducer } from './helpers/kafka';
import { searchSources } from './helpers/engine';
import { noIncidentModel } from './helpers/no-incident-model';
import { createScope, type TestScope } from './helpers/scope';
import { startServe } from './helpers/serve';
import { testConfig } from './helpers/services';
import { waitFor } from './helpers/wait-for';

const LOGS = join(__dirname, '..', 'fixtures', 'alerts', 'snort', 'esorics26-digital-twin', 'logs.txt');
const MAX_ATTEMPTS = 3;
const RETRY_BASE_MS = 200;

/**
 * Issue 9, point 3: no poison message stalls a stage-2 partition. An incident event that is valid by its schema but
 * names an incident that does not exist is retried IRA_AGENT_MAX_ATTEMPTS times, then goes to the stage-2 dead-letter
 * topic with reason `incident-not-found`; its offset is committed, and a real incident's event behind it on the same
 * partition is stepped.
 */
describe('a stage-2 poison event (an incident that does not exist)', () => {
  let scope: TestScope;
  const kafka = testKafka('ira-it-agent-poison');

  beforeAll(() => {
    scope = createScope('poison');
  });
  afterAll(() => scope.cleanup());

  test('ends in the incident-events DLQ as incident-not-found after the configured attempts; the partition moves on', async () => {
    const topics = {
      alerts: scope.topic('alerts'),
      dlq: scope.topic('dlq'),
      events: scope.topic('events'),
      eventsDlq: scope.topic('events-dlq'),
      feedback: scope.topic('feedback'),
    };
    // One partition: the valid event sits behind the poison one in offset order.
    await createTopics(kafka, Object.values(topics), 1);
    const producer = await testProducer(kafka, scope);
    const eventsDlq = await collectTopic(kafka, scope, topics.eventsDlq);

    const ghost = `inc-ghost-${scope.id}`;
    const now = new Date().toISOString();
    const poison: IncidentEvent = {
      kind: 'opened',
      incident_id: ghost,
      version: 1,
      status: 'open',
      alert_ids: ['a-ghost-1'],
      alert_ids_truncated: false,
      alert_count: 1,
      unique_alert_count: 1,
      score: 90,
      max_severity: 3,
      last_seen: now,
      emitted_at: now,
    };
    await producer.send({ topic: topics.events, acks: -1, messages: [{ key: ghost, value: JSON.stringify(poison) }] });

    const agentGroup = scope.group('agent');
    const serve = startServe(
      testConfig({
        IRA_TOPIC_ALERTS: topics.alerts,
        IRA_TOPIC_DLQ: topics.dlq,
        IRA_TOPIC_INCIDENT_EVENTS: topics.events,
        IRA_TOPIC_INCIDENT_EVENTS_DLQ: topics.eventsDlq,
        IRA_TOPIC_FEEDBACK: topics.feedback,
        IRA_GROUP_TRIAGE: scope.group('triage'),
        IRA_GROUP_AGENT: agentGroup,
        IRA_GROUP_FEEDBACK: scope.group('feedback'),
        IRA_INDEX_PREFIX: scope.prefix,
        IRA_AGENT_ENABLED: 'true',
        IRA_AGENT_MIN_SCORE: '0',
        IRA_AGENT_COALESCE_MS: '100',
        IRA_AGENT_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        IRA_AGENT_RETRY_BASE_MS: String(RETRY_BASE_MS),
        IRA_AGENT_RETRY_MAX_MS: String(4 * RETRY_BASE_MS),
      }),
      { llm: noIncidentModel({ name: 'quick-scripted' }) },
    );
    scope.track(() => serve.stop());
    const recent = () => serve.logs.slice(-8);

    // A real incident from stage 1: its event lands on the events partition after the poison one.
    const lines = readFileSync(LOGS, 'utf8').split('\n').filter((line) => line.includes('Alert: ['));
    await producer.send({ topic: topics.alerts, acks: -1, messages: lines.slice(0, 10).map((line) => ({ value: line })) });

    const [message] = await waitFor(() => (eventsDlq.messages.length > 0 ? eventsDlq.messages : undefined), {
      timeoutMs: 60_000,
      description: 'the poison event in the incident-events DLQ',
      describeState: recent,
    });
    expect(message?.key).toBe(ghost);
    expect(message?.headers['ira-reason']).toBe('incident-not-found');
    const letter = DeadLetter.parse(JSON.parse(message?.value.toString('utf8') ?? ''));
    expect(letter).toMatchObject({ reason: 'incident-not-found', incident_id: ghost, attempts: MAX_ATTEMPTS, topic: topics.events });
    expect(letter.message).toContain(ghost);
    expect(JSON.parse(Buffer.from(letter.original_base64, 'base64').toString('utf8'))).toMatchObject({ incident_id: ghost, version: 1 });
    // Retried, not dead-lettered on the first miss: one failure logged per attempt before the last.
    const failures = serve.logs.filter((line) => line.message === 'agent-step-failed' && line['incidentId'] === ghost);
    expect(failures.map((line) => line['attempts'])).toEqual(Array.from({ length: MAX_ATTEMPTS - 1 }, (_, index) => index + 1));

    // The partition moved on: the real incident behind the poison one is stepped, and every event is committed.
    const recommendations = await waitFor(
      async () => {
        const docs = await searchSources(scope.indices.recommendations);
        return docs.length > 0 ? docs : undefined;
      },
      { timeoutMs: 60_000, description: 'a recommendation for the real incident', describeState: recent },
    );
    expect(recommendations.map((doc) => (doc['incident'] as { id: string }).id)).not.toContain(ghost);
    await waitFor(
      async () => {
        const progress = await groupProgress(kafka, agentGroup, topics.events);
        return progress.end >= 2 && progress.committed === progress.end ? progress : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'the agent group to commit past the poison event', describeState: recent },
    );
    // The work list says so too (written just after the dead letter was acknowledged).
    await waitFor(
      async () => {
        const queue = await searchSources(`${scope.prefix}-agent-queue`);
        return queue.find((doc) => (doc['incident'] as { id?: string } | undefined)?.id === ghost)?.['status'] === 'dead-lettered';
      },
      { timeoutMs: 10_000, description: 'the ghost incident recorded as dead-lettered in the work list', describeState: recent },
    );
    expect(eventsDlq.messages).toHaveLength(1);
    await serve.stop();
  });
});
