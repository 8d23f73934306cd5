import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { RecommendationDocument } from '../../src/core/documents/agent-documents';
import { collectTopic, createTopics, groupProgress, testKafka, testProducer } from './helpers/kafka';
import { searchSources } from './helpers/engine';
import { createScope, type TestScope } from './helpers/scope';
import { startServe, type LogLine } from './helpers/serve';
import { testConfig } from './helpers/services';
import { waitFor } from './helpers/wait-for';

const LOGS = join(__dirname, '..', 'fixtures', 'alerts', 'snort', 'esorics26-digital-twin', 'logs.txt');
const RETRY_BASE_MS = 2000;

/** A loopback port nothing listens on: bound, then closed, so a connection to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const unavailable = (logs: readonly LogLine[]): LogLine[] => logs.filter((line) => line.message === 'agent-llm-unavailable');

/**
 * Issue 9, point 3: Ollama down. Stage 2 runs the real adapter (createLlm, provider ollama) against a port nothing
 * listens on. The step must end as an `llm-unavailable` abstention the analyst sees in the recommendations index, the
 * incident event must be committed, the consumer must not crash-loop, and the incident is stepped again after the
 * backoff, never dead-lettered for the outage (IRA_AGENT_MAX_ATTEMPTS=2 would dead-letter it on the second failure).
 */
describe('stage 2 with the model server down (llm-unavailable)', () => {
  let scope: TestScope;
  const kafka = testKafka('ira-it-llm-down');

  beforeAll(() => {
    scope = createScope('llmdown');
  });
  afterAll(() => scope.cleanup());

  test('the step abstains with llm-unavailable, the event is committed, the incident is retried after the backoff', async () => {
    const lines = readFileSync(LOGS, 'utf8').split('\n').filter((line) => line.includes('Alert: ['));
    const topics = { alerts: scope.topic('alerts'), dlq: scope.topic('dlq'), events: scope.topic('events'), eventsDlq: scope.topic('events-dlq'), feedback: scope.topic('feedback') };
    await createTopics(kafka, Object.values(topics), 1);
    const producer = await testProducer(kafka, scope);
    const eventsDlq = await collectTopic(kafka, scope, topics.eventsDlq);
    const port = await closedPort();
    const agentGroup = scope.group('agent');
    const serve = startServe(
      testConfig({
        IRA_TOPIC_ALERTS: topics.alerts,
        IRA_TOPIC_DLQ: topics.dlq,
        IRA_TOPIC_INCIDENT_EVENTS: topics.events,
        IRA_TOPIC_INCIDENT_EVENTS_DLQ: topics.eventsDlq,
        IRA_GROUP_TRIAGE: scope.group('triage'),
        IRA_GROUP_AGENT: agentGroup,
        // Its own feedback group and topic, so no other test's serve joins (and rebalances) this one's.
        IRA_TOPIC_FEEDBACK: topics.feedback,
        IRA_GROUP_FEEDBACK: scope.group('feedback'),
        IRA_INDEX_PREFIX: scope.prefix,
        IRA_AGENT_ENABLED: 'true',
        IRA_LLM_PROVIDER: 'ollama',
        IRA_OLLAMA_HOST: `http://127.0.0.1:${port}`,
        IRA_LLM_PROFILE: 'generic',
        IRA_AGENT_MIN_SCORE: '0',
        IRA_AGENT_COALESCE_MS: '300',
        IRA_AGENT_MAX_ATTEMPTS: '2',
        IRA_AGENT_RETRY_BASE_MS: String(RETRY_BASE_MS),
        IRA_AGENT_RETRY_MAX_MS: String(4 * RETRY_BASE_MS),
      }),
    );
    scope.track(() => serve.stop());
    let ended = false;
    void serve.done.finally(() => (ended = true));
    const recent = () => serve.logs.slice(-8);

    await producer.send({ topic: topics.alerts, acks: -1, messages: lines.slice(0, 20).map((line) => ({ value: line })) });

    // The analyst sees why nothing was analysed.
    const recommendations = await waitFor(
      async () => {
        const docs = await searchSources(scope.indices.recommendations);
        return docs.length > 0 ? docs : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500, description: 'an llm-unavailable recommendation', describeState: recent },
    );
    const recommendation = RecommendationDocument.parse(recommendations[0]);
    expect(recommendation.abstained).toBe(true);
    expect(recommendation.ira.abstain?.code).toBe('llm-unavailable');
    expect(recommendation.ira.abstain?.reason).toMatch(/unreachable|ECONNREFUSED/);

    // The incident event's offset moved on while the model is down.
    await waitFor(
      async () => {
        const progress = await groupProgress(kafka, agentGroup, topics.events);
        return progress.end > 0 && progress.committed === progress.end ? progress : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'the agent group to commit the incident events', describeState: recent },
    );

    // Tried again after the backoff, not at once, and not counted as a failure.
    const [first, second] = await waitFor(
      () => {
        const seen = unavailable(serve.logs).filter((line) => line['incidentId'] === recommendation.incident.id);
        return seen.length >= 2 ? seen : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, description: 'a second attempt after the backoff', describeState: recent },
    );
    expect(first).toMatchObject({ failures: 1, retryInMs: RETRY_BASE_MS });
    expect(second).toMatchObject({ failures: 2, retryInMs: 2 * RETRY_BASE_MS });
    const gapMs = Date.parse(String(second?.['@timestamp'])) - Date.parse(String(first?.['@timestamp']));
    expect(gapMs).toBeGreaterThanOrEqual(RETRY_BASE_MS);

    // One abstention per outage, no dead letter, no failed-step path, no crash loop, serve still running.
    expect((await searchSources(scope.indices.recommendations)).length).toBe(1);
    expect(eventsDlq.messages).toHaveLength(0);
    expect(serve.logs.filter((line) => ['agent-step-failed', 'agent-step-dead-lettered', 'kafka-consumer-crash'].includes(line.message))).toEqual([]);
    expect(ended).toBe(false);
    // Still queued in the durable work list, with the backoff recorded (written just after the log line).
    const queued = await waitFor(
      async () => {
        const docs = await searchSources(`${scope.prefix}-agent-queue`);
        const doc = docs.find((entry) => (entry['incident'] as { id?: string } | undefined)?.id === recommendation.incident.id);
        return doc !== undefined && doc['attempts'] === 2 ? doc : undefined;
      },
      { timeoutMs: 10_000, description: 'the work list to record the second failure', describeState: recent },
    );
    expect(queued).toMatchObject({ status: 'queued', attempts: 2 });
    await serve.stop();
  });
});
