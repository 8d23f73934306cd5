// jest 29 ignores a per-project testTimeout (jest.config.js), so the budget is set here.
jest.setTimeout(300_000);

import fc from 'fast-check';
import { createDocumentStore } from '../../src/adapters/store/create-document-store';
import { indexTemplates } from '../../src/adapters/store/index-templates';
import { normalizeAlert, type NormalizedAlert } from '../../src/core/alert';
import type { DocumentStore, WriteOutcome } from '../../src/core/ports/store';
import { silentLogger } from '../../src/logger';
import { hostileValue, JSON_FIXTURES, mutatedJsonAlert, mutatedLine } from '../unit/fuzz/arbitraries';
import { createScope, type TestScope } from './helpers/scope';
import { endpoints, opensearchExpected, testConfig } from './helpers/services';

/**
 * A seeded fuzz sample of normalised alerts (mutated real alerts of every format, hostile JSON) bulk-indexed with
 * the project's real alert template (mappings/ira-alerts.json, as on disk) into Elasticsearch and OpenSearch:
 * the engines must refuse none of them (IP fields hold IPs, keywords are bounded, dates are in range).
 */
const SEED = 20260610;
const PER_ARBITRARY = 80;

function fuzzSample(): NormalizedAlert[] {
  const messages: string[] = [];
  const draw = (arbitrary: fc.Arbitrary<string>, offset: number): void => {
    messages.push(...fc.sample(arbitrary, { seed: SEED + offset, numRuns: PER_ARBITRARY }));
  };
  (Object.keys(JSON_FIXTURES) as (keyof typeof JSON_FIXTURES)[]).forEach((format, index) => draw(mutatedJsonAlert(format), index));
  draw(mutatedLine('snort'), 10);
  draw(mutatedLine('zeek-notice'), 11);
  // Hostile values under the names every normaliser reads, on an otherwise valid generic alert.
  const names = ['src_ip', 'dest_ip', 'host', 'user', 'rule', 'id', 'severity', 'case_id', 'threat', 'proto', 'ip'];
  draw(
    fc
      .dictionary(fc.constantFrom(...names), hostileValue, { minKeys: 1 })
      .map((fields) => JSON.stringify({ '@timestamp': '2026-06-10T13:10:51Z', message: 'fuzz', ...fields })),
    12,
  );
  const alerts = new Map<string, NormalizedAlert>();
  for (const raw of messages) {
    const result = normalizeAlert(raw);
    if (result.ok) alerts.set(result.value.ira.alert_id, result.value);
  }
  return [...alerts.values()];
}

const engines = [
  { flavor: 'elasticsearch' as const, node: endpoints.elasticsearch },
  ...(opensearchExpected() ? [{ flavor: 'opensearch' as const, node: endpoints.opensearch }] : []),
];

const sample = fuzzSample();

describe.each(engines)('fuzzed alerts indexed into $flavor ($node)', ({ flavor, node }) => {
  let scope: TestScope;
  let store: DocumentStore;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    scope = createScope(`fuzz-${flavor.slice(0, 2)}`, [node]);
    const config = testConfig({ IRA_STORE_FLAVOR: flavor, IRA_ES_NODE: node });
    store = createDocumentStore(config.store, silentLogger);
    scope.track(() => store.close());
    await store.ensureTemplates(indexTemplates(scope.prefix), signal);
  });
  afterAll(() => scope.cleanup());

  it('indexes every alert of the seeded sample with zero item errors', async () => {
    // The sample must reach the cases that broke indexing before: moved addresses, cut keywords, many formats.
    expect(sample.length).toBeGreaterThanOrEqual(200);
    expect(new Set(sample.map((alert) => alert.ira.format)).size).toBe(7);
    expect(sample.some((alert) => alert.ira.truncated !== undefined)).toBe(true);
    const outcomes: WriteOutcome[] = [];
    for (let start = 0; start < sample.length; start += 100) {
      const batch = sample.slice(start, start + 100);
      outcomes.push(
        ...(await store.bulk(
          batch.map((alert) => ({ op: 'create' as const, index: scope.indices.alerts, id: alert.ira.alert_id, document: alert })),
          signal,
        )),
      );
    }
    const refused = outcomes.filter((outcome) => outcome.status !== 'written');
    expect(refused.map((outcome) => JSON.stringify(outcome).slice(0, 400))).toEqual([]);
    await fetch(`${node}/${scope.indices.alerts}/_refresh`, { method: 'POST' });
    const count = (await (await fetch(`${node}/${scope.indices.alerts}/_count`)).json()) as { count: number };
    expect(count.count).toBe(sample.length);
  });
});
