import { createServeMetrics } from '../../../src/app/http-metrics';
import { createReadiness } from '../../../src/app/http-readiness';
import { startHttpEndpoint, type HttpEndpoint } from '../../../src/app/http-server';
import { tokenMatches } from '../../../src/app/http-feedback';
import type { FeedbackMessage } from '../../../src/core/documents/feedback';
import { silentLogger } from '../../../src/logger';

const TOKEN = 'unit-token-0123456789';

async function start(options: { token?: string; storeUp?: boolean } = {}) {
  const sent: FeedbackMessage[] = [];
  const metrics = createServeMetrics();
  metrics.attachTriage({ consumed: 5, indexed: 4, duplicates: 1, dlq: 1, incidentsChanged: 1, events: 1, commits: 1, retries: 0, rehydrations: 0, closures: 0 });
  metrics.agentStepEnded({ seconds: 3, decision: 'abstain', abstainCode: 'inconsistent' });
  const readiness = createReadiness(
    [
      { name: 'kafka', check: () => Promise.resolve() },
      { name: 'store', check: () => (options.storeUp === false ? Promise.reject(new Error('connect ECONNREFUSED')) : Promise.resolve()) },
    ],
    { timeoutMs: 500, cacheMs: 0 },
  );
  readiness.markStarted();
  const endpoint: HttpEndpoint = await startHttpEndpoint({
    host: '127.0.0.1',
    port: 0,
    registry: metrics.registry,
    readiness,
    logger: silentLogger,
    feedback: {
      token: options.token,
      recommendationExists: (id) => Promise.resolve(id === 'inc-1:0'),
      send: (message) => {
        sent.push(message);
        return Promise.resolve({ topic: 'ira.feedback' });
      },
    },
  });
  return { endpoint, sent, base: `http://127.0.0.1:${endpoint.port}` };
}

const post = (base: string, body: unknown, token?: string) =>
  fetch(`${base}/v1/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('serve HTTP endpoint', () => {
  const opened: HttpEndpoint[] = [];
  afterEach(async () => {
    for (const endpoint of opened.splice(0)) await endpoint.close();
  });
  const open = async (options: Parameters<typeof start>[0] = {}) => {
    const started = await start(options);
    opened.push(started.endpoint);
    return started;
  };

  test('/healthz answers; /readyz is 503 naming the dependency that failed; port 0 picks a free port', async () => {
    const { base, endpoint } = await open({ storeUp: false });
    expect(endpoint.port).toBeGreaterThan(0);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, checks: { kafka: { ok: true }, store: { ok: false, error: 'Error: connect ECONNREFUSED' } } });
  });

  test('/metrics is Prometheus text with the stage totals, step durations and abstentions by code', async () => {
    const { base } = await open();
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/^ira_alerts_consumed_total 5$/m);
    expect(text).toMatch(/^ira_dead_letters_total\{input="alerts"\} 1$/m);
    expect(text).toMatch(/^ira_agent_abstentions_total\{code="inconsistent"\} 1$/m);
    expect(text).toMatch(/^ira_agent_step_duration_seconds_count\{decision="abstain"\} 1$/m);
  });

  test('POST /v1/feedback without a configured token is disabled (503)', async () => {
    const { base, sent } = await open();
    const response = await post(base, { recommendation_id: 'inc-1:0', status: 'executed' }, 'anything');
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toContain('IRA_HTTP_TOKEN');
    expect(sent).toEqual([]);
  });

  test.each([
    ['no token', { recommendation_id: 'inc-1:0', status: 'executed' }, undefined, 401],
    ['a wrong token', { recommendation_id: 'inc-1:0', status: 'executed' }, 'unit-token-0123456780', 401],
    ['broken JSON', '{"recommendation_id":', TOKEN, 400],
    ['an invalid status', { recommendation_id: 'inc-1:0', status: 'done' }, TOKEN, 400],
    ['an unknown recommendation', { recommendation_id: 'inc-1:7', status: 'executed' }, TOKEN, 404],
  ])('POST /v1/feedback with %s → %s, nothing sent', async (_name, body, token, status) => {
    const { base, sent } = await open({ token: TOKEN });
    expect((await post(base, body, token)).status).toBe(status);
    expect(sent).toEqual([]);
  });

  test('POST /v1/feedback with the token → 202, the message completed (id, time, source) and sent', async () => {
    const { base, sent } = await open({ token: TOKEN });
    const response = await post(base, { recommendation_id: 'inc-1:0', status: 'rejected', comment: 'not on prod' }, TOKEN);
    expect(response.status).toBe(202);
    const body = (await response.json()) as { feedback_id: string };
    expect(sent).toEqual([expect.objectContaining({ recommendation_id: 'inc-1:0', status: 'rejected', comment: 'not on prod', source: 'http', feedback_id: body.feedback_id })]);
    expect((await fetch(`${base}/v1/feedback`)).status).toBe(405);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  });

  test('tokens compare by digest, whatever their lengths', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches('short', TOKEN)).toBe(false);
    expect(tokenMatches(`${TOKEN}x`, TOKEN)).toBe(false);
  });
});
