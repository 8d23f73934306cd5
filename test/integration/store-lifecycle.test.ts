// jest 29 ignores a per-project testTimeout (jest.config.js), so the budget is set here.
jest.setTimeout(300_000);

import { createDocumentStore } from '../../src/adapters/store/create-document-store';
import type { EngineDocumentStore } from '../../src/adapters/store/http-document-store';
import { indexTemplates } from '../../src/adapters/store/index-templates';
import type { LifecycleReport } from '../../src/adapters/store/lifecycle';
import { silentLogger } from '../../src/logger';
import { createScope, type TestScope } from './helpers/scope';
import { endpoints, testConfig } from './helpers/services';

const engines = [
  { flavor: 'elasticsearch' as const, node: endpoints.elasticsearch, policyPath: (name: string) => `/_ilm/policy/${name}` },
  ...(process.env.IRA_TEST_OPENSEARCH === '1'
    ? [{ flavor: 'opensearch' as const, node: endpoints.opensearch, policyPath: (name: string) => `/_plugins/_ism/policies/${name}` }]
    : []),
];

const alert = (id: string) => ({
  '@timestamp': '2024-01-02T03:04:05.000Z',
  message: `alert ${id}`,
  event: { kind: 'alert', id, severity: 47.5, risk_score: 47.5, original: 'x'.repeat(40_000) },
  rule: { name: 'r'.repeat(33_000) },
  source: { ip: '10.0.0.1' },
  ira: { format: 'generic-json', alert_id: id },
});

/** Does this cluster answer the lifecycle API at all? The integ-test distributions ship neither ILM nor ISM. */
async function lifecycleApiPresent(node: string, path: string): Promise<boolean> {
  const response = await fetch(`${node}${path}`);
  await response.arrayBuffer();
  return response.status !== 400 && response.status !== 405;
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe.each(engines)('alerts lifecycle on $flavor ($node)', ({ flavor, node, policyPath }) => {
  let scope: TestScope;
  let store: EngineDocumentStore;
  let first: LifecycleReport;
  const signal = new AbortController().signal;
  const options = () => ({ prefix: scope.prefix, retentionDays: 7 });

  beforeAll(async () => {
    scope = createScope(`lc-${flavor.slice(0, 2)}`, [node]);
    const config = testConfig({ IRA_STORE_FLAVOR: flavor, IRA_ES_NODE: node, IRA_STORE_RETRY_MAX_MS: '5000' });
    store = createDocumentStore(config.store, silentLogger);
    scope.track(() => store.close());
    // The helper deletes indices by their plain names; the backing index, the extra template and the policy are ours.
    scope.track(async () => {
      await fetch(`${node}/${scope.indices.alerts}-000001?ignore_unavailable=true`, { method: 'DELETE' });
      await fetch(`${node}/_index_template/${scope.indices.alerts}-lifecycle`, { method: 'DELETE' });
      await fetch(`${node}${policyPath(scope.indices.alerts)}`, { method: 'DELETE' });
    });
    await store.ensureTemplates(indexTemplates(scope.prefix), signal);
    first = await store.ensureLifecycle(options(), signal);
  });
  afterAll(() => scope.cleanup());

  test('after startup the alerts name is an alias whose write index is <prefix>-alerts-000001', async () => {
    expect(first).toMatchObject({ alias: scope.indices.alerts, writeIndex: `${scope.indices.alerts}-000001`, legacyIndex: false });
    const { status, body } = await getJson(`${node}/_alias/${scope.indices.alerts}`);
    expect(status).toBe(200);
    expect(body).toEqual({ [`${scope.indices.alerts}-000001`]: { aliases: { [scope.indices.alerts]: { is_write_index: true } } } });
  });

  test('the policy exists when the engine has a lifecycle manager, and the report says which', async () => {
    const present = await lifecycleApiPresent(node, policyPath(scope.indices.alerts));
    expect(first.policyApplied).toBe(present);
    expect(first.manager).toBe(flavor === 'elasticsearch' ? 'ilm' : 'ism');
    const settings = await getJson(`${node}/${scope.indices.alerts}-000001/_settings?flat_settings=true`);
    const indexSettings = (settings.body[`${scope.indices.alerts}-000001`] as { settings: Record<string, string> }).settings;
    if (present) {
      const policy = await getJson(`${node}${policyPath(scope.indices.alerts)}`);
      expect(policy.status).toBe(200);
      expect(JSON.stringify(policy.body)).toContain('"7d"');
      const key = flavor === 'elasticsearch' ? 'index.lifecycle.rollover_alias' : 'index.plugins.index_state_management.rollover_alias';
      expect(indexSettings[key]).toBe(scope.indices.alerts);
    } else {
      // Without the manager the backing index carries no lifecycle setting the engine would refuse.
      expect(Object.keys(indexSettings).filter((key) => key.includes('lifecycle') || key.includes('index_state_management'))).toEqual([]);
    }
  });

  test('applying twice is harmless: same write index, still one backing index', async () => {
    const second = await store.ensureLifecycle(options(), signal);
    expect(second).toEqual(first);
    await store.ensureTemplates(indexTemplates(scope.prefix), signal);
    const third = await store.ensureLifecycle(options(), signal);
    expect(third).toEqual(first);
    const { body } = await getJson(`${node}/_alias/${scope.indices.alerts}`);
    expect(Object.keys(body)).toEqual([`${scope.indices.alerts}-000001`]);
  });

  test('create-by-id through the alias stays idempotent; the backing index has the alerts mappings', async () => {
    const operation = { op: 'create' as const, index: scope.indices.alerts, id: 'lc-1', document: alert('lc-1') };
    const [written] = await store.bulk([operation], signal);
    const [again] = await store.bulk([operation], signal);
    expect(written).toMatchObject({ status: 'written', result: 'created' });
    expect(again).toEqual({ status: 'exists', id: 'lc-1' });
    expect((await store.get(scope.indices.alerts, 'lc-1', signal))?.index).toBe(`${scope.indices.alerts}-000001`);
    const { body } = await getJson(`${node}/${scope.indices.alerts}-000001/_mapping`);
    const mapping = body[`${scope.indices.alerts}-000001`] as { mappings: { properties: { event: { properties: Record<string, { type: string }> } } } };
    expect(mapping.mappings.properties.event.properties.severity?.type).toBe('long');
    expect(mapping.mappings.properties.event.properties.risk_score?.type).toBe('float');
  });

  test('an alerts name that is already a plain index is reported as legacy and left alone', async () => {
    const legacy = createScope(`lg-${flavor.slice(0, 2)}`, [node]);
    try {
      const created = await fetch(`${node}/${legacy.indices.alerts}`, { method: 'PUT' });
      expect(created.status).toBe(200);
      const report = await store.ensureLifecycle({ prefix: legacy.prefix, retentionDays: 7 }, signal);
      expect(report).toMatchObject({ legacyIndex: true, writeIndex: undefined });
      const alias = await fetch(`${node}/_alias/${legacy.indices.alerts}`);
      expect(alias.status).toBe(404);
    } finally {
      await fetch(`${node}/_index_template/${legacy.indices.alerts}-lifecycle`, { method: 'DELETE' });
      await fetch(`${node}${policyPath(legacy.indices.alerts)}`, { method: 'DELETE' });
      await legacy.cleanup();
    }
  });
});
