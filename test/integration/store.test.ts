// jest 29 ignores a per-project testTimeout (jest.config.js), so the budget is set here.
jest.setTimeout(300_000);

import { createServer, type Server } from 'node:net';
import { createDocumentStore } from '../../src/adapters/store/create-document-store';
import { indexTemplates } from '../../src/adapters/store/index-templates';
import type { DocumentStore } from '../../src/core/ports/store';
import { ErrorCodes, IraError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import { createScope, type TestScope } from './helpers/scope';
import { storeAlert } from './helpers/store-alert';
import { endpoints, testConfig } from './helpers/services';

const engines = [
  { flavor: 'elasticsearch' as const, node: endpoints.elasticsearch },
  ...(process.env.IRA_TEST_OPENSEARCH === '1' ? [{ flavor: 'opensearch' as const, node: endpoints.opensearch }] : []),
];

function storeFor(flavor: 'elasticsearch' | 'opensearch', node: string, retryMaxMs = 5000): DocumentStore {
  const config = testConfig({ IRA_STORE_FLAVOR: flavor, IRA_ES_NODE: node, IRA_STORE_RETRY_MAX_MS: String(retryMaxMs) });
  return createDocumentStore(config.store, silentLogger);
}

const alert = storeAlert;

describe.each(engines)('document store on $flavor ($node)', ({ flavor, node }) => {
  let scope: TestScope;
  let store: DocumentStore;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    scope = createScope(`store-${flavor.slice(0, 2)}`, [node]);
    store = storeFor(flavor, node);
    scope.track(() => store.close());
    await store.ensureTemplates(indexTemplates(scope.prefix), signal);
  });
  afterAll(() => scope.cleanup());

  test('applies the mappings: event.original is kept but not indexed, IPs are ip, message is text + keyword', async () => {
    await store.bulk([{ op: 'create', index: scope.indices.alerts, id: 'm1', document: alert('m1') }], signal);
    const response = await fetch(`${node}/${scope.indices.alerts}/_mapping`);
    type Field = { type?: string; index?: boolean; fields?: Record<string, Field>; properties?: Record<string, Field> };
    const mapping = (await response.json()) as Record<string, { mappings: { properties: Record<string, Field> } }>;
    const properties = mapping[scope.indices.alerts]?.mappings.properties ?? {};
    expect(properties.event?.properties?.original).toMatchObject({ type: 'keyword', index: false });
    expect(properties.source?.properties?.ip?.type).toBe('ip');
    expect(properties.message).toMatchObject({ type: 'text', fields: { keyword: { type: 'keyword' } } });
    expect(properties['@timestamp']?.type).toBe('date');
  });

  test('an unreachable node is a retryable store-unavailable error once the retry budget is spent', async () => {
    const closed = await closedPort();
    const unreachable = storeFor(flavor, `http://127.0.0.1:${closed}`, 1500);
    const started = Date.now();
    const failure = await unreachable.bulk([{ op: 'create', index: scope.indices.alerts, id: 'x', document: alert('x') }], signal).catch((error: unknown) => error);
    await unreachable.close();
    expect(IraError.isInstance(failure) && failure.code).toBe(ErrorCodes.storeUnavailable);
    expect((failure as IraError).retryable).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(Date.now() - started).toBeLessThan(10000);
  });

});

/** A port that refuses connections: bound once to learn a free number, then closed. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 1;
}
