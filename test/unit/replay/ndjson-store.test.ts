import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NdjsonStore } from '../../../src/adapters/store/ndjson-store';

/** The store port on NDJSON files (offline replay): the engines' write and search semantics, and the files on disk. */
const signal = new AbortController().signal;

describe('NdjsonStore', () => {
  let directory: string;
  let store: NdjsonStore;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ira-ndjson-'));
    store = await NdjsonStore.open({ directory });
  });

  afterEach(async () => {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('create is idempotent: a second create of the id reports exists and keeps the first document', async () => {
    const first = await store.bulk([{ op: 'create', index: 'a', id: '1', document: { n: 1 } }], signal);
    const second = await store.bulk([{ op: 'create', index: 'a', id: '1', document: { n: 2 } }], signal);
    expect(first[0]).toMatchObject({ status: 'written', result: 'created' });
    expect(second[0]).toEqual({ status: 'exists', id: '1' });
    expect((await store.get('a', '1', signal))?.source).toEqual({ n: 1 });
  });

  it('update merges top-level fields, upserts, and honours onlyIfNewer and seq_no conditions', async () => {
    await store.bulk([{ op: 'update', index: 'i', id: 'x', doc: { version: 2, a: 1 }, upsert: true }], signal);
    const stale = await store.bulk([{ op: 'update', index: 'i', id: 'x', doc: { version: 1, a: 9 }, upsert: true, onlyIfNewer: { field: 'version', value: 1 } }], signal);
    expect(stale[0]).toEqual({ status: 'noop', id: 'x' });
    await store.bulk([{ op: 'update', index: 'i', id: 'x', doc: { b: 2 }, upsert: false }], signal);
    const stored = await store.get('i', 'x', signal);
    expect(stored?.source).toEqual({ version: 2, a: 1, b: 2 });
    const unchanged = await store.bulk([{ op: 'update', index: 'i', id: 'x', doc: { b: 2 }, upsert: false }], signal);
    expect(unchanged[0]).toEqual({ status: 'noop', id: 'x' });
    const missing = await store.bulk([{ op: 'update', index: 'i', id: 'y', doc: { b: 2 }, upsert: false }], signal);
    expect(missing[0]).toEqual({ status: 'not-found', id: 'y' });
    const conflict = await store.bulk(
      [{ op: 'index', index: 'i', id: 'x', document: { c: 1 }, condition: { seqNo: stored!.seqNo - 1, primaryTerm: 1 } }],
      signal,
    );
    expect(conflict[0]).toEqual({ status: 'conflict', id: 'x' });
    const applied = await store.bulk([{ op: 'index', index: 'i', id: 'x', document: { c: 1 }, condition: { seqNo: stored!.seqNo, primaryTerm: 1 } }], signal);
    expect(applied[0]).toMatchObject({ status: 'written', result: 'updated' });
  });

  it('update merges nested objects key by key, as the engines do; arrays and values replace', async () => {
    await store.bulk([{ op: 'index', index: 'n', id: 'r', document: { ira: { status: 'recommended', alert_ids: ['a', 'b'], action: { kind: 'block-ip' } }, step: 1 } }], signal);
    await store.bulk([{ op: 'update', index: 'n', id: 'r', doc: { ira: { status: 'superseded', alert_ids: ['c'] } }, upsert: false }], signal);
    expect((await store.get('n', 'r', signal))?.source).toEqual({ ira: { status: 'superseded', alert_ids: ['c'], action: { kind: 'block-ip' } }, step: 1 });
  });

  it('searches with term, terms, range (dates as instants) and exists filters, sorted, paged with searchAfter', async () => {
    const docs = [
      { id: 'a', t: '2024-01-01T00:00:00Z', incident: { id: 'i1' }, tags: ['x', 'y'], n: 3 },
      { id: 'b', t: '2024-01-01T00:00:01.5+00:00', incident: { id: 'i1' }, tags: ['y'], n: 1 },
      { id: 'c', t: '2024-01-02T00:00:00Z', incident: { id: 'i2' }, n: 2 },
      { id: 'd', t: '2023-12-31T23:59:59Z', incident: { id: 'i1' }, tags: ['z'], n: 4 },
    ];
    await store.bulk(docs.map(({ id, ...document }) => ({ op: 'index', index: 's', id, document })), signal);
    const byIncident = await store.search({ index: 's', filters: [{ kind: 'term', field: 'incident.id', value: 'i1' }], sort: [{ field: 't', order: 'asc' }] }, signal);
    expect(byIncident.total).toBe(3);
    expect(byIncident.hits.map((hit) => hit.id)).toEqual(['d', 'a', 'b']);
    const ranged = await store.search({ index: 's', filters: [{ kind: 'range', field: 't', gte: '2024-01-01T00:00:00.000Z', lt: '2024-01-02T00:00:00Z' }] }, signal);
    expect(ranged.hits.map((hit) => hit.id).sort()).toEqual(['a', 'b']);
    const tagged = await store.search({ index: 's', filters: [{ kind: 'terms', field: 'tags', values: ['z', 'x'] }, { kind: 'exists', field: 'tags' }] }, signal);
    expect(tagged.hits.map((hit) => hit.id).sort()).toEqual(['a', 'd']);
    const page1 = await store.search({ index: 's', sort: [{ field: 'n', order: 'desc' }], size: 2 }, signal);
    expect(page1.hits.map((hit) => hit.id)).toEqual(['d', 'a']);
    const page2 = await store.search({ index: 's', sort: [{ field: 'n', order: 'desc' }], size: 2, searchAfter: page1.hits.at(-1)!.sort! }, signal);
    expect(page2.hits.map((hit) => hit.id)).toEqual(['c', 'b']);
    expect((await store.search({ index: 'missing' }, signal)).total).toBe(0);
  });

  it('keeps one line per document in <index>.ndjson and loads the folder again on open', async () => {
    await store.bulk(
      [
        { op: 'index', index: 'ira-x', id: '1', document: { v: 1 } },
        { op: 'index', index: 'ira-x', id: '2', document: { v: 2 } },
        { op: 'index', index: 'ira-x', id: '1', document: { v: 3 } },
      ],
      signal,
    );
    const lines = (await readFile(join(directory, 'ira-x.ndjson'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([{ _id: '1', _source: { v: 3 } }, { _id: '2', _source: { v: 2 } }]);
    const reopened = await NdjsonStore.open({ directory });
    expect((await reopened.get('ira-x', '1', signal))?.source).toEqual({ v: 3 });
    expect(reopened.documents('ira-x')).toHaveLength(2);
    await reopened.close();
  });

  it('refuses a file that is not one document per line, and work after close or abort', async () => {
    await writeFile(join(directory, 'broken.ndjson'), '{"_id":"1","_source":{}}\nnot json\n');
    await expect(NdjsonStore.open({ directory })).rejects.toThrow(/broken.ndjson:2: not JSON/);
    const aborted = new AbortController();
    aborted.abort();
    await expect(store.bulk([{ op: 'index', index: 'a', id: '1', document: {} }], aborted.signal)).rejects.toThrow(/aborted/);
    await store.close();
    await expect(store.bulk([{ op: 'index', index: 'a', id: '1', document: {} }], signal)).rejects.toThrow(/closed/);
  });
});
