import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexTemplates } from '../../../src/adapters/store/index-templates';
import { NdjsonStore } from '../../../src/adapters/store/ndjson-store';
import type { BatchControl, InboundMessage, MessageProducer, OutboundMessage } from '../../../src/core/ports/messaging';
import { indexNames } from '../../../src/core/ports/store';
import { createTriageState } from '../../../src/core/triage';
import { silentLogger } from '../../../src/logger';
import { DeadLetter } from '../../../src/stages/dead-letter';
import { IncidentEvent } from '../../../src/stages/incident-event';
import { createTriagePipeline } from '../../../src/stages/triage/triage-pipeline';

/**
 * Issue 9, point 3, stage 1: a store that refuses an incident document for good (here an operator's template that
 * types `entities.hosts` as `ip`, while the alerts name their host) must not leave stage 2 looking for a document that
 * is not there. Stage 1 sends an `incident-rejected` dead letter in place of the incident's event, keeps the alerts
 * indexed, and commits.
 */
const HOUR = 60 * 60 * 1000;
const signal = new AbortController().signal;
const indices = indexNames('it');

function message(offset: number, id: string): InboundMessage {
  const alert = {
    '@timestamp': `2026-12-01T10:0${offset}:00Z`,
    message: `ssh brute force ${id}`,
    rule: { name: 'ssh brute force', id: 'R1' },
    host: { name: 'web-01' },
    source: { ip: '203.0.113.7' },
    event: { kind: 'alert', id },
  };
  return { topic: 'alerts', partition: 0, offset: String(offset), key: null, value: Buffer.from(JSON.stringify(alert)), timestamp: String(Date.parse('2026-12-01T10:00:00Z') + offset * 1000) };
}

function recordingProducer(): MessageProducer & { sent: { topic: string; message: OutboundMessage }[] } {
  return {
    sent: [],
    send(topic, messages) {
      for (const outbound of messages) this.sent.push({ topic, message: outbound });
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

describe('stage 1 with an incident document the store refuses', () => {
  let directory: string;
  let store: NdjsonStore;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ira-incident-rejected-'));
    store = await NdjsonStore.open({ directory });
    await store.ensureTemplates(indexTemplates('it'), signal);
  });
  afterEach(async () => {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  async function run() {
    const producer = recordingProducer();
    const commits: string[] = [];
    const control: BatchControl = {
      isRunning: () => true,
      pause: () => () => undefined,
      commit: (offset) => {
        commits.push(offset);
        return Promise.resolve();
      },
    };
    const pipeline = createTriagePipeline({
      store,
      producer,
      state: createTriageState({ windowMs: HOUR, maxClockBehindMs: 10 * 365 * 24 * HOUR }),
      indices,
      topics: { dlq: 'dlq', incidentEvents: 'events' },
      chunkSize: 100,
      logger: silentLogger,
      signal,
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
    });
    await pipeline.handleBatch({ topic: 'alerts', partition: 0, messages: [message(0, 'a1'), message(1, 'a2')] }, control);
    const alerts = await store.search({ index: indices.alerts, filters: [], size: 10 }, signal);
    const incidents = await store.search({ index: indices.incidents, filters: [], size: 10 }, signal);
    return { producer, commits, counters: pipeline.counters, alerts: alerts.hits, incidents: incidents.hits };
  }

  it('sends an incident-rejected dead letter instead of the event, keeps the alerts indexed and commits', async () => {
    await store.ensureTemplates(
      [{ name: 'it-incidents-stricter', body: { index_patterns: ['it-incidents*'], priority: 1000, template: { mappings: { properties: { entities: { properties: { hosts: { type: 'ip' } } } } } } } }],
      signal,
    );
    const { producer, commits, counters, alerts, incidents } = await run();

    expect(incidents).toHaveLength(0);
    expect(alerts).toHaveLength(2);
    expect(producer.sent.filter((sent) => sent.topic === 'events')).toEqual([]);
    const dead = producer.sent.filter((sent) => sent.topic === 'dlq');
    expect(dead).toHaveLength(1);
    const letter = DeadLetter.parse(JSON.parse(String(dead[0]?.message.value)));
    const incidentId = (alerts[0]?.source.incident as { id: string }).id;
    expect(letter).toMatchObject({ reason: 'incident-rejected', incident_id: incidentId, topic: 'events' });
    expect(letter.message).toMatch(/entities\.hosts/);
    expect(dead[0]?.message.key).toBe(incidentId);
    expect(dead[0]?.message.headers?.['ira-reason']).toBe('incident-rejected');
    // The original is the event stage 2 would have got, so it can be replayed once the template is fixed.
    const original = IncidentEvent.parse(JSON.parse(Buffer.from(letter.original_base64, 'base64').toString('utf8')));
    expect(original).toMatchObject({ kind: 'opened', incident_id: incidentId, alert_count: 2 });
    expect(commits).toEqual(['1']);
    expect(counters).toMatchObject({ indexed: 2, dlq: 1, events: 0, commits: 1 });
  });

  it('with the shipped templates the same alerts give the incident and its event (the refusal is the only cause)', async () => {
    const { producer, commits, incidents } = await run();
    expect(incidents).toHaveLength(1);
    expect(producer.sent.map((sent) => sent.topic)).toEqual(['events']);
    expect(commits).toEqual(['1']);
  });
});
