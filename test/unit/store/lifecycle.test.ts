import { ensureAlertsLifecycle, ilmAlertsPolicy, ismAlertsPolicy, rolloverDays } from '../../../src/adapters/store/lifecycle';
import type { StoreRequest, StoreResponse, StoreTransport } from '../../../src/adapters/store/transport';

/**
 * The policy path, which the integration stores (integ-test distributions without ILM or ISM) cannot reach:
 * a transport double that answers like a cluster with the lifecycle manager and records the calls.
 */
function clusterWithManager(flavor: StoreTransport['flavor'], policyStored: boolean) {
  const calls: StoreRequest[] = [];
  const transport: StoreTransport = {
    flavor,
    request(request: StoreRequest): Promise<StoreResponse> {
      calls.push(request);
      if (request.method === 'GET' && /_ilm|_ism/.test(request.path)) {
        return Promise.resolve(policyStored ? { statusCode: 200, body: { _seq_no: 7, _primary_term: 2 } } : { statusCode: 404, body: {} });
      }
      if (request.method === 'GET' && request.path.startsWith('/_alias/')) return Promise.resolve({ statusCode: 404, body: {} });
      if (request.method === 'HEAD') return Promise.resolve({ statusCode: 404, body: false });
      return Promise.resolve({ statusCode: 200, body: { acknowledged: true } });
    },
    close: () => Promise.resolve(),
  };
  return { transport, calls };
}

const signal = new AbortController().signal;

test('rollover every third of the retention, at most 30 days, at least 1', () => {
  expect([rolloverDays(1), rolloverDays(7), rolloverDays(90), rolloverDays(365)]).toEqual([1, 3, 30, 30]);
  expect(ilmAlertsPolicy({ prefix: 'p', retentionDays: 7 })).toMatchObject({ phases: { hot: { actions: { rollover: { max_age: '3d' } } }, delete: { min_age: '7d' } } });
  expect(ismAlertsPolicy({ prefix: 'p', retentionDays: 7 })).toMatchObject({ ism_template: [{ index_patterns: ['p-alerts-*'] }] });
});

test('Elasticsearch: ILM policy, template with lifecycle settings, write index, policy on it', async () => {
  const { transport, calls } = clusterWithManager('elasticsearch', false);
  const report = await ensureAlertsLifecycle(transport, { prefix: 'p', retentionDays: 30 }, signal);
  expect(report).toEqual({ manager: 'ilm', policyApplied: true, policy: 'p-alerts', alias: 'p-alerts', writeIndex: 'p-alerts-000001', legacyIndex: false });
  expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual([
    'GET /_ilm/policy/p-alerts', 'PUT /_ilm/policy/p-alerts', 'PUT /_index_template/p-alerts-lifecycle', 'GET /_alias/p-alerts', 'HEAD /p-alerts',
    'PUT /p-alerts-000001', 'PUT /p-alerts-000001/_settings',
  ]);
  const template = calls[2]?.body as { index_patterns: string[]; priority: number; template: { settings: Record<string, unknown> } };
  expect(template.index_patterns).toEqual(['p-alerts-*']);
  expect(template.template.settings).toMatchObject({ 'index.lifecycle.name': 'p-alerts', 'index.lifecycle.rollover_alias': 'p-alerts' });
  expect(calls[5]?.body).toEqual({ aliases: { 'p-alerts': { is_write_index: true } } });
});

test('OpenSearch: an existing ISM policy is updated with its seq_no and primary term', async () => {
  const { transport, calls } = clusterWithManager('opensearch', true);
  const report = await ensureAlertsLifecycle(transport, { prefix: 'p', retentionDays: 30 }, signal);
  expect(report).toMatchObject({ manager: 'ism', policyApplied: true, writeIndex: 'p-alerts-000001' });
  expect(calls[1]).toMatchObject({ method: 'PUT', path: '/_plugins/_ism/policies/p-alerts', querystring: { if_seq_no: 7, if_primary_term: 2 } });
  const template = calls[2]?.body as { template: { settings: Record<string, unknown> } };
  expect(template.template.settings).toMatchObject({ 'plugins.index_state_management.rollover_alias': 'p-alerts' });
  expect(calls.at(-1)).toMatchObject({ method: 'POST', path: '/_plugins/_ism/add/p-alerts-000001', body: { policy_id: 'p-alerts' } });
});
