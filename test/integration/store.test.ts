// jest 29 ignores a per-project testTimeout (jest.config.js), so the budget is set here.
jest.setTimeout(300_000);

import { createServer, type Server } from 'node:net';
import { createDocumentStore } from '../../src/adapters/store/create-document-store';
import { indexTemplates } from '../../src/adapters/store/index-templates';
import type { DocumentStore, WriteOutcome } from '../../src/core/ports/store';
import { ErrorCodes, IraError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import { createScope, type TestScope } from './helpers/scope';
import { endpoints, testConfig } from './helpers/services';

const engines = [
  { flavor: 'elasticsearch' as const, node: endpoints.elasticsearch },
  ...(process.env.IRA_TEST_OPENSEARCH === '1' ? [{ flavor: 'opensearch' as const, node: endpoints.opensearch }] : []),
];

function storeFor(flavor: 'elasticsearch' | 'opensearch', node: string, retryMaxMs = 5000): DocumentStore {
  const config = testConfig({ IRA_STORE_FLAVOR: flavor, IRA_ES_NODE: node, IRA_STORE_RETRY_MAX_MS: String(retryMaxMs) });
  return createDocumentStore(config.store, silentLogger);
}

const alert = (id: string, extra: Record<string, unknown> = {}) => ({
  '@timestamp': '2024-01-02T03:04:05.000Z',
  message: `alert ${id}`,
  event: { kind: 'alert', id, severity: 50, original: `{"raw":"${id}"}` },
  source: { ip: '10.0.0.1' },
  ira: { format: 'generic-json', alert_id: id },
  ...extra,
});

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

  test('create is idempotent: a second create of the same id reports exists and writes nothing', async () => {
    const operation = { op: 'create' as const, index: scope.indices.alerts, id: 'dup-1', document: alert('dup-1') };
    const [first] = await store.bulk([operation], signal);
    const [second] = await store.bulk([{ ...operation, document: alert('dup-1', { message: 'changed' }) }], signal);
    expect(first).toMatchObject({ status: 'written', result: 'created' });
    expect(second).toEqual({ status: 'exists', id: 'dup-1' });
    const stored = await store.get(scope.indices.alerts, 'dup-1', signal);
    expect(stored?.source.message).toBe('alert dup-1');
  });

  test('a document the mapping refuses is a rejected outcome, and the others in the bulk are written', async () => {
    const outcomes = await store.bulk(
      [
        { op: 'create', index: scope.indices.alerts, id: 'ok-1', document: alert('ok-1') },
        { op: 'create', index: scope.indices.alerts, id: 'bad-ip', document: alert('bad-ip', { source: { ip: 'not-an-ip' } }) },
        { op: 'create', index: scope.indices.alerts, id: 'ok-2', document: alert('ok-2') },
      ],
      signal,
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['written', 'rejected', 'written']);
    const rejected = outcomes[1] as Extract<WriteOutcome, { status: 'rejected' }>;
    expect(rejected.statusCode).toBe(400);
    expect(rejected.errorType).toMatch(/parsing_exception/);
    expect(await store.get(scope.indices.alerts, 'bad-ip', signal)).toBeUndefined();
  });

  test('conditional writes: a stale seq_no/primary_term is a conflict value, a fresh one writes', async () => {
    const index = scope.indices.incidents;
    await store.bulk([{ op: 'index', index, id: 'inc-1', document: { id: 'inc-1', version: 1, status: 'open' } }], signal);
    const current = await store.get(index, 'inc-1', signal);
    expect(current).toBeDefined();
    const condition = { seqNo: current!.seqNo, primaryTerm: current!.primaryTerm };
    const [fresh] = await store.bulk([{ op: 'index', index, id: 'inc-1', document: { id: 'inc-1', version: 2 }, condition }], signal);
    const [stale] = await store.bulk([{ op: 'index', index, id: 'inc-1', document: { id: 'inc-1', version: 3 }, condition }], signal);
    expect(fresh).toMatchObject({ status: 'written', result: 'updated' });
    expect(stale).toEqual({ status: 'conflict', id: 'inc-1' });
    expect((await store.get(index, 'inc-1', signal))?.source.version).toBe(2);
  });

  test('update merges top-level fields, upserts, and an older version never overwrites a newer one', async () => {
    const index = scope.indices.incidents;
    const write = (version: number, fields: Record<string, unknown>) =>
      store.bulk([{ op: 'update', index, id: 'inc-2', doc: { version, ...fields }, upsert: true, onlyIfNewer: { field: 'version', value: version } }], signal);
    expect((await write(2, { score: 20, entities: { hosts: ['a'] } }))[0]).toMatchObject({ status: 'written', result: 'created' });
    await store.bulk([{ op: 'update', index, id: 'inc-2', doc: { agent_state: 'planned' }, upsert: false }], signal);
    expect((await write(1, { score: 10 }))[0]).toEqual({ status: 'noop', id: 'inc-2' });
    expect((await write(3, { score: 30 }))[0]).toMatchObject({ status: 'written', result: 'updated' });
    const stored = await store.get(index, 'inc-2', signal);
    expect(stored?.source).toMatchObject({ version: 3, score: 30, entities: { hosts: ['a'] }, agent_state: 'planned' });
    const [missing] = await store.bulk([{ op: 'update', index, id: 'nope', doc: { a: 1 }, upsert: false }], signal);
    expect(missing).toEqual({ status: 'not-found', id: 'nope' });
  });

  test('search filters by term and range, sorts, pages with searchAfter, and counts exactly', async () => {
    const index = scope.indices.recommendations;
    const operations = Array.from({ length: 25 }, (_, i) => ({
      op: 'index' as const,
      index,
      id: `r-${String(i).padStart(2, '0')}`,
      document: { '@timestamp': new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString(), incident: { id: i % 2 === 0 ? 'even' : 'odd' }, step: i },
    }));
    await store.bulk(operations, signal);
    await store.refresh(index, signal);
    const first = await store.search(
      { index, filters: [{ kind: 'term', field: 'incident.id', value: 'even' }, { kind: 'range', field: 'step', gte: 4 }], sort: [{ field: 'step', order: 'asc' }], size: 5 },
      signal,
    );
    expect(first.total).toBe(11);
    expect(first.hits.map((hit) => hit.source.step)).toEqual([4, 6, 8, 10, 12]);
    expect(first.hits[0]?.seqNo).toBeGreaterThanOrEqual(0);
    const second = await store.search(
      { index, filters: [{ kind: 'term', field: 'incident.id', value: 'even' }, { kind: 'range', field: 'step', gte: 4 }], sort: [{ field: 'step', order: 'asc' }], size: 5, searchAfter: first.hits[4]!.sort! },
      signal,
    );
    expect(second.hits.map((hit) => hit.source.step)).toEqual([14, 16, 18, 20, 22]);
    const missing = await store.search({ index: `${scope.prefix}-absent`, size: 1 }, signal);
    expect(missing).toEqual({ total: 0, hits: [] });
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

  test('an aborted signal ends a call with an aborted error', async () => {
    const controller = new AbortController();
    controller.abort();
    const failure = await store.get(scope.indices.alerts, 'ok-1', controller.signal).catch((error: unknown) => error);
    expect(IraError.isInstance(failure) && failure.code).toBe(ErrorCodes.aborted);
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
