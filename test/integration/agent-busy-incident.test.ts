import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTopics, groupProgress, testKafka, testProducer } from './helpers/kafka';
import { searchSources } from './helpers/engine';
import { noIncidentModel } from './helpers/no-incident-model';
import { createScope, type TestScope } from './helpers/scope';
import { startServe } from './helpers/serve';
import { testConfig } from './helpers/services';
import { waitFor } from './helpers/wait-for';

const LOGS = join(__dirname, '..', 'fixtures', 'alerts', 'snort', 'esorics26-digital-twin', 'logs.txt');
const STEP_MS = 6000;

/**
 * Issue 9, stage-2 livelock: stage 1 updates the incident document whenever an alert joins, and a step takes
 * seconds to minutes. The agent's save must not depend on the document's seq_no read before the step: with an alert
 * every second during a 6 s step, the step still commits (recommendation, agent state, offset).
 */
describe('a busy incident (an alert every second during a slow step)', () => {
  let scope: TestScope;
  const kafka = testKafka('ira-it-busy');

  beforeAll(() => {
    scope = createScope('busy');
  });
  afterAll(() => scope.cleanup());

  test('the step commits: recommendation written, state saved, offset committed', async () => {
    const lines = readFileSync(LOGS, 'utf8').split('\n').filter((line) => line.includes('Alert: ['));
    const topics = { alerts: scope.topic('alerts'), dlq: scope.topic('dlq'), events: scope.topic('events'), eventsDlq: scope.topic('events-dlq') };
    await createTopics(kafka, Object.values(topics), 1);
    const producer = await testProducer(kafka, scope);
    const calls: { start: number; end: number }[] = [];
    const agentGroup = scope.group('agent');
    const serve = startServe(
      testConfig({
        IRA_TOPIC_ALERTS: topics.alerts,
        IRA_TOPIC_DLQ: topics.dlq,
        IRA_TOPIC_INCIDENT_EVENTS: topics.events,
        IRA_TOPIC_INCIDENT_EVENTS_DLQ: topics.eventsDlq,
        IRA_GROUP_TRIAGE: scope.group('triage'),
        IRA_GROUP_AGENT: agentGroup,
        IRA_INDEX_PREFIX: scope.prefix,
        IRA_AGENT_ENABLED: 'true',
        IRA_AGENT_MIN_SCORE: '0',
        IRA_AGENT_COALESCE_MS: '300',
        IRA_INGEST_BATCH_SIZE: '1',
      }),
      { llm: noIncidentModel({ name: 'slow-scripted', perceiveMs: STEP_MS, calls }) },
    );
    scope.track(() => serve.stop());

    // One alert a second, all of one attack (same hosts): each joins the same incident and bumps its document.
    const sent: number[] = [];
    let sending = true;
    const sender = (async () => {
      for (const line of lines.slice(0, 40)) {
        if (!sending) break;
        await producer.send({ topic: topics.alerts, acks: -1, messages: [{ value: line }] });
        sent.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    })();
    try {
      const recommendations = await waitFor(
        async () => {
          const docs = await searchSources(scope.indices.recommendations);
          return docs.length > 0 ? docs : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 500, description: 'a recommendation while alerts keep arriving', describeState: () => serve.logs.filter((line) => line.level !== 'debug').slice(-8) },
      );
      expect(sending).toBe(true);
      // The step really overlapped stage-1 updates of its incident.
      const first = calls[0] as { start: number; end: number };
      expect(sent.filter((at) => at > first.start && at < first.end).length).toBeGreaterThanOrEqual(3);
      expect(recommendations[0]).toMatchObject({ step: 0, model: 'slow-scripted' });
      const incidents = await searchSources(scope.indices.incidents);
      const stepped = incidents.filter((incident) => typeof incident['agent_step'] === 'number');
      expect(stepped.length).toBeGreaterThan(0);
      // Stage 1 kept writing the triage fields after the step: the agent state survives its updates.
      const incidentId = (recommendations[0] as { incident: { id: string } }).incident.id;
      const before = incidents.find((incident) => incident['id'] === incidentId) as Record<string, unknown>;
      await waitFor(
        async () => {
          const now = (await searchSources(scope.indices.incidents)).find((incident) => incident['id'] === incidentId);
          return now !== undefined && (now['alert_count'] as number) > (before['alert_count'] as number) && typeof now['agent_step'] === 'number';
        },
        { timeoutMs: 30_000, description: 'a stage-1 update after the step that keeps the agent state' },
      );
    } finally {
      sending = false;
      await sender;
    }
    // No conflict loop: every step that ran was saved, and the agent group commits every event.
    expect(serve.logs.filter((line) => line.message === 'agent-step-conflict')).toHaveLength(0);
    await waitFor(
      async () => {
        const progress = await groupProgress(kafka, agentGroup, topics.events);
        return progress.committed === progress.end ? progress : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1000, description: 'the agent group to commit every incident event' },
    );
    await serve.stop();
  });
});
