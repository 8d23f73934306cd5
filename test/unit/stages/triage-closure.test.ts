import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexTemplates } from '../../../src/adapters/store/index-templates';
import { NdjsonStore } from '../../../src/adapters/store/ndjson-store';
import type { BatchControl, InboundMessage, MessageProducer, OutboundMessage } from '../../../src/core/ports/messaging';
import { indexNames, type Document } from '../../../src/core/ports/store';
import { createTriageState } from '../../../src/core/triage';
import { silentLogger } from '../../../src/logger';
import { createFeedbackHandler } from '../../../src/stages/feedback/feedback-handler';
import { hydrateFromStore } from '../../../src/stages/triage/hydrate';
import { createTriagePipeline } from '../../../src/stages/triage/triage-pipeline';
import { checkedWrite } from '../../../src/stages/triage/triage-writes';

/**
 * An analyst's false positive against stage 1: the feedback stage closes the incident in the store; stage 1 learns
 * of it (it reloads the ids of analyst-closed incidents before a chunk, at most every `closureRefreshMs`) and a
 * later alert on the same host opens a new incident. Whatever stage 1 knows, its incident write never turns the
 * closed document back to open.
 */
const HOUR = 60 * 60 * 1000;
const signal = new AbortController().signal;
const indices = indexNames('fp');
const options = { windowMs: HOUR, maxClockBehindMs: 10 * 365 * 24 * HOUR };
const control: BatchControl = { isRunning: () => true, pause: () => () => undefined, commit: () => Promise.resolve() };

function recordingProducer(): MessageProducer & { sent: { topic: string; message: OutboundMessage }[] } {
  const sent: { topic: string; message: OutboundMessage }[] = [];
  return {
    sent,
    send: (topic, messages) => {
      for (const message of messages) sent.push({ topic, message });
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

const alert = (id: string, minute: number, extra: Record<string, unknown> = {}) => ({
  '@timestamp': `2026-12-01T10:${String(minute).padStart(2, '0')}:00Z`,
  message: `ssh brute force ${id}`,
  rule: { name: 'ssh brute force', id: 'R1' },
  host: { name: 'web-01' },
  source: { ip: '203.0.113.7' },
  event: { kind: 'alert', id },
  ...extra,
});

let offset = 0;
function batch(...alerts: Record<string, unknown>[]) {
  const messages: InboundMessage[] = alerts.map((value) => {
    offset += 1;
    return { topic: 'alerts', partition: 0, offset: String(offset), key: null, value: Buffer.from(JSON.stringify(value)), timestamp: String(Date.parse('2026-12-01T10:30:00Z')) };
  });
  return { topic: 'alerts', partition: 0, messages };
}

describe('a false-positive closure sticks in stage 1', () => {
  let directory: string;
  let store: NdjsonStore;
  let clock: number;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ira-closure-'));
    store = await NdjsonStore.open({ directory });
    await store.ensureTemplates(indexTemplates('fp'), signal);
    clock = Date.parse('2026-12-01T10:30:00Z');
  });
  afterEach(async () => {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  function pipeline(closureRefreshMs = 2000, rehydrate = false) {
    const hydrate = () => hydrateFromStore(store, indices.incidents, { ...options, limit: 1000, nowMs: clock }, silentLogger, signal);
    return createTriagePipeline({
      store,
      producer: recordingProducer(),
      state: createTriageState(options),
      indices,
      topics: { dlq: 'dlq', incidentEvents: 'events' },
      chunkSize: 100,
      logger: silentLogger,
      signal,
      now: () => new Date(clock),
      closureRefreshMs,
      ...(rehydrate ? { rehydrate: hydrate } : {}),
    });
  }

  async function incidentOf(alertId: string): Promise<string> {
    const result = await store.search({ index: indices.alerts, filters: [{ kind: 'term', field: 'event.id', value: alertId }], size: 1 }, signal);
    return (result.hits[0]?.source['incident'] as { id: string }).id;
  }

  async function incident(id: string): Promise<Document> {
    const stored = await store.get(indices.incidents, id, signal);
    if (stored === undefined) throw new Error(`no incident ${id}`);
    return stored.source;
  }

  /** The analyst's false positive, through the real feedback stage, on a recommendation of step 0. */
  async function falsePositive(incidentId: string): Promise<void> {
    await store.bulk([{ op: 'create', index: indices.recommendations, id: `${incidentId}:0`, document: { step: 0, ira: { status: 'recommended' } } }], signal);
    const feedback = createFeedbackHandler({
      store, producer: recordingProducer(), indices, topics: { dlq: 'fb.dlq', incidentEvents: 'events' }, logger: silentLogger, signal, now: () => new Date(clock),
    });
    const value = Buffer.from(JSON.stringify({ recommendation_id: `${incidentId}:0`, status: 'false-positive', comment: 'scanner of the red team' }));
    await feedback.handleBatch({ topic: 'ira.feedback', partition: 0, messages: [{ topic: 'ira.feedback', partition: 0, offset: '0', key: null, value, timestamp: '1' }] }, control);
    expect(feedback.counters.closed).toBe(1);
  }

  it('a later alert on the same host opens a new incident; the closed one stays closed', async () => {
    const triage = pipeline();
    await triage.handleBatch(batch(alert('a1', 0), alert('a2', 1)), control);
    const closed = await incidentOf('a1');
    expect(await incidentOf('a2')).toBe(closed);
    await falsePositive(closed);

    clock += 5000;
    await triage.handleBatch(batch(alert('a3', 2)), control);
    expect(await incidentOf('a3')).not.toBe(closed);
    expect(await incident(closed)).toMatchObject({ status: 'closed', alert_count: 2, ira: { closed: { reason: 'false-positive' } } });
    expect(await incident(await incidentOf('a3'))).toMatchObject({ status: 'open', alert_count: 1 });
    expect(triage.counters.closures).toBe(1);
  });

  it('before stage 1 has learned of the closure, its write keeps the document closed (the guard)', async () => {
    const triage = pipeline(60_000);
    await triage.handleBatch(batch(alert('a1', 0)), control);
    clock += 1000;
    // Closures are loaded before this chunk (nothing closed yet), and not again for a minute.
    await triage.handleBatch(batch(alert('a2', 1)), control);
    const closed = await incidentOf('a1');
    await falsePositive(closed);

    clock += 5000;
    await triage.handleBatch(batch(alert('a3', 2)), control);
    // Stage 1 did not reload closures yet: the alert joined in memory ...
    expect(await incidentOf('a3')).toBe(closed);
    // ... but the write did not reopen the incident.
    expect(await incident(closed)).toMatchObject({ status: 'closed', alert_count: 3, ira: { closed: { reason: 'false-positive' } } });

    clock += 60_000;
    await triage.handleBatch(batch(alert('a4', 3)), control);
    expect(await incidentOf('a4')).not.toBe(closed);
    expect(await incident(closed)).toMatchObject({ status: 'closed' });
  });

  it('a redelivered first alert of the closed incident, in a fresh process, does not reopen it', async () => {
    const triage = pipeline();
    const first = alert('a1', 0);
    await triage.handleBatch(batch(first), control);
    const closed = await incidentOf('a1');
    await falsePositive(closed);

    clock += 5000;
    // A fresh process (no state) sees the same alert again: same incident id, but the document stays closed.
    const restarted = pipeline(2000, true);
    restarted.rebalanced();
    await restarted.handleBatch(batch(first, alert('a2', 1)), control);
    expect(await incident(closed)).toMatchObject({ status: 'closed', ira: { closed: { reason: 'false-positive' } } });
    // The redelivered alert names the same incident, and a2 joins it in memory (a fresh state holds nothing to
    // close); the version is newer than the stored one, so only the guard keeps the document closed.
    expect(await incidentOf('a2')).toBe(closed);
    expect(await incident(closed)).toMatchObject({ alert_count: 2 });
  });

  it('after a restart, a case incident closed as a false positive is not reopened by the next alert of the case', async () => {
    const triage = pipeline();
    await triage.handleBatch(batch(alert('c1', 0, { case_id: 'CASE-7' })), control);
    const closed = await incidentOf('c1');
    await falsePositive(closed);

    clock += 5000;
    const restarted = pipeline(2000, true);
    restarted.rebalanced();
    await restarted.handleBatch(batch(alert('c2', 1, { case_id: 'CASE-7' })), control);
    const next = await incidentOf('c2');
    expect(next).not.toBe(closed);
    expect(await incident(closed)).toMatchObject({ status: 'closed', alert_count: 1 });
    expect(await incident(next)).toMatchObject({ status: 'open', case_id: 'CASE-7', alert_count: 1 });
  });
});

describe('checkedWrite: merges and case incidents are read before they are written', () => {
  const incident = { id: 'inc-1', status: 'merged' as const, merged_into: 'inc-0', case_id: 'C-1', first_seen: 't', last_seen: 't', '@timestamp': 't', alert_count: 3, unique_alert_count: 3, score: 10, max_severity: 10, entities: { hosts: [], ips: [], users: [] }, tactics: [], techniques: [], rules: [], formats: [], version: 5 };
  const stored = (source: Document) => ({ id: 'inc-1', index: 'i', source, seqNo: 7, primaryTerm: 1 });

  test.each([
    ['missing: created whole', undefined, { op: 'create', document: { status: 'merged' } }],
    ['newer stored version: nothing to do', stored({ version: 5, status: 'open' }), { status: 'noop' }],
    ['open: written whole, pinned to the seq_no', stored({ version: 4, status: 'open' }), { op: 'update', doc: { status: 'merged', merged_into: 'inc-0' }, condition: { seqNo: 7, primaryTerm: 1 } }],
  ])('%s', (_name, current, expected) => {
    expect(checkedWrite('i', incident, current)).toMatchObject(expected);
  });

  it('closed by an analyst: the status and the merge are left out, the figures written', () => {
    const next = checkedWrite('i', incident, stored({ version: 4, status: 'closed', ira: { closed: { reason: 'false-positive' } } }));
    expect(next).toMatchObject({ op: 'update', doc: { alert_count: 3, version: 5 }, condition: { seqNo: 7, primaryTerm: 1 } });
    expect('doc' in next ? next.doc : {}).not.toHaveProperty('status');
    expect('doc' in next ? next.doc : {}).not.toHaveProperty('merged_into');
  });
});
