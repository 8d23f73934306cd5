import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexTemplates } from '../../../src/adapters/store/index-templates';
import { NdjsonStore } from '../../../src/adapters/store/ndjson-store';
import type { BatchControl, InboundMessage, MessageProducer, OutboundMessage } from '../../../src/core/ports/messaging';
import { indexNames } from '../../../src/core/ports/store';
import { createTriageState } from '../../../src/core/triage';
import { silentLogger } from '../../../src/logger';
import { hydrateFromStore } from '../../../src/stages/triage/hydrate';
import { createTriagePipeline } from '../../../src/stages/triage/triage-pipeline';

/**
 * Two triage processes of one consumer group: when a partition moves from one to the other (a rebalance, or the
 * first one died), the second reloads triage state from the store before its next chunk, so the moved partition's
 * alerts join the incident the first process formed instead of opening a duplicate.
 */
const HOUR = 60 * 60 * 1000;
const signal = new AbortController().signal;
const indices = indexNames('it');

function message(offset: number, alert: Record<string, unknown>): InboundMessage {
  return { topic: 'alerts', partition: 0, offset: String(offset), key: null, value: Buffer.from(JSON.stringify(alert)), timestamp: String(Date.parse('2026-12-01T10:00:00Z') + offset * 1000) };
}

const alert = (id: string, minute: number) => ({
  '@timestamp': `2026-12-01T10:${String(minute).padStart(2, '0')}:00Z`,
  message: `ssh brute force ${id}`,
  rule: { name: 'ssh brute force', id: 'R1' },
  host: { name: 'web-01' },
  source: { ip: '203.0.113.7' },
  event: { kind: 'alert', id },
});

const control: BatchControl = { isRunning: () => true, pause: () => () => undefined, commit: () => Promise.resolve() };
const producer: MessageProducer & { sent: OutboundMessage[] } = {
  sent: [],
  send(_topic, messages) {
    this.sent.push(...messages);
    return Promise.resolve();
  },
  close: () => Promise.resolve(),
};

describe('triage after a rebalance', () => {
  let directory: string;
  let store: NdjsonStore;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ira-rebalance-'));
    store = await NdjsonStore.open({ directory });
    await store.ensureTemplates(indexTemplates('it'), signal);
  });
  afterEach(async () => {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  function pipeline(rehydrate: boolean) {
    const options = { windowMs: HOUR, maxClockBehindMs: 10 * 365 * 24 * HOUR };
    return createTriagePipeline({
      store,
      producer,
      state: createTriageState(options),
      indices,
      topics: { dlq: 'dlq', incidentEvents: 'events' },
      chunkSize: 100,
      logger: silentLogger,
      signal,
      ...(rehydrate ? { rehydrate: () => hydrateFromStore(store, indices.incidents, { ...options, limit: 1000, nowMs: Date.parse('2026-12-01T10:05:00Z') }, silentLogger, signal) } : {}),
    });
  }

  async function incidentOf(alertId: string): Promise<string> {
    const result = await store.search({ index: indices.alerts, filters: [{ kind: 'term', field: 'event.id', value: alertId }], size: 1 }, signal);
    return (result.hits[0]?.source.incident as { id: string }).id;
  }

  it('joins the incident another process formed once the partition moved', async () => {
    const first = pipeline(true);
    await first.handleBatch({ topic: 'alerts', partition: 0, messages: [message(0, alert('a1', 0)), message(1, alert('a2', 1))] }, control);
    const second = pipeline(true);
    second.rebalanced();
    await second.handleBatch({ topic: 'alerts', partition: 0, messages: [message(2, alert('a3', 2))] }, control);
    expect(await incidentOf('a3')).toBe(await incidentOf('a1'));
    expect(second.counters.rehydrations).toBe(1);
  });

  it('without the reload, the moved partition opens a duplicate incident (what the reload prevents)', async () => {
    const first = pipeline(false);
    await first.handleBatch({ topic: 'alerts', partition: 0, messages: [message(0, alert('a1', 0))] }, control);
    const second = pipeline(false);
    second.rebalanced();
    await second.handleBatch({ topic: 'alerts', partition: 0, messages: [message(2, alert('a3', 2))] }, control);
    expect(await incidentOf('a3')).not.toBe(await incidentOf('a1'));
  });
});
