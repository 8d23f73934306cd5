import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { completeFeedback, produceFeedback } from '../../src/app/feedback';
import { actionKey, type ResponseAction } from '../../src/core/agent/action';
import { normalizeAlert } from '../../src/core/alert/normalize';
import { silentLogger } from '../../src/logger';
import { FakeLlm, userOf } from '../unit/agent/support/fake-llm';
import { act, world } from '../unit/agent/support/world';
import { collectTopic, createTopics, testKafka, testProducer } from './helpers/kafka';
import { createScope, type TestScope } from './helpers/scope';
import { startServe } from './helpers/serve';
import { endpoints, testConfig } from './helpers/services';
import { waitFor } from './helpers/wait-for';

const LOGS = join(__dirname, '..', 'fixtures', 'alerts', 'snort', 'esorics26-digital-twin', 'logs.txt');
const TOKEN = 'it-feedback-token-0123456789';

type Doc = Record<string, unknown>;
type RecommendationView = { id: string; step: number; incident: string; action?: ResponseAction; candidates: ResponseAction[]; status: string };

async function search(index: string, query: object = { match_all: {} }): Promise<{ _id: string; _source: Doc }[]> {
  await fetch(`${endpoints.elasticsearch}/${index}/_refresh?ignore_unavailable=true`, { method: 'POST' });
  const response = await fetch(`${endpoints.elasticsearch}/${index}/_search?ignore_unavailable=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ size: 1000, query, sort: [{ step: { order: 'asc', unmapped_type: 'long' } }] }),
  });
  if (!response.ok) return [];
  return ((await response.json()) as { hits: { hits: { _id: string; _source: Doc }[] } }).hits.hits;
}

function view(hit: { _id: string; _source: Doc }): RecommendationView {
  const ira = hit._source['ira'] as { status: string; action?: ResponseAction; candidates: ResponseAction[] };
  return {
    id: hit._id,
    step: hit._source['step'] as number,
    incident: (hit._source['incident'] as { id: string }).id,
    ...(ira.action ? { action: { kind: ira.action.kind, targets: ira.action.targets, description: ira.action.description } } : {}),
    candidates: ira.candidates.map((item) => ({ kind: item.kind, targets: item.targets, description: item.description })),
    status: ira.status,
  };
}

/**
 * Feedback on the real services: Kafka → stage 1 → Elasticsearch → stage 2 (a scripted model that keeps offering
 * the same actions, so "never proposed again" is up to ira, not to the model) → recommendation → feedback through
 * POST /v1/feedback (`executed`) and through the feedback topic as `ira feedback` sends it (`rejected`) → the
 * recommendation's ira.status, the next step's history, the next step's candidates; invalid feedback → its DLQ;
 * `false-positive` closes the incident, and a later alert on its hosts opens a new one instead of reopening it.
 * /healthz, /readyz and /metrics on the way.
 */
describe('feedback end to end (HTTP and Kafka → feedback stage → agent step)', () => {
  let scope: TestScope;
  const kafka = testKafka('ira-it-feedback');

  beforeAll(() => {
    scope = createScope('feedback');
  });
  afterAll(() => scope.cleanup());

  test('executed shows in the next step, rejected is never proposed again, false-positive closes the incident', async () => {
    const lines = readFileSync(LOGS, 'utf8').split('\n').filter((line) => line.includes('Alert: [')).slice(0, 30);
    const alerts = lines.map((line) => normalizeAlert(line)).flatMap((result) => (result.ok ? [result.value] : []));
    const attacker = alerts.find((alert) => alert.source.ip)?.source.ip ?? '';
    const target = alerts.find((alert) => alert.destination.ip)?.destination.ip ?? '';
    expect([attacker, target].every((ip) => ip.length > 0)).toBe(true);
    // Offered again and again in this order; the agent must drop what its history holds.
    const offered: ResponseAction[] = [
      act('block-ip', [attacker], 'block the scanning address at the perimeter'),
      act('isolate-host', [target], 'isolate the scanned host'),
      act('collect-forensics', [target], 'image the scanned host'),
      act('analyse', [target], 'review the host logs'),
      act('patch', [target], 'patch the exposed service'),
    ];
    const llm = Object.assign(new FakeLlm(world({ candidates: Array.from({ length: 400 }, (_, index) => offered[index % offered.length] as ResponseAction) })), {
      close: () => Promise.resolve(),
    });

    const topics = {
      alerts: scope.topic('alerts'),
      dlq: scope.topic('dlq'),
      events: scope.topic('events'),
      feedback: scope.topic('feedback'),
      feedbackDlq: scope.topic('feedback-dlq'),
    };
    await createTopics(kafka, Object.values(topics), 1);
    const producer = await testProducer(kafka, scope);
    const feedbackDlq = await collectTopic(kafka, scope, topics.feedbackDlq);
    const config = testConfig({
      IRA_TOPIC_ALERTS: topics.alerts,
      IRA_TOPIC_DLQ: topics.dlq,
      IRA_TOPIC_INCIDENT_EVENTS: topics.events,
      IRA_TOPIC_FEEDBACK: topics.feedback,
      IRA_TOPIC_FEEDBACK_DLQ: topics.feedbackDlq,
      IRA_GROUP_TRIAGE: scope.group('triage'),
      IRA_GROUP_AGENT: scope.group('agent'),
      IRA_GROUP_FEEDBACK: scope.group('feedback'),
      IRA_INDEX_PREFIX: scope.prefix,
      IRA_AGENT_ENABLED: 'true',
      IRA_AGENT_CANDIDATES: '2',
      IRA_AGENT_ROLLOUTS: '2',
      IRA_AGENT_DEPTH: '3',
      IRA_AGENT_COALESCE_MS: '1000',
      // The scripted model is no SmolLM2: the shipped smollm2 calibration (γ = 1, every measured decision to an
      // analyst) must not apply to it; the generic profile has no calibration file and takes the configured γ.
      IRA_LLM_PROFILE: 'generic',
      IRA_HTTP_TOKEN: TOKEN,
    });
    const serve = startServe(config, { llm });
    scope.track(() => serve.stop());
    const { port } = await serve.listening;
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    await producer.send({ topic: topics.alerts, acks: -1, messages: lines.map((line) => ({ value: line })) });
    const first = await waitFor(
      async () => (await search(scope.indices.recommendations)).map(view).find((item) => item.action !== undefined),
      { timeoutMs: 120_000, intervalMs: 1000, description: 'a recommendation with an action', describeState: () => serve.logs.slice(-5) },
    );
    const ready = await fetch(`${base}/readyz`);
    const readiness = (await ready.json()) as { ready: boolean; checks: Record<string, { ok: boolean }> };
    expect([ready.status, readiness.checks]).toEqual([200, { kafka: { ok: true }, store: { ok: true }, model: { ok: true } }]);

    // executed, through the HTTP endpoint (bearer token required).
    const post = (body: object, token = TOKEN) =>
      fetch(`${base}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    expect((await post({ recommendation_id: first.id, status: 'executed' }, 'wrong-token-wrong-token')).status).toBe(401);
    const accepted = await post({ recommendation_id: first.id, status: 'executed', comment: 'done by the firewall team' });
    expect(accepted.status).toBe(202);
    const callsBefore = llm.calls.length;
    const second = await waitFor(
      async () => (await search(scope.indices.recommendations, { term: { 'incident.id': first.incident } })).map(view).find((item) => item.step === first.step + 1),
      { timeoutMs: 120_000, intervalMs: 1000, description: 'the step after executed', describeState: () => serve.logs.slice(-5) },
    );
    const statusAfter = (await search(scope.indices.recommendations, { ids: { values: [first.id] } })).map(view)[0]?.status;
    expect(statusAfter).toBe('executed');
    // The next step's history holds it: in the stored state, and in what the model was shown.
    const incident = (await search(scope.indices.incidents, { ids: { values: [first.incident] } }))[0]?._source as Doc;
    const history = ((incident['ira'] as { agent: { history: { step: number; outcome: string; note?: string }[] } }).agent.history);
    expect(history.find((entry) => entry.step === first.step)).toMatchObject({ outcome: 'executed', note: 'done by the firewall team' });
    const shown = llm.calls.slice(callsBefore).map(userOf);
    expect(shown.some((text) => text.includes('"outcome":"executed"'))).toBe(true);
    expect(second.candidates.map(actionKey)).not.toContain(actionKey(first.action as ResponseAction));

    // rejected, through the feedback topic as `ira feedback` sends it.
    if (second.action === undefined) throw new Error(`step ${second.step} abstained; the scripted world always offers new actions`);
    await produceFeedback(config, completeFeedback({ recommendation_id: second.id, status: 'rejected', comment: 'not on production' }, 'cli'), silentLogger, AbortSignal.timeout(30_000));
    const third = await waitFor(
      async () => (await search(scope.indices.recommendations, { term: { 'incident.id': first.incident } })).map(view).find((item) => item.step === second.step + 1),
      { timeoutMs: 120_000, intervalMs: 1000, description: 'the step after rejected', describeState: () => serve.logs.slice(-5) },
    );
    const rejectedKey = actionKey(second.action);
    expect(third.candidates.map(actionKey)).not.toContain(rejectedKey);
    expect(third.action === undefined ? undefined : actionKey(third.action)).not.toBe(rejectedKey);
    // The model did offer it again (it offers every action in turn): ira dropped it.
    const offeredAgain = llm.calls.filter((call) => call.purpose === 'generate-action').length;
    expect(offeredAgain).toBeGreaterThan(offered.length);

    // Invalid feedback → its dead letter with the reason.
    await producer.send({ topic: topics.feedback, acks: -1, messages: [{ value: JSON.stringify({ recommendation_id: third.id, status: 'done' }) }] });
    const letter = await waitFor(() => feedbackDlq.messages[0], { timeoutMs: 60_000, description: 'the feedback dead letter' });
    expect(JSON.parse(letter.value.toString('utf8'))).toMatchObject({ reason: 'invalid' });

    // false-positive closes the incident.
    expect((await post({ recommendation_id: third.id, status: 'false-positive' })).status).toBe(202);
    await waitFor(
      async () => {
        const stored = (await search(scope.indices.incidents, { ids: { values: [first.incident] } }))[0]?._source;
        return stored?.['status'] === 'closed' && (stored['ira'] as { closed?: { reason: string } }).closed?.reason === 'false-positive' ? stored : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000, description: 'the incident closed' },
    );
    // The summary the dashboard shows agrees with the recommendation in Discover.
    const closedSource = (await search(scope.indices.incidents, { ids: { values: [first.incident] } }))[0]?._source as Doc;
    const latest = (closedSource['ira'] as { summary: { latest_recommendation: { id: string; status: string } } }).summary.latest_recommendation;
    const latestStored = (await search(scope.indices.recommendations, { ids: { values: [latest.id] } })).map(view)[0];
    expect(latest.status).toBe(latestStored?.status);
    if (latest.id === third.id) expect(latest.status).toBe('rejected');

    // The closure sticks: a new alert on the incident's hosts opens a new incident, the closed one stays closed.
    const ips = (closedSource['entities'] as { ips: string[] }).ips;
    const [from, to] = [ips.includes(attacker) ? attacker : (ips[0] as string), ips.includes(target) ? target : (ips[1] ?? (ips[0] as string))];
    const later = `2026-06-10 13:10:52,001 [    INFO] Alert: [pri=2 cls=Attempted Information Leak] {ICMP} ${from} -> ${to} [1:1000001:2] ICMP traffic detected`;
    const laterAlert = normalizeAlert(later);
    if (!laterAlert.ok) throw new Error('the later alert does not normalise');
    await producer.send({ topic: topics.alerts, acks: -1, messages: [{ value: later }] });
    const laterDoc = await waitFor(async () => (await search(scope.indices.alerts, { ids: { values: [laterAlert.value.ira.alert_id] } }))[0]?._source, {
      timeoutMs: 60_000,
      intervalMs: 1000,
      description: 'the alert after the closure indexed',
    });
    const laterIncident = (laterDoc['incident'] as { id: string }).id;
    expect(laterIncident).not.toBe(first.incident);
    const incidentsNow = await search(scope.indices.incidents, { ids: { values: [first.incident, laterIncident] } });
    const byId = new Map(incidentsNow.map((hit) => [hit._id, hit._source]));
    expect(byId.get(first.incident)).toMatchObject({ status: 'closed', ira: { closed: { reason: 'false-positive' } } });
    expect(byId.get(laterIncident)).toMatchObject({ status: 'open' });
    expect(serve.logs.some((line) => line.message === 'incidents-closed-by-analyst')).toBe(true);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const name of ['ira_alerts_indexed_total', 'ira_agent_steps_total', 'ira_llm_calls_total', 'ira_store_bulk_duration_seconds_bucket', 'ira_feedback_applied_total', 'ira_consumer_lag']) {
      expect([name, metrics.includes(name)]).toEqual([name, true]);
    }
    expect(metrics).toMatch(/ira_feedback_applied_total 3/);
    expect(metrics).toMatch(/ira_dead_letters_total\{input="feedback"\} 1/);
    expect(serve.logs.filter((line) => line.message === 'config-effective')).toHaveLength(1);
    expect(JSON.stringify(serve.logs)).not.toContain(TOKEN);
    await serve.stop();
  });
});
