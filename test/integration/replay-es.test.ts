jest.setTimeout(120_000);

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSource } from '../../src/adapters/sources/file-source';
import { silentProgress } from '../../src/core/ports/progress';
import { silentLogger } from '../../src/logger';
import { IncidentAgentFields, RecommendationDocument } from '../../src/core/documents/agent-documents';
import { runSession } from '../../src/app/replay-session';
import { incidentFolder, scriptedModel } from '../unit/replay/support/scripted-replay';
import { endpoints, testConfig } from './helpers/services';

/**
 * `ira replay --es`: the documents go to a real engine (index templates applied first) under a test prefix; the
 * report still goes to the output folder. The model is the scripted double: this test is about the store path.
 */
describe.each([
  ['elasticsearch', endpoints.elasticsearch],
  ['opensearch', endpoints.opensearch],
] as const)('replay into %s', (flavor, node) => {
  const prefix = `ira-it-replay-${randomUUID().slice(0, 8)}`;
  let outDir: string;

  const search = async (index: string): Promise<{ total: number; sources: Array<Record<string, unknown>> }> => {
    const response = await fetch(`${node}/${prefix}-${index}/_search?size=200&track_total_hits=true`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { hits: { total: { value: number }; hits: Array<{ _source: Record<string, unknown> }> } };
    return { total: body.hits.total.value, sources: body.hits.hits.map((hit) => hit._source) };
  };

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'ira-replay-es-'));
  });

  afterAll(async () => {
    await fetch(`${node}/${prefix}-*`, { method: 'DELETE' }).catch(() => undefined);
    for (const name of ['alerts', 'incidents', 'recommendations', 'conjectures']) {
      await fetch(`${node}/_index_template/${prefix}-${name}`, { method: 'DELETE' }).catch(() => undefined);
    }
    await rm(outDir, { recursive: true, force: true });
  });

  it('writes alerts, the incident with its agent fields and one recommendation per step', async () => {
    const config = testConfig({ IRA_STORE_FLAVOR: flavor, IRA_ES_NODE: node, IRA_INDEX_PREFIX: prefix });
    const llm = Object.assign(scriptedModel(), { close: () => Promise.resolve() });
    const result = await runSession(
      config,
      fileSource(incidentFolder),
      { outDir, toElasticsearch: true, budget: { candidates: 2, rollouts: 1, depth: 2, maxSteps: 2, chunkSize: 50 }, method: 'planner' },
      { progress: silentProgress, logger: silentLogger, signal: new AbortController().signal, llm },
    );
    expect(result.report.output).toContain(`indices ${prefix}-*`);
    for (const index of ['alerts', 'incidents', 'recommendations', 'conjectures']) await fetch(`${node}/${prefix}-${index}/_refresh`, { method: 'POST' });
    expect((await search('alerts')).total).toBe(89);
    const recommendations = await search('recommendations');
    expect(recommendations.total).toBe(2);
    for (const source of recommendations.sources) RecommendationDocument.parse(source);
    const incidents = await search('incidents');
    expect(incidents.total).toBe(1);
    IncidentAgentFields.parse(incidents.sources[0]);
    expect(incidents.sources[0]).toMatchObject({ alert_count: 89, agent_step: 2 });
    expect((await search('conjectures')).total).toBe(result.report.incidents[0]!.revisions.length);
  });
});
