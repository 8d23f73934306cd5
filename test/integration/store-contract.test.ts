// jest 29 ignores a per-project testTimeout (jest.config.js), so the budget is set here.
jest.setTimeout(300_000);

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDocumentStore } from '../../src/adapters/store/create-document-store';
import { indexTemplates } from '../../src/adapters/store/index-templates';
import { NdjsonStore } from '../../src/adapters/store/ndjson-store';
import type { DocumentStore, WriteOutcome } from '../../src/core/ports/store';
import { ErrorCodes, IraError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import { createScope, type TestScope } from './helpers/scope';
import { storeAlert } from './helpers/store-alert';
import { endpoints, testConfig } from './helpers/services';

/**
 * The document store port's contract: the same cases against the NDJSON store (replay's default), Elasticsearch and
 * OpenSearch, so the file store's imitation of the engines (conditions, onlyIfNewer, mapping refusals, search,
 * paging) cannot drift from what the engines do.
 */
interface Adapter {
  readonly name: string;
  readonly nodes: string[];
  open(prefix: string): Promise<{ store: DocumentStore; close: () => Promise<void> }>;
}

function engine(flavor: 'elasticsearch' | 'opensearch', node: string): Adapter {
  return {
    name: flavor,
    nodes: [node],
    open: () => {
      const config = testConfig({ IRA_STORE_FLAVOR: flavor, IRA_ES_NODE: node, IRA_STORE_RETRY_MAX_MS: '5000' });
      const store = createDocumentStore(config.store, silentLogger);
      return Promise.resolve({ store, close: () => store.close() });
    },
  };
}

const ndjson: Adapter = {
  name: 'ndjson',
  nodes: [],
  open: async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ira-store-contract-'));
    const store = await NdjsonStore.open({ directory });
    return { store, close: async () => { await store.close(); await rm(directory, { recursive: true, force: true }); } };
  },
};

const adapters: Adapter[] = [
  ndjson,
  engine('elasticsearch', endpoints.elasticsearch),
  ...(process.env.IRA_TEST_OPENSEARCH === '1' ? [engine('opensearch', endpoints.opensearch)] : []),
];

const alert = storeAlert;

describe.each(adapters)('document store contract on $name', (adapter) => {
  let scope: TestScope;
  let store: DocumentStore;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    scope = createScope(`contract-${adapter.name.slice(0, 2)}`, adapter.nodes);
    const opened = await adapter.open(scope.prefix);
    store = opened.store;
    scope.track(opened.close);
    await store.ensureTemplates(indexTemplates(scope.prefix), signal);
  });
  afterAll(() => scope.cleanup());

  test('a missing document is undefined, not an error', async () => {
    expect(await store.get(scope.indices.alerts, 'never-written', signal)).toBeUndefined();
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
    expect(rejected.reason).toMatch(/source\.ip/);
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

  test('an aborted signal ends a call with an aborted error', async () => {
    const controller = new AbortController();
    controller.abort();
    const failure = await store.get(scope.indices.alerts, 'ok-1', controller.signal).catch((error: unknown) => error);
    expect(IraError.isInstance(failure) && failure.code).toBe(ErrorCodes.aborted);
  });
});
