// jest 29 ignores a per-project testTimeout (jest.config.js), so the budget is set here.
jest.setTimeout(300_000);

import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createDocumentStore } from '../../src/adapters/store/create-document-store';
import { indexTemplates } from '../../src/adapters/store/index-templates';
import { RecommendationDocument } from '../../src/core/documents/agent-documents';
import { supersedeWrite } from '../../src/core/documents/recommendation-status';
import type { Document, DocumentStore, IndexNames, WriteOperation } from '../../src/core/ports/store';
import { silentLogger } from '../../src/logger';
import { scriptedReplay, type ScriptedReplay } from '../unit/replay/support/scripted-replay';
import { createScope, type TestScope } from './helpers/scope';
import { endpoints, opensearchExpected, testConfig } from './helpers/services';

/**
 * The documents a scripted replay writes (recommendations, incident, conjectures, a few alerts) indexed into the real
 * engines with the real templates (mappings/): no item refused, no field ignored as malformed, the analyst's fields
 * mapped and searchable, and the superseding update merging into the stored recommendation.
 */
const engines = [
  { flavor: 'elasticsearch' as const, node: endpoints.elasticsearch },
  ...(opensearchExpected() ? [{ flavor: 'opensearch' as const, node: endpoints.opensearch }] : []),
];

type Stored = { _id: string; _source: Document };

async function written(directory: string, index: string): Promise<Stored[]> {
  const text = await readFile(join(directory, `${index}.ndjson`), 'utf8');
  return text.trim().split('\n').map((line) => JSON.parse(line) as Stored);
}

async function json(url: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await response.json()) as Record<string, unknown>;
}

const hits = (answer: Record<string, unknown>) => (answer.hits as { total: { value: number }; hits: { _id: string }[] });

let replay: ScriptedReplay;

beforeAll(async () => {
  replay = await scriptedReplay();
});

afterAll(async () => {
  await rm(replay.directory, { recursive: true, force: true });
});

describe.each(engines)('analyst documents on $flavor ($node)', ({ flavor, node }) => {
  let scope: TestScope;
  let store: DocumentStore;
  let indices: IndexNames;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    scope = createScope(`docs-${flavor.slice(0, 2)}`, [node]);
    indices = scope.indices;
    store = createDocumentStore(testConfig({ IRA_STORE_FLAVOR: flavor, IRA_ES_NODE: node }).store, silentLogger);
    scope.track(() => store.close());
    await store.ensureTemplates(indexTemplates(scope.prefix), signal);
  });
  afterAll(() => scope.cleanup());

  test('every document is indexed with zero errors and no field ignored', async () => {
    const operations: WriteOperation[] = [];
    const add = (index: string, docs: Stored[]) => operations.push(...docs.map((doc): WriteOperation => ({ op: 'index', index, id: doc._id, document: doc._source })));
    add(indices.recommendations, await written(replay.directory, 'ira-recommendations'));
    add(indices.incidents, await written(replay.directory, 'ira-incidents'));
    add(indices.conjectures, await written(replay.directory, 'ira-conjectures'));
    add(indices.alerts, (await written(replay.directory, 'ira-alerts')).slice(0, 10));
    const outcomes = await store.bulk(operations, signal);
    expect(outcomes.filter((outcome) => outcome.status !== 'written')).toEqual([]);
    for (const index of Object.values(indices)) await store.refresh(index, signal);
    // ignore_malformed would drop a bad IP silently: nothing may land in _ignored.
    const ignored = await json(`${node}/${Object.values(indices).join(',')}/_search`, { query: { exists: { field: '_ignored' } } });
    expect(hits(ignored).total.value).toBe(0);
  });

  test('the analyst fields are mapped as the templates say and are searchable', async () => {
    const mapping = await json(`${node}/${indices.recommendations}/_mapping/field/related.ip,ira.status,event.severity,event.risk_score,message,ira.action.typed_targets.type`);
    const types = Object.fromEntries(
      Object.entries((mapping[indices.recommendations] as { mappings: Record<string, { mapping: Record<string, { type: string }> }> }).mappings).map(([field, value]) => [field, Object.values(value.mapping)[0]?.type]),
    );
    expect(types).toEqual({
      'related.ip': 'ip',
      'ira.status': 'keyword',
      'event.severity': 'long',
      'event.risk_score': 'float',
      message: 'text',
      'ira.action.typed_targets.type': 'keyword',
    });
    const byIp = await json(`${node}/${indices.recommendations}/_search`, {
      query: { bool: { filter: [{ term: { 'related.ip': '10.0.1.11' } }, { term: { 'ira.status': 'recommended' } }, { term: { 'ira.action.kind': 'analyse' } }] } },
    });
    expect(hits(byIp).hits.map((hit) => hit._id)).toEqual([`${replay.report.incidents[0]!.incident.id}:1`]);
    const summary = await json(`${node}/${indices.incidents}/_search`, { query: { term: { 'ira.summary.entities.ips.ip': '10.0.1.11' } } });
    expect(hits(summary).total.value).toBe(1);
  });

  test('superseding merges into the stored recommendation and never touches an answered one', async () => {
    const id = `${replay.report.incidents[0]!.incident.id}:1`;
    const stored = await store.get(indices.recommendations, id, signal);
    const write = supersedeWrite(indices.recommendations, stored, `${replay.report.incidents[0]!.incident.id}:2`, '2026-06-10T15:00:00.000Z');
    expect((await store.bulk([write!], signal))[0]).toMatchObject({ status: 'written' });
    const after = await store.get(indices.recommendations, id, signal);
    const document = RecommendationDocument.parse(after?.source);
    expect(document.ira).toMatchObject({ status: 'superseded', superseded_by: `${replay.report.incidents[0]!.incident.id}:2`, action: { kind: 'analyse' } });
    expect(document.ira.candidates.length).toBeGreaterThan(0);
    // Replaying the same write against the version it read is a conflict: whatever came in between wins.
    expect((await store.bulk([write!], signal))[0]).toMatchObject({ status: 'conflict' });
    expect(supersedeWrite(indices.recommendations, after, 'x', '2026-06-10T15:00:00.000Z')).toBeUndefined();
  });
});
